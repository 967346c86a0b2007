"""User directories: the Amazon WorkMail directory an organization creates, and (later) the
AWS Directory Service directories an organization can use instead."""

import secrets

from django.db import models

from workmail_console.models import Account
from workmail_console.regions import REGION_CHOICES


def new_directory_id() -> str:
    return "d-" + secrets.token_hex(5)


class DirectoryType(models.TextChoices):
    # DescribeOrganization's DirectoryType string for a directory WorkMail made (awscli example).
    WORKMAIL = "VpcDirectory", "Amazon WorkMail directory"
    SIMPLE_AD = "SimpleAD", "Simple AD"
    MICROSOFT_AD = "MicrosoftAD", "AWS Managed Microsoft AD"
    AD_CONNECTOR = "ADConnector", "AD Connector"


class DirectoryStage(models.TextChoices):
    ACTIVE = "Active"
    INOPERABLE = "Inoperable"
    DELETED = "Deleted"


class Directory(models.Model):
    directory_id = models.CharField(max_length=12, unique=True, default=new_directory_id)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="directories")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    alias = models.CharField(max_length=62)
    directory_type = models.CharField(max_length=16, choices=DirectoryType.choices)
    stage = models.CharField(
        max_length=16, choices=DirectoryStage.choices, default=DirectoryStage.ACTIVE
    )
    # What asked for this directory (an organization id), so that asking twice makes one.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "directories"
        indexes = [models.Index(fields=["account", "region"])]

    def __str__(self) -> str:
        return self.directory_id
