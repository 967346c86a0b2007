"""Mail domains and the emulated Route 53.

An organization's mail domains: its test domain `<alias>.awsapps.com`, verified from the start,
and the domains added to it, each with the DNS records WorkMail asks for (made once, stored) and
their last verification. Route 53, per account: hosted zones with their record sets, and the
emulated registrar's domain registrations.
"""

import re
import secrets
import string

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from domains.records import Group, Kind, Record, records_for
from organizations.models import Organization
from workmail_console.models import Account

# --- Route 53 -------------------------------------------------------------------------------

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
    A = "A"
    AAAA = "AAAA"
    CNAME = "CNAME"
    MX = "MX"
    TXT = "TXT"
    NS = "NS"
    SOA = "SOA"


class HostedZoneQuerySet(models.QuerySet["HostedZone"]):
    def public(self) -> "HostedZoneQuerySet":
        return self.filter(private=False)


class HostedZone(models.Model):
    """A hosted zone. Route 53 lets any account make public zones of any name, several of one
    name too; the DNS server answers from a public zone only where the name is delegated to its
    name servers (domains.authority)."""

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


class DomainRegistration(models.Model):
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

    objects = DomainRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_registered_domain"),
        ]
        indexes = [models.Index(fields=["status", "created"])]  # the stuck registrations sweep

    def __str__(self) -> str:
        return self.name


# --- Mail domains ---------------------------------------------------------------------------


class VerificationStatus(models.TextChoices):
    """GetMailDomain's OwnershipVerificationStatus and DkimVerificationStatus."""

    PENDING = "PENDING", "Pending"
    VERIFIED = "VERIFIED", "Verified"
    FAILED = "FAILED", "Failed"


class RecordStatus(models.TextChoices):
    """A record row's Status on the console's records page (add_domain.md's words)."""

    VERIFIED = "VERIFIED", "Verified"
    PENDING = "PENDING", "Pending"
    FAILED = "FAILED", "Failed"
    MISSING = "MISSING", "Missing"
    INCONSISTENT = "INCONSISTENT", "Inconsistent"


class MailDomainQuerySet(models.QuerySet["MailDomain"]):
    def verified(self) -> "MailDomainQuerySet":
        return self.filter(ownership_status=VerificationStatus.VERIFIED)

    def unverified(self) -> "MailDomainQuerySet":
        return self.exclude(ownership_status=VerificationStatus.VERIFIED)


class MailDomain(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mail_domains"
    )
    region = models.CharField(max_length=16)  # the organization's, for the Region-wide rule
    name = models.CharField(max_length=255)  # lower case, no trailing dot
    is_test_domain = models.BooleanField(default=False)
    ownership_status = models.CharField(
        max_length=8, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    dkim_status = models.CharField(
        max_length=8, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    # Made once when the domain is added (domains.records); the test domain has none.
    ownership_token = models.CharField(max_length=64, blank=True)
    dkim_tokens = models.JSONField(default=list, blank=True)
    # The Route 53 zone the domain's records go to, when the account has one for it.
    hosted_zone = models.ForeignKey(
        HostedZone, on_delete=models.SET_NULL, null=True, blank=True, related_name="mail_domains"
    )
    created_date = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)  # the last finished check
    next_check_at = models.DateTimeField(null=True, blank=True)  # when beat checks it again
    check_requested_at = models.DateTimeField(null=True, blank=True)  # Verify now, until done

    objects = MailDomainQuerySet.as_manager()

    class Meta:
        ordering = ["-is_test_domain", "name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="unique_mail_domain_in_organization"
            ),
            # MailDomainInUseException: a domain is one organization's in its Region (test
            # domains are guarded by their organization's alias).
            models.UniqueConstraint(
                "region", Lower("name"), condition=Q(is_test_domain=False),
                name="unique_mail_domain_in_region",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["next_check_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.ownership_status == VerificationStatus.VERIFIED

    @property
    def is_default(self) -> bool:
        return self.organization.default_mail_domain == self.name

    def expected_records(self) -> list[Record]:
        """The records WorkMail asks for on this domain, from its stored tokens."""
        if self.is_test_domain:
            return []
        return records_for(
            self.name, region=self.region, ownership_token=self.ownership_token,
            dkim_tokens=self.dkim_tokens,
        )  # fmt: skip


class DomainRecord(models.Model):
    """One record WorkMail asks for on a domain (domains.records), and what the last check
    found."""

    domain = models.ForeignKey(MailDomain, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=12, choices=[(k.value, k.value) for k in Kind])
    group = models.CharField(max_length=32, choices=[(g.value, g.value) for g in Group])
    type = models.CharField(max_length=5)
    hostname = models.CharField(max_length=255)
    value = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=RecordStatus.choices)
    found = models.CharField(max_length=1024, blank=True)  # what DNS answered, as text
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["domain", "pk"]
        constraints = [models.UniqueConstraint("domain", "kind", name="unique_domain_record")]

    def __str__(self) -> str:
        return f"{self.hostname} {self.type}"
