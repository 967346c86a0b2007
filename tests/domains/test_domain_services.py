"""The domain actions' rules (domains.services): what the console refuses, and why."""

import re

import pytest
from django.db import transaction

from domains import services
from domains.models import DomainRecord, MailDomain, VerificationStatus
from domains.records import Kind
from organizations.lifecycle import State
from organizations.models import Organization
from route53.models import ResourceRecordSet
from route53.services import create_hosted_zone
from tests.factories import MailDomainFactory, MailUserFactory, active_organization
from users.models import UserState
from workmail_console.errors import (
    InvalidParameterException,
    MailDomainInUseException,
    MailDomainNotFoundException,
    MailDomainStateException,
    OrganizationStateException,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp")


def _verified(organization: Organization, name: str = "example.com") -> MailDomain:
    domain = services.register_mail_domain(organization=organization, domain_name=name)
    MailDomain.objects.filter(pk=domain.pk).update(ownership_status=VerificationStatus.VERIFIED)
    domain.refresh_from_db()
    return domain


def test_the_list_shows_the_test_domain_first_marked_default(organization) -> None:
    services.register_mail_domain(organization=organization, domain_name="Example.COM.")
    rows = services.domain_rows(organization, services.list_mail_domains(organization))
    assert [(r.domain.name, r.domain.is_test_domain, r.is_default) for r in rows] == [
        ("corp.awsapps.com", True, True),
        ("example.com", False, False),
    ]
    assert [r.status for r in rows] == ["VERIFIED", "PENDING"]


def test_the_list_reads_once_however_many_domains(organization, django_assert_num_queries) -> None:
    for n in range(5):
        MailDomainFactory(organization=organization, name=f"d{n}.example.com")
    with django_assert_num_queries(1):
        services.domain_rows(organization, services.list_mail_domains(organization))


def test_a_pending_domain_can_not_be_the_default(organization) -> None:
    services.register_mail_domain(organization=organization, domain_name="example.com")
    with pytest.raises(
        MailDomainStateException, match=re.escape("The domain example.com is not verified.")
    ):
        services.update_default_mail_domain(organization=organization, domain_name="example.com")
    organization.refresh_from_db()
    assert organization.default_mail_domain == "corp.awsapps.com"


def test_a_verified_domain_becomes_the_default(organization) -> None:
    _verified(organization)
    services.update_default_mail_domain(organization=organization, domain_name="EXAMPLE.com")
    organization.refresh_from_db()
    assert organization.default_mail_domain == "example.com"


def test_an_unknown_domain_is_not_found(organization) -> None:
    with pytest.raises(MailDomainNotFoundException):
        services.update_default_mail_domain(organization=organization, domain_name="nope.com")
    with pytest.raises(MailDomainNotFoundException):
        services.get_mail_domain(organization=organization, domain_name="a\x00b")


def test_another_accounts_organization_does_not_find_the_domain(organization) -> None:
    _verified(organization)
    other = active_organization(alias="other")
    with pytest.raises(MailDomainNotFoundException):
        services.get_mail_domain(organization=other, domain_name="example.com")
    with pytest.raises(MailDomainNotFoundException):
        services.update_default_mail_domain(organization=other, domain_name="example.com")


def test_the_test_domain_can_not_be_removed(organization) -> None:
    _verified(organization)
    services.update_default_mail_domain(organization=organization, domain_name="example.com")
    with pytest.raises(MailDomainInUseException, match="test domain"):
        services.deregister_mail_domain(organization=organization, domain_name="corp.awsapps.com")
    assert organization.mail_domains.filter(is_test_domain=True).exists()


def test_the_default_domain_can_not_be_removed(organization) -> None:
    _verified(organization)
    services.update_default_mail_domain(organization=organization, domain_name="example.com")
    with pytest.raises(MailDomainInUseException, match="is the default domain"):
        services.deregister_mail_domain(organization=organization, domain_name="example.com")
    assert organization.mail_domains.filter(name="example.com").exists()


@pytest.mark.parametrize("state", [UserState.ENABLED, UserState.DISABLED])
def test_a_domain_a_users_address_is_on_can_not_be_removed(organization, state) -> None:
    _verified(organization)
    MailUserFactory(directory=organization.directory, state=state, email="ann@Example.com")
    with pytest.raises(MailDomainInUseException, match="in use by a user's email address"):
        services.deregister_mail_domain(organization=organization, domain_name="example.com")


def test_a_deleted_users_old_address_does_not_keep_the_domain(organization) -> None:
    _verified(organization)
    MailUserFactory(
        directory=organization.directory, state=UserState.DELETED, email="ann@example.com"
    )
    MailUserFactory(directory=organization.directory, email="bob@notexample.com")
    services.deregister_mail_domain(organization=organization, domain_name="example.com")
    assert not organization.mail_domains.filter(name="example.com").exists()


def test_removing_a_domain_removes_its_records(organization) -> None:
    domain = services.register_mail_domain(organization=organization, domain_name="example.com")
    assert DomainRecord.objects.filter(domain=domain).count() == 10
    services.deregister_mail_domain(organization=organization, domain_name="example.com")
    assert not DomainRecord.objects.exists()
    # ... and the name is free for another organization of the Region.
    other = active_organization(alias="other", region=organization.region)
    services.register_mail_domain(organization=other, domain_name="example.com")


def test_writes_need_an_active_organization(organization) -> None:
    domain = _verified(organization)
    Organization.objects.filter(pk=organization.pk).update(state=State.INACTIVE)
    organization.refresh_from_db()
    domain.organization = organization
    for act in (
        lambda: services.register_mail_domain(organization=organization, domain_name="b.com"),
        lambda: services.update_default_mail_domain(
            organization=organization, domain_name="example.com"
        ),
        lambda: services.deregister_mail_domain(
            organization=organization, domain_name="example.com"
        ),
        lambda: services.request_verification(domain),
    ):
        with pytest.raises(OrganizationStateException):
            act()


def test_verify_now_marks_the_check_and_sends_it_after_commit(
    organization, published_tasks, django_capture_on_commit_callbacks
) -> None:
    domain = services.register_mail_domain(organization=organization, domain_name="example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_verification(domain)
        assert published_tasks == []
    assert published_tasks == [("domains.tasks.verify_domain", [domain.pk])]
    domain.refresh_from_db()
    assert domain.check_requested_at is not None


def test_update_all_in_route53_writes_every_record_into_the_zone(
    organization, published_tasks, django_capture_on_commit_callbacks
) -> None:
    zone = create_hosted_zone(account=organization.account, name="example.com")
    domain = services.register_mail_domain(organization=organization, domain_name="example.com")
    assert domain.hosted_zone == zone
    with django_capture_on_commit_callbacks(execute=True):
        services.update_all_in_route53(domain)
    # The records just written are checked now, not at beat's next pass.
    assert published_tasks == [("domains.tasks.verify_domain", [domain.pk])]
    domain.refresh_from_db()
    assert domain.check_requested_at is not None
    names = set(ResourceRecordSet.objects.filter(zone=zone).values_list("name", "type"))
    for record in domain.expected_records():
        assert (record.hostname, record.type) in names


def test_update_all_in_route53_refuses_another_accounts_zone(organization) -> None:
    other = active_organization(alias="other")
    zone = create_hosted_zone(account=other.account, name="example.com")
    domain = services.register_mail_domain(organization=organization, domain_name="example.com")
    MailDomain.objects.filter(pk=domain.pk).update(hosted_zone=zone)  # as if linked by mistake
    domain.refresh_from_db()
    with pytest.raises(MailDomainStateException):
        services.update_all_in_route53(domain)
    assert not zone.record_sets.exclude(type__in=["SOA", "NS"]).exists()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("a" * 64 + ".com", "labels of 1 to 63"),
        ("bücher.de", "only Basic Latin"),
        ("exa\x00mple.com", "null character"),
        ("<script>.com", "labels of 1 to 63"),
        ("x" * 210, "3 to 209 characters"),
        ("-bad.com", "not beginning or ending with a hyphen"),
        ("example.123", "can't be all numbers"),
        ("corp.awsapps.com", "test domains"),
        ("", "Enter a domain name."),
    ],
)
def test_hostile_names_are_refused_in_the_consoles_words(organization, name, words) -> None:
    with pytest.raises(InvalidParameterException, match=re.escape(words)) as refused:
        services.register_mail_domain(organization=organization, domain_name=name)
    assert refused.value.field == "domain_name"
    assert organization.mail_domains.count() == 1


