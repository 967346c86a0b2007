"""The account's emulated AWS KMS inventory: keys, their aliases and their key administrators."""

import re
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from keys.lifecycle import LIFECYCLE, KeyState
from workmail_console.lifecycle import LifecycleEventBase, LifecycleModel
from workmail_console.models import Account
from workmail_console.regions import REGION_CHOICES

WORKMAIL_MANAGED_ALIAS = "alias/aws/workmail"
# KMS's AliasName: `alias/` and then letters, digits, `/`, `_` and `-`; 256 characters at most.
ALIAS_PATTERN = re.compile(r"alias/[a-zA-Z0-9/_-]+")
ALIAS_MAX_LENGTH = 256
# Aliases under this prefix name AWS managed keys; nobody else may take one.
RESERVED_ALIAS_PREFIX = "alias/aws/"


class KeyManager(models.TextChoices):
    AWS = "AWS", "AWS managed"
    CUSTOMER = "CUSTOMER", "Customer managed"


__all__ = ["KeyState"]  # its home is keys.lifecycle; models and services import it from here


class KeyUsage(models.TextChoices):
    ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT", "Encrypt and decrypt"
    SIGN_VERIFY = "SIGN_VERIFY", "Sign and verify"


class KeySpec(models.TextChoices):
    """The console shows the API's names as they are."""

    SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT"
    RSA_2048 = "RSA_2048", "RSA_2048"
    RSA_3072 = "RSA_3072", "RSA_3072"
    RSA_4096 = "RSA_4096", "RSA_4096"
    ECC_NIST_P256 = "ECC_NIST_P256", "ECC_NIST_P256"
    ECC_NIST_P384 = "ECC_NIST_P384", "ECC_NIST_P384"
    ECC_NIST_P521 = "ECC_NIST_P521", "ECC_NIST_P521"
    ECC_SECG_P256K1 = "ECC_SECG_P256K1", "ECC_SECG_P256K1"


# Which key usages each key spec supports, as in KMS (those this emulation offers).
SPEC_USAGES: dict[str, frozenset[str]] = {
    KeySpec.SYMMETRIC_DEFAULT: frozenset({KeyUsage.ENCRYPT_DECRYPT}),
    **{
        spec: frozenset({KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY})
        for spec in (KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096)
    },
    **{
        spec: frozenset({KeyUsage.SIGN_VERIFY})
        for spec in (
            KeySpec.ECC_NIST_P256,
            KeySpec.ECC_NIST_P384,
            KeySpec.ECC_NIST_P521,
            KeySpec.ECC_SECG_P256K1,
        )
    },
}


class KeyQuerySet(models.QuerySet["Key"]):
    def in_scope(self, account: Account | str, region: str) -> "KeyQuerySet":
        """The keys of this account and Region that still exist (deleted ones are gone)."""
        return self.filter(account=account, region=region).existing()

    def existing(self) -> "KeyQuerySet":
        return self.exclude(key_state=KeyState.DELETED)


class Key(LifecycleModel):
    """A KMS key. Once its deletion's waiting period is over it is Deleted: gone from every page,
    but its row stays, since organizations that used it still refer to it and report it missing."""

    lifecycle = LIFECYCLE

    key_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="kms_keys")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    description = models.CharField(max_length=8192, blank=True)
    key_manager = models.CharField(
        max_length=8, choices=KeyManager.choices, default=KeyManager.CUSTOMER
    )
    key_state = models.CharField(max_length=16, choices=KeyState.choices, default=KeyState.ENABLED)
    key_state_changed_at = models.DateTimeField(default=timezone.now)
    key_spec = models.CharField(
        max_length=32, choices=KeySpec.choices, default=KeySpec.SYMMETRIC_DEFAULT
    )
    key_usage = models.CharField(
        max_length=16, choices=KeyUsage.choices, default=KeyUsage.ENCRYPT_DECRYPT
    )
    created = models.DateTimeField(default=timezone.now)
    # When a key PendingDeletion is deleted; None in the other states.
    deletion_date = models.DateTimeField(null=True, blank=True)
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="KeyAdministrator", related_name="+", blank=True
    )

    objects = KeyQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        indexes = [
            models.Index(fields=["account", "region", "created"]),
            # The deletion task's question: which keys' waiting periods are over.
            models.Index(
                fields=["deletion_date"],
                condition=models.Q(key_state="PendingDeletion"),
                name="keys_key_deletion_due",
            ),
        ]

    def __str__(self) -> str:
        return self.arn

    def get_absolute_url(self) -> str:
        return reverse("keys:detail", kwargs={"region": self.region, "key_id": self.key_id})

    @property
    def arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account_id}:key/{self.key_id}"

    @property
    def is_aws_managed(self) -> bool:
        return self.key_manager == KeyManager.AWS

    @property
    def key_type(self) -> str:
        """The console's Key type column."""
        return "Symmetric" if self.key_spec == KeySpec.SYMMETRIC_DEFAULT else "Asymmetric"

    @property
    def deleted(self) -> bool:
        return self.key_state == KeyState.DELETED

    @property
    def alias_names(self) -> list[str]:
        """Its aliases' names, in order (from the prefetch cache when the page prefetched them)."""
        return sorted(alias.name for alias in self.aliases.all())


class KeyAlias(models.Model):
    """A friendly name for a key, unique in its account and Region (KMS's CreateAlias)."""

    name = models.CharField(max_length=ALIAS_MAX_LENGTH)
    key = models.ForeignKey(Key, on_delete=models.CASCADE, related_name="aliases")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "key aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "name"], name="unique_key_alias_in_account_region"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account_id}:{self.name}"


class KeyAdministrator(models.Model):
    """A person named in the key policy as one of the key's administrators."""

    key = models.ForeignKey(Key, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "user"], name="one_key_administrator_entry")
        ]

    def __str__(self) -> str:
        return f"{self.user} administers {self.key}"


class KeyEvent(LifecycleEventBase):
    """One move of a key from one state to another (workmail_console.lifecycle): its history."""

    key = models.ForeignKey(Key, on_delete=models.CASCADE, related_name="events")

    subject = "key"

    class Meta(LifecycleEventBase.Meta):
        indexes = [models.Index(fields=["key", "at"])]


Key.event_model = KeyEvent
