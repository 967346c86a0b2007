"""Organizations, their lifecycle events, and the emulated KMS keys that encrypt their mailboxes."""

import secrets
import uuid
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from directories.models import Directory
from organizations import lifecycle
from organizations.lifecycle import State
from workmail_console.models import Account
from workmail_console.regions import REGION_CHOICES

STATE_CHOICES = [(state.value, state.value) for state in State]
TEST_DOMAIN_SUFFIX = "awsapps.com"


def new_organization_id() -> str:
    return "m-" + secrets.token_hex(16)


class KeyManager(models.TextChoices):
    AWS = "AWS"
    CUSTOMER = "CUSTOMER"


class KeyState(models.TextChoices):
    ENABLED = "Enabled"
    DISABLED = "Disabled"
    PENDING_DELETION = "PendingDeletion"


class EncryptionKey(models.Model):
    """A KMS key in the account's emulated inventory."""

    WORKMAIL_MANAGED_ALIAS = "alias/aws/workmail"

    key_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="keys")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    alias = models.CharField(max_length=256, blank=True)
    description = models.CharField(max_length=256, blank=True)
    key_manager = models.CharField(max_length=8, choices=KeyManager.choices)
    key_state = models.CharField(max_length=16, choices=KeyState.choices, default=KeyState.ENABLED)
    key_spec = models.CharField(max_length=32, default="SYMMETRIC_DEFAULT")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One AWS managed key per alias in each account and Region, as in KMS.
            models.UniqueConstraint(
                fields=["account", "region", "alias"],
                condition=models.Q(key_manager="AWS"),
                name="one_aws_managed_key_per_alias",
            )
        ]

    def __str__(self) -> str:
        return self.arn

    @property
    def arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account.account_id}:key/{self.key_id}"


class DirectoryChoice(models.TextChoices):
    CREATE = "create", "Create new Amazon WorkMail directory"
    EXISTING = "existing", "Use existing directory"


class EncryptionChoice(models.TextChoices):
    MANAGED = "managed", "Use an Amazon WorkMail managed key"
    EXISTING = "existing", "Use existing KMS key"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def in_scope(self, account: Account, region: str) -> "OrganizationQuerySet":
        return self.filter(account=account, region=region)

    def live(self) -> "OrganizationQuerySet":
        return self.exclude(state=State.DELETED)


class Organization(models.Model):
    organization_id = models.CharField(
        max_length=34, primary_key=True, default=new_organization_id, editable=False
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="organizations")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    alias = models.CharField(max_length=62)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=State.REQUESTED)
    error_message = models.CharField(max_length=256, blank=True)
    directory_choice = models.CharField(
        max_length=8, choices=DirectoryChoice.choices, default=DirectoryChoice.CREATE
    )
    directory = models.ForeignKey(
        Directory, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations"
    )
    encryption_choice = models.CharField(
        max_length=8, choices=EncryptionChoice.choices, default=EncryptionChoice.MANAGED
    )
    encryption_key = models.ForeignKey(
        EncryptionKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    default_mail_domain = models.CharField(max_length=255, blank=True)
    interoperability_enabled = models.BooleanField(default=False)
    delete_directory = models.BooleanField(default=False)
    # NULL, not "", when absent: the unique constraint must not see two empty tokens as equal.
    client_token = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001
    created_date = models.DateTimeField(default=timezone.now)
    completed_date = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "organization_id"]
        constraints = [
            # <alias>.awsapps.com names one live organization in the whole world.
            models.UniqueConstraint(
                Lower("alias"), condition=~models.Q(state="Deleted"), name="unique_live_alias"
            ),
            models.UniqueConstraint(
                fields=["account", "region", "client_token"], name="unique_create_client_token"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "region", "-created_date"]),
            models.Index(fields=["state", "state_changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.alias} ({self.organization_id})"

    @property
    def arn(self) -> str:
        return (
            f"arn:aws:workmail:{self.region}:{self.account.account_id}"
            f":organization/{self.organization_id}"
        )

    @property
    def test_domain(self) -> str:
        return f"{self.alias.lower()}.{TEST_DOMAIN_SUFFIX}"

    @property
    def login_url(self) -> str:
        return f"https://{self.alias.lower()}.{TEST_DOMAIN_SUFFIX}/mail"

    @property
    def description(self) -> str:
        return lifecycle.describe(self.state)

    @property
    def badge(self) -> str:
        return lifecycle.badge(self.state)

    @property
    def is_working(self) -> bool:
        return lifecycle.is_working(self.state)

    @property
    def is_deletable(self) -> bool:
        return self.state in lifecycle.DELETABLE

    def transition(self, target: State, *, reason: str, **changes: Any) -> bool:
        """Move to `target` if the row is still in the state we read; False if another worker did.

        Compare-and-set: the update only matches the state this instance holds, and the event is
        written in the same transaction, so a duplicate delivery can never make a second move.
        """
        source = State(self.state)
        lifecycle.check_transition(source, target)
        now = timezone.now()
        with transaction.atomic():
            moved = Organization.objects.filter(pk=self.pk, state=source).update(
                state=target, state_changed_at=now, **changes
            )
            if not moved:
                return False
            LifecycleEvent.objects.create(
                organization_id=self.pk, from_state=source, to_state=target, at=now, reason=reason
            )
        self.state = target
        self.state_changed_at = now
        for name, value in changes.items():
            setattr(self, name, value)
        return True


class LifecycleEvent(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=STATE_CHOICES, blank=True)
    to_state = models.CharField(max_length=16, choices=STATE_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=256)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["-at"])]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.from_state or '∅'} → {self.to_state}"
