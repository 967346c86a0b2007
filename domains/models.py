"""An organization's mail domains. Every organization has its test domain `<alias>.awsapps.com`,
verified from the start; the domains issue adds the others, their DNS records and verification."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.models import Organization


class VerificationStatus(models.TextChoices):
    """GetMailDomain's OwnershipVerificationStatus and DkimVerificationStatus."""

    PENDING = "PENDING", "Pending"
    VERIFIED = "VERIFIED", "Verified"
    FAILED = "FAILED", "Failed"


class MailDomainQuerySet(models.QuerySet["MailDomain"]):
    def verified(self) -> "MailDomainQuerySet":
        return self.filter(ownership_status=VerificationStatus.VERIFIED)

    def unverified(self) -> "MailDomainQuerySet":
        return self.exclude(ownership_status=VerificationStatus.VERIFIED)


class MailDomain(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mail_domains"
    )
    name = models.CharField(max_length=255)  # lower case, no trailing dot
    is_test_domain = models.BooleanField(default=False)
    ownership_status = models.CharField(
        max_length=8, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    created_date = models.DateTimeField(default=timezone.now)

    objects = MailDomainQuerySet.as_manager()

    class Meta:
        ordering = ["-is_test_domain", "name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="unique_mail_domain_in_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.ownership_status == VerificationStatus.VERIFIED
