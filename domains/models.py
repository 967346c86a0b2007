"""Mail domains: an organization's test domain `<alias>.awsapps.com`, verified from the start,
and the domains added to it, each with the DNS records WorkMail asks for (made once, stored),
their last verification, and the Route 53 hosted zone their records go to (route53.models).
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from domains.records import Group, Kind, Record, records_for
from organizations.models import Organization
from route53.models import HostedZone


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
