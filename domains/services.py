"""Mail domain actions used by the organization lifecycle and by users' addresses."""

from domains.models import MailDomain, VerificationStatus
from organizations.models import Organization


def add_test_domain(organization: Organization) -> None:
    """Give the organization its test domain, verified; asking twice makes one."""
    MailDomain.objects.bulk_create(
        [
            MailDomain(
                organization=organization,
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
