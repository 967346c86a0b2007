"""User directories: the Amazon WorkMail directory an organization creates, and the AWS Directory
Service directories (Simple AD, AWS Managed Microsoft AD, AD Connector, shared and multi-Region
ones) that an organization can use instead."""

import logging
import secrets

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from directories.lifecycle import DELETABLE, LIFECYCLE, Stage
from directories.signals import directory_changed
from workmail_console.converters import DIRECTORY_ID_PATTERN
from workmail_console.lifecycle import LifecycleEventBase, LifecycleModel
from workmail_console.models import Account
from workmail_console.regions import REGION_CHOICES

log = logging.getLogger(__name__)

STAGE_CHOICES = [(stage.value, stage.value) for stage in Stage]
ACCESS_URL_DOMAIN = "awsapps.com"


def new_directory_id() -> str:
    return "d-" + secrets.token_hex(5)


def is_directory_id(value: str) -> bool:
    return DIRECTORY_ID_PATTERN.fullmatch(value) is not None


class DirectoryType(models.TextChoices):
    # DescribeOrganization's DirectoryType string for a directory WorkMail made (awscli example).
    WORKMAIL = "VpcDirectory", "Amazon WorkMail directory"
    # Directory Service's DirectoryType enum.
    SIMPLE_AD = "SimpleAD", "Simple AD"
    MICROSOFT_AD = "MicrosoftAD", "AWS Managed Microsoft AD"
    AD_CONNECTOR = "ADConnector", "AD Connector"
    SHARED_MICROSOFT_AD = "SharedMicrosoftAD", "Shared Microsoft AD"


class DirectorySize(models.TextChoices):
    SMALL = "Small"
    LARGE = "Large"


class DirectoryEdition(models.TextChoices):
    STANDARD = "Standard"
    ENTERPRISE = "Enterprise"


class Application(models.TextChoices):
    """Other AWS applications that can create and use a directory."""

    WORKDOCS = "WorkDocs", "Amazon WorkDocs"
    WORKSPACES = "WorkSpaces", "Amazon WorkSpaces"


class DirectoryQuerySet(models.QuerySet["Directory"]):
    def in_scope(self, account: Account, region: str) -> "DirectoryQuerySet":
        return self.filter(account=account, region=region)

    def live(self) -> "DirectoryQuerySet":
        return self.exclude(stage=Stage.DELETED)


class Directory(LifecycleModel):
    lifecycle = LIFECYCLE

    directory_id = models.CharField(max_length=12, unique=True, default=new_directory_id)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="directories")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    # The directory's ID until an alias is created (Create alias), as in Directory Service.
    alias = models.CharField(max_length=62)
    directory_type = models.CharField(max_length=20, choices=DirectoryType.choices)
    name = models.CharField("Directory DNS name", max_length=255, blank=True)
    short_name = models.CharField("Directory NetBIOS name", max_length=15, blank=True)
    size = models.CharField(max_length=8, choices=DirectorySize.choices, blank=True)
    edition = models.CharField(max_length=16, choices=DirectoryEdition.choices, blank=True)
    # Django password hashes (make_password), never the passwords themselves.
    admin_password = models.CharField(max_length=128, blank=True)
    service_account_password = models.CharField(max_length=128, blank=True)
    service_account_username = models.CharField(max_length=128, blank=True)
    # AD Connector: the on-premises DNS servers (IPv4 addresses, one or two).
    dns_ip_addrs = models.JSONField(default=list, blank=True)
    # Other AWS applications using the directory (Application values): it can't be deleted.
    applications = models.JSONField(default=list, blank=True)
    # A Managed AD shared with this account: the account that owns it.
    owner_account_id = models.CharField(max_length=12, blank=True)
    # A multi-Region (replicated) Managed AD: the Region of its primary.
    primary_region = models.CharField(max_length=32, blank=True)
    stage = models.CharField(max_length=16, choices=STAGE_CHOICES, default=Stage.REQUESTED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    # What asked for this directory (an organization id), so that asking twice makes one.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "directories"
        ordering = ["-created", "directory_id"]
        constraints = [
            # <alias>.awsapps.com names one live Directory Service directory in the whole world.
            # A WorkMail directory carries its organization's alias, which unique_live_alias on
            # organizations guards; a kept one may share it with the organization's successor.
            models.UniqueConstraint(
                Lower("alias"),
                condition=~models.Q(stage="Deleted") & ~models.Q(directory_type="VpcDirectory"),
                name="unique_live_directory_alias",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "region"]),
            models.Index(fields=["stage", "stage_changed_at"]),
        ]

    def __str__(self) -> str:
        return self.directory_id

    def get_absolute_url(self) -> str:
        return self._url("directories:detail")

    def _url(self, name: str) -> str:
        return reverse(name, kwargs={"region": self.region, "directory_id": self.directory_id})

    @property
    def alias_url(self) -> str:
        return self._url("directories:alias")

    @property
    def delete_url(self) -> str:
        return self._url("directories:delete")

    @property
    def outage_url(self) -> str:
        return self._url("directories:outage")

    @property
    def recover_url(self) -> str:
        return self._url("directories:recover")

    @property
    def has_alias(self) -> bool:
        """Whether an alias was created: until then the alias is the directory ID."""
        return self.alias != self.directory_id

    @property
    def access_url(self) -> str:
        return f"https://{self.alias.lower()}.{ACCESS_URL_DOMAIN}"

    @property
    def is_shared(self) -> bool:
        return self.directory_type == DirectoryType.SHARED_MICROSOFT_AD

    @property
    def is_multi_region(self) -> bool:
        return bool(self.primary_region)

    @property
    def size_or_edition(self) -> str:
        return self.size or self.edition

    @property
    def application_labels(self) -> list[str]:
        return [Application(value).label for value in self.applications]

    @property
    def is_deletable(self) -> bool:
        return self.stage in DELETABLE

    def moved(self) -> None:
        """Once a stage change is committed, `directories.signals.directory_changed` tells
        whoever listens."""
        _announce(self)


def _announce(directory: Directory) -> None:
    """Send directory_changed; a receiver that fails is logged, and the others still hear."""
    for receiver, result in directory_changed.send_robust(sender=Directory, directory=directory):
        if isinstance(result, Exception):
            log.error(
                "directory_changed receiver %r failed for %s",
                receiver,
                directory.directory_id,
                exc_info=result,
            )


class DirectoryEvent(LifecycleEventBase):
    """One move of a directory from one stage to another (workmail_console.lifecycle)."""

    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="events")

    subject = "directory"

    class Meta(LifecycleEventBase.Meta):
        indexes = [models.Index(fields=["directory", "at"])]


Directory.event_model = DirectoryEvent
