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