def test_a_domain_is_one_organizations_in_its_region(organization) -> None:
    services.register_mail_domain(organization=organization, domain_name="example.com")
    other = active_organization(alias="other", region=organization.region)
    with pytest.raises(MailDomainInUseException), transaction.atomic():
        services.register_mail_domain(organization=other, domain_name="EXAMPLE.com")
    elsewhere = active_organization(alias="west", region="eu-west-1")
    services.register_mail_domain(organization=elsewhere, domain_name="example.com")


def test_a_domain_in_eu_west_1_asks_for_that_regions_mx_and_autodiscover() -> None:
    west = active_organization(alias="west", region="eu-west-1")
    domain = services.register_mail_domain(organization=west, domain_name="example.com")
    stored = dict(domain.records.values_list("kind", "value"))
    assert (stored[Kind.MX], stored[Kind.AUTODISCOVER]) == (
        "10 inbound-smtp.eu-west-1.amazonaws.com",
        "autodiscover.mail.eu-west-1.awsapps.com",
    )


def test_add_domain_refuses_an_organization_that_left_active_since_it_was_read(organization):
    read_before = Organization.objects.get(pk=organization.pk)
    Organization.objects.filter(pk=organization.pk).update(state=State.IMPAIRED)
    with pytest.raises(OrganizationStateException) as refused:
        services.register_mail_domain(organization=read_before, domain_name="example.com")
    assert refused.value.message == (
        "The organization corp is not Active. It is Impaired. You can manage domains only in an"
        " Active organization."
    )
    assert not MailDomain.objects.filter(name="example.com").exists()
