"""Mail domain actions: one function per console action / API operation (RegisterMailDomain,
GetMailDomain, ListMailDomains, UpdateDefaultMailDomain, DeregisterMailDomain), and what the
organization lifecycle and users' addresses ask of domains."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from domains.models import DomainRecord, HostedZone, MailDomain, RecordStatus, VerificationStatus
from domains.records import PENDING_KINDS, new_dkim_tokens, new_ownership_token
from organizations.lifecycle import State
from organizations.models import TEST_DOMAIN_SUFFIX, Organization
from workmail_console.errors import (
    InvalidParameterException,
    LimitExceededException,
    MailDomainInUseException,
    OrganizationStateException,
)

DOMAIN_MIN, DOMAIN_MAX = 3, 209  # WorkMailDomainName
LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII)
DOMAINS_PER_ORGANIZATION = 100  # "You can add up to 100 domains to your organization"


def validate_domain_name(name: str) -> str:
    """The name in lower case without a trailing dot, or InvalidParameterException saying what
    is wrong, in the console's words."""
    if "\x00" in name:
        raise InvalidParameterException("Remove the null character.", field="domain_name")
    name = name.strip().rstrip(".").lower()
    if not name:
        raise InvalidParameterException("Enter a domain name.", field="domain_name")
    if not name.isascii():
        raise InvalidParameterException(
            "Domain names can contain only Basic Latin (ASCII) characters. For an"
            " internationalized name, enter its xn-- (Punycode) form.",
            field="domain_name",
        )
    if not DOMAIN_MIN <= len(name) <= DOMAIN_MAX:
        raise InvalidParameterException(
            f"The domain name must be {DOMAIN_MIN} to {DOMAIN_MAX} characters long.",
            field="domain_name",
        )
    labels = name.split(".")
    if len(labels) < 2 or not all(LABEL.fullmatch(label) for label in labels):
        raise InvalidParameterException(
            "Enter a domain name such as example.com: labels of 1 to 63 letters (a-z), numbers"
            " (0-9) and hyphens (-), separated by periods, not beginning or ending with a hyphen.",
            field="domain_name",
        )
    if labels[-1].isdigit():
        raise InvalidParameterException(
            "The last label of a domain name can't be all numbers.", field="domain_name"
        )
    if name == TEST_DOMAIN_SUFFIX or name.endswith("." + TEST_DOMAIN_SUFFIX):
        raise InvalidParameterException(
            f"Domains under {TEST_DOMAIN_SUFFIX} are Amazon WorkMail test domains; you can't add"
            " one.",
            field="domain_name",
        )
    return name


def register_mail_domain(*, organization: Organization, domain_name: str) -> MailDomain:
    """Add domain (RegisterMailDomain): the domain, Pending, with every record WorkMail asks for
    made now and stored; linked to the account's public hosted zone of that name, if any."""
    name = validate_domain_name(domain_name)
    if organization.state != State.ACTIVE:
        raise OrganizationStateException(
            f"The organization {organization.alias} is not Active. It is {organization.state}."
        )
    domain = MailDomain(
        organization=organization, region=organization.region, name=name,
        ownership_token=new_ownership_token(), dkim_tokens=new_dkim_tokens(),
        hosted_zone=HostedZone.objects.public().filter(
            account_id=organization.account_id, name=name
        ).first(),
        next_check_at=timezone.now(),
    )  # fmt: skip
    try:
        with transaction.atomic():
            locked = Organization.objects.select_for_update().get(pk=organization.pk)
            if locked.mail_domains.count() >= DOMAINS_PER_ORGANIZATION:
                raise LimitExceededException(
                    f"An organization can have up to {DOMAINS_PER_ORGANIZATION} domains."
                )
            domain.save(force_insert=True)
            DomainRecord.objects.bulk_create(
                _stored(domain, record) for record in domain.expected_records()
            )
    except IntegrityError:
        raise MailDomainInUseException(
            f"The domain {name} is already in use by an organization in {organization.region}.",
            field="domain_name",
        ) from None
    return domain


def _stored(domain: MailDomain, record) -> DomainRecord:
    """A record as first stored: not checked yet, so Pending or Missing by its vocabulary."""
    unchecked = RecordStatus.PENDING if record.kind in PENDING_KINDS else RecordStatus.MISSING
    return DomainRecord(
        domain=domain, kind=record.kind, group=record.group, type=record.type,
        hostname=record.hostname, value=record.value, status=unchecked,
    )  # fmt: skip


def _stored(domain: MailDomain, record) -> DomainRecord:
    """A record as first stored: not checked yet, so Pending or Missing by its vocabulary."""
    unchecked = RecordStatus.PENDING if record.kind in PENDING_KINDS else RecordStatus.MISSING
    return DomainRecord(
        domain=domain, kind=record.kind, group=record.group, type=record.type,
        hostname=record.hostname, value=record.value, status=unchecked,
    )  # fmt: skip


def add_test_domain(organization: Organization) -> None:
    """Give the organization its test domain, verified; asking twice makes one."""
    MailDomain.objects.bulk_create(
        [
            MailDomain(
                organization=organization,
                region=organization.region,
                name=organization.test_domain,
                is_test_domain=True,
                ownership_status=VerificationStatus.VERIFIED,
            )
        ],
        ignore_conflicts=True,
    )


def release_test_domain(organization: Organization) -> None:
    """The test domain goes back to the pool with the alias (an organization gone Inactive)."""
    MailDomain.objects.filter(organization=organization, is_test_domain=True).delete()


def verified_domain_names(organization: Organization) -> list[str]:
    """The domains an address of this organization may use, the default first."""
    names = list(organization.mail_domains.verified().values_list("name", flat=True))
    default = organization.default_mail_domain
    return sorted(names, key=lambda name: (name != default, name))
