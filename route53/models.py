"""The emulated Route 53, per account: hosted zones with their record sets, and the emulated
registrar's domain registrations (the registry of who each public name belongs to).

The tables keep the names they had when these models lived in domains/ (domains_hostedzone, …):
route53 0001 took them over without copying a row.
"""

import re
import secrets
import string

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from workmail_console.lifecycle import Badge, Lifecycle, LifecycleModel, StateInfo
from workmail_console.models import Account

HOSTED_ZONE_ID_PATTERN = re.compile(r"Z[0-9A-Z]{13,32}")
_ZONE_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_hosted_zone_id() -> str:
    return "Z" + "".join(secrets.choice(_ZONE_ID_ALPHABET) for _ in range(20))


# Route 53 gives each hosted zone its own delegation set: four name servers, one under each of
# these top-level domains, e.g. ns-1536.awsdns-00.co.uk.
NAME_SERVER_TLDS = ("com", "net", "org", "co.uk")


def new_delegation_set() -> list[str]:
    """Four name servers as Route 53 names them (lower case, no final dot)."""
    return [
        f"ns-{secrets.randbelow(2048)}.awsdns-{secrets.randbelow(64):02}.{tld}"
        for tld in NAME_SERVER_TLDS
    ]


class RecordType(models.TextChoices):
    """Route 53 shows a record type as DNS writes it: in capitals (not Django's "Cname")."""

    A = "A", "A"
    AAAA = "AAAA", "AAAA"
    CNAME = "CNAME", "CNAME"
    MX = "MX", "MX"
    TXT = "TXT", "TXT"
    NS = "NS", "NS"
    SOA = "SOA", "SOA"


class HostedZoneQuerySet(models.QuerySet["HostedZone"]):
    def public(self) -> "HostedZoneQuerySet":
        return self.filter(private=False)


class HostedZone(models.Model):
    """A hosted zone. Route 53 lets any account make public zones of any name, several of one
    name too; the DNS server answers from a public zone only where the name is delegated to its
    name servers (route53.authority)."""

    zone_id = models.CharField(max_length=33, unique=True, default=new_hosted_zone_id)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="hosted_zones")
    name = models.CharField(max_length=255)  # lower case, no trailing dot
    private = models.BooleanField(default=False)
    comment = models.CharField(max_length=256, blank=True)
    created = models.DateTimeField(default=timezone.now)
    # Its delegation set: the name servers the parent's NS records must name for it to answer.
    name_servers = models.JSONField(default=new_delegation_set, blank=True)

    objects = HostedZoneQuerySet.as_manager()

    class Meta:
        db_table = "domains_hostedzone"
        ordering = ["name", "zone_id"]
        indexes = [
            models.Index(fields=["account", "name"]),
            models.Index(Lower("name"), name="hosted_zone_lower_name"),  # the DNS server's
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.zone_id})"


class ResourceRecordSet(models.Model):
    zone = models.ForeignKey(HostedZone, on_delete=models.CASCADE, related_name="record_sets")
    name = models.CharField(max_length=255)  # fully qualified, lower case, no trailing dot
    type = models.CharField(max_length=5, choices=RecordType.choices)
    ttl = models.PositiveIntegerField(default=300)
    # The records' values in zone-file syntax (TXT quoted, names absolute with their dot).
    values = models.JSONField(default=list)

    class Meta:
        db_table = "domains_resourcerecordset"
        ordering = ["name", "type"]
        constraints = [
            models.UniqueConstraint("zone", Lower("name"), "type", name="unique_record_set"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.type}"


class RegistrationStatus(models.TextChoices):
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    SUCCESSFUL = "SUCCESSFUL", "Successful"


class DomainRegistrationQuerySet(models.QuerySet["DomainRegistration"]):
    def registered(self) -> "DomainRegistrationQuerySet":
        """Names registered with Register domain (not only claimed by a hosted zone)."""
        return self.filter(registered=True)


REGISTRATION_LIFECYCLE = Lifecycle(
    name="registration",
    noun="A domain registration",
    table={
        RegistrationStatus.IN_PROGRESS: StateInfo(
            "The registrar is registering the domain and creating its hosted zone.",
            Badge.IN_PROGRESS,
            frozenset({RegistrationStatus.SUCCESSFUL}),
            label="In progress",
        ),
        RegistrationStatus.SUCCESSFUL: StateInfo(
            "The domain is registered and delegated to its hosted zone's name servers.",
            Badge.SUCCESS,
            # A name claimed by its first hosted zone, then registered by its account.
            frozenset({RegistrationStatus.IN_PROGRESS}),
            label="Successful",
        ),
    },
    working=frozenset({RegistrationStatus.IN_PROGRESS}),
    steps="route53.registrar.STEPS",
    state_field="status",
    changed_at_field="status_changed_at",
)


class DomainRegistration(LifecycleModel):
    """The emulated registry: who a public name belongs to, and which name servers it is
    delegated to. One row per name in the whole emulator (the unique constraint decides a race
    between registering a name and making the first public zone of it).

    A name belongs to the account that registered it with the emulated registrar (its public
    hosted zone made by a Celery task), or, when nobody had, to the account whose public hosted
    zone of it came first and no name above it is anyone's (`registered` False: a claim).
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=255)
    status = models.CharField(
        max_length=11, choices=RegistrationStatus.choices, default=RegistrationStatus.IN_PROGRESS
    )
    registered = models.BooleanField(default=True)
    # The zone the name is delegated to, and its name servers (the registry's NS records).
    zone = models.ForeignKey(HostedZone, on_delete=models.SET_NULL, null=True, blank=True)
    name_servers = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = DomainRegistrationQuerySet.as_manager()

    lifecycle = REGISTRATION_LIFECYCLE
    region_field = None  # Route 53 is global

    class Meta:
        db_table = "domains_domainregistration"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_registered_domain"),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]  # the stuck sweep

    def __str__(self) -> str:
        return self.name
