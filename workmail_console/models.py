"""Tenancy: accounts, the people in them and their roles."""

import secrets

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.transaction import TransactionManagementError

from workmail_console.db import quote


def new_account_id() -> str:
    return f"{secrets.randbelow(10**12):012d}"


class Account(models.Model):
    """An emulated AWS account: every resource belongs to one."""

    # The 12-digit ID is the key, so an ARN needs no join: organization.account_id is this.
    account_id = models.CharField(max_length=12, primary_key=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account_id"]

    def __str__(self) -> str:
        return self.account_id

    @classmethod
    def create(cls) -> "Account":
        """A new account with a fresh random 12-digit id."""
        while True:
            try:
                with transaction.atomic():
                    return cls.objects.create(account_id=new_account_id())
            except IntegrityError:
                continue  # the id was taken: draw another

    @classmethod
    def lock(cls, account_id: str) -> None:
        """Hold the account's row until the transaction ends: its check-then-writes queue here."""
        # NO KEY: rows that only refer to the account (a worker's new KMS key) don't wait. On
        # SQLite this is a no-op: its IMMEDIATE transactions already admit one writer at a time.
        # Written out: every create and membership change runs it, and the ORM took four times
        # as long to write this statement as PostgreSQL took to run it.
        if not connection.in_atomic_block:
            raise TransactionManagementError("An account's lock lasts until its transaction ends.")
        if not connection.features.has_select_for_no_key_update:
            return
        meta = cls._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
                " FOR NO KEY UPDATE",
                [account_id],
            )


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    OPS = "ops", "Ops"


class Membership(models.Model):
    """A person's place in an account: one account per person, with a role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.OPS)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} in {self.account} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class AccessKey(models.Model):
    """An API access key: it signs requests as its owner, in the owner's account and role.

    The secret is kept encrypted (workmail_console.api.secrets): the server needs it to check a
    SigV4 signature, and nobody ever sees it again after the page or command that made it.
    """

    key_id = models.CharField(max_length=20, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_keys"
    )
    # At most two keys a person, held by the database: a key takes slot 1 or 2.
    slot = models.PositiveSmallIntegerField()
    encrypted_secret = models.BinaryField(editable=False)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    last_used_operation = models.CharField(max_length=64, blank=True)
    last_used_region = models.CharField(max_length=16, blank=True)
    # Failed signatures in the current window: a key under attack answers ThrottlingException.
    failed_signatures = models.PositiveIntegerField(default=0)
    failures_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "slot"], name="two_access_keys_a_person"),
            models.CheckConstraint(
                condition=models.Q(slot__in=[1, 2]), name="access_key_slot_1_or_2"
            ),
        ]

    def __str__(self) -> str:
        return self.key_id


class IdempotentCall(models.Model):
    """A ClientToken's first answer: the same token and parameters get it again, creating nothing.

    The row is claimed before the call runs, in the call's transaction; a second call with the
    token waits on the unique index until the first commits, then reads the stored answer.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE)
    region = models.CharField(max_length=16)
    operation = models.CharField(max_length=64)
    client_token = models.CharField(max_length=128)
    parameters_digest = models.CharField(max_length=64)
    response = models.JSONField(null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "operation", "client_token"],
                name="one_answer_per_client_token",
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.client_token}"
