"""Create organization's four Email domain choices, through the form and the workflow steps."""

import re

import pytest
from django.urls import reverse

from domains.models import MailDomain
from domains.services import add_chosen_domain
from organizations.lifecycle import State
from organizations.models import DomainChoice, Organization
from route53.models import DomainRegistration, RegistrationStatus, ResourceRecordSet
from route53.services import create_hosted_zone
from tests.factories import active_organization, advance
from tests.html import text, texts

pytestmark = pytest.mark.django_db
REGION = "us-east-1"


def _create(client, **fields) -> object:
    data = {
        "alias": "made", "directory_choice": "create", "encryption_choice": "managed",
        "client_token": "token-1", **fields,
    }  # fmt: skip
    return client.post(reverse("organizations:create", args=[REGION]), data)


def _to_active(organization: Organization) -> list[State | None]:
    return [
        advance(organization.pk, state)
        for state in (State.REQUESTED, State.CREATING, State.VALIDATING)
    ]


def test_existing_route53_domain_gets_its_records_in_the_zone(admin_client, admin) -> None:
    zone = create_hosted_zone(account=admin.account, name="example.com")
    response = _create(admin_client, email_domain="existing-route53", hosted_zone=zone.zone_id)
    assert response.status_code == 302
    organization = Organization.objects.get(alias="made")
    assert (organization.domain_choice, organization.requested_domain) == (
        DomainChoice.EXISTING_ROUTE53, "example.com",
    )  # fmt: skip
    assert _to_active(organization) == [State.CREATING, State.VALIDATING, State.ACTIVE]
    domain = organization.mail_domains.get(name="example.com")
    assert domain.hosted_zone == zone
    in_zone = {(rs.name, rs.type): rs.values for rs in ResourceRecordSet.objects.filter(zone=zone)}
    for record in domain.expected_records():
        assert record.zone_value in in_zone[(record.hostname, record.type)]
    assert sorted(organization.mail_domains.values_list("name", flat=True)) == [
        "example.com", "made.awsapps.com",
    ]  # fmt: skip


def test_creating_twice_finds_the_domain_it_added(admin_client, admin) -> None:
    zone = create_hosted_zone(account=admin.account, name="example.com")
    _create(admin_client, email_domain="existing-route53", hosted_zone=zone.zone_id)
    organization = Organization.objects.get(alias="made")
    advance(organization.pk, State.REQUESTED)
    organization.refresh_from_db()
    first = add_chosen_domain(organization)
    assert advance(organization.pk, State.CREATING) == State.VALIDATING
    assert MailDomain.objects.filter(name="example.com").get() == first
    assert first.records.count() == 10


def test_new_route53_domain_gets_a_hosted_zone_with_its_records(admin_client, admin) -> None:
    _create(admin_client, email_domain="new-route53", domain_name="Brand-New.com")
    organization = Organization.objects.get(alias="made")
    _to_active(organization)
    domain = organization.mail_domains.get(name="brand-new.com")
    zone = domain.hosted_zone
    assert zone.account == admin.account and zone.name == "brand-new.com"
    assert zone.record_sets.filter(name=f"_amazonses.{domain.name}", type="TXT").exists()
    # Registered through the emulated registrar, as the Registered domains page shows it.
    registration = DomainRegistration.objects.get(name="brand-new.com")
    assert (registration.account, registration.zone, registration.status) == (
        admin.account, zone, RegistrationStatus.SUCCESSFUL,
    )  # fmt: skip


def test_external_domain_is_added_pending_and_nothing_is_written_to_route53(admin_client) -> None:
    _create(admin_client, email_domain="external", domain_name="external.org")
    organization = Organization.objects.get(alias="made")
    assert _to_active(organization)[-1] == State.ACTIVE
    domain = organization.mail_domains.get(name="external.org")
    assert domain.ownership_status == "PENDING"
    assert not ResourceRecordSet.objects.exists()
    organization.refresh_from_db()
    assert organization.default_mail_domain == "made.awsapps.com"


def test_free_test_domain_adds_only_the_test_domain(admin_client) -> None:
    _create(admin_client, email_domain="test")
    organization = Organization.objects.get(alias="made")
    _to_active(organization)
    assert list(organization.mail_domains.values_list("name", flat=True)) == ["made.awsapps.com"]


def test_another_accounts_zone_can_not_be_chosen(admin_client) -> None:
    theirs = create_hosted_zone(account=active_organization().account, name="theirs.com")
    response = _create(admin_client, email_domain="existing-route53", hosted_zone=theirs.zone_id)
    assert response.status_code == 400
    assert text(response.content.decode(), "hosted_zone-error") == "Choose a Route 53 hosted zone."
    assert not Organization.objects.filter(alias="made").exists()


def test_a_domain_in_use_in_the_region_is_refused(admin_client) -> None:
    other = active_organization(region=REGION)
    MailDomain.objects.create(organization=other, region=REGION, name="taken.com")
    response = _create(admin_client, email_domain="external", domain_name="taken.com")
    assert response.status_code == 400
    assert "already in use" in text(response.content.decode(), "domain_name-error")


def test_a_new_route53_domain_already_registered_is_refused(admin_client) -> None:
    create_hosted_zone(account=active_organization().account, name="owned.com")
    response = _create(admin_client, email_domain="new-route53", domain_name="owned.com")
    assert response.status_code == 400
    assert "already registered" in text(response.content.decode(), "domain_name-error")


def test_a_new_route53_domain_another_account_registered_is_refused(admin_client) -> None:
    DomainRegistration.objects.create(account=active_organization().account, name="theirs.com")
    response = _create(admin_client, email_domain="new-route53", domain_name="theirs.com")
    assert response.status_code == 400
    assert "already registered" in text(response.content.decode(), "domain_name-error")


@pytest.mark.parametrize("name", ["a" * 64 + ".com", "bücher.de", "x\x00y.com", "<b>.com", ""])
def test_hostile_domain_names_get_a_field_error(admin_client, name) -> None:
    response = _create(admin_client, email_domain="external", domain_name=name)
    assert response.status_code == 400
    assert text(response.content.decode(), "domain_name-error")
    assert not Organization.objects.exists()


def test_the_hosted_zone_select_lists_the_accounts_public_zones(admin_client, admin) -> None:
    mine = create_hosted_zone(account=admin.account, name="mine.com")
    used = create_hosted_zone(account=admin.account, name="used.com")
    create_hosted_zone(account=admin.account, name="private.com", private=True)
    create_hosted_zone(account=active_organization().account, name="theirs.com")
    MailDomain.objects.create(organization=active_organization(), region=REGION, name="used.com")
    page = admin_client.get(reverse("organizations:create", args=[REGION])).content.decode()
    select = page.split('data-testid="hosted-zone-select"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r"<option ([^>]*)>([^<]*)</option>", select)
    assert options == [
        ('value=""', "Choose a hosted zone"),  # nothing chosen for the person
        (f'value="{mine.zone_id}"', f"mine.com ({mine.zone_id})"),
        (f'value="{used.zone_id}" disabled', f"used.com ({used.zone_id}) — in use"),
    ]
    assert texts(page, "zone-unavailable") == [
        f"The domain used.com is already in use by an organization in {REGION}."
    ]


def test_a_domain_taken_after_the_request_fails_creating_with_the_reason(admin_client) -> None:
    _create(admin_client, email_domain="external", domain_name="raced.com")
    organization = Organization.objects.get(alias="made")
    other = active_organization(region=REGION)
    MailDomain.objects.create(organization=other, region=REGION, name="raced.com")
    advance(organization.pk, State.REQUESTED)
    assert advance(organization.pk, State.CREATING) == State.FAILED
    organization.refresh_from_db()
    assert "already in use" in organization.error_message


def test_creating_asks_for_the_domains_check_once_its_records_are_in_the_zone(
    admin_client, admin, published_tasks, django_capture_on_commit_callbacks
) -> None:
    zone = create_hosted_zone(account=admin.account, name="example.com")
    _create(admin_client, email_domain="existing-route53", hosted_zone=zone.zone_id)
    organization = Organization.objects.get(alias="made")
    advance(organization.pk, State.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert advance(organization.pk, State.CREATING) == State.VALIDATING
    domain = organization.mail_domains.get(name="example.com")
    assert (
        domain.check_requested_at is not None
    )  # beat's next pass checks it if the message is lost
    assert ("domains.tasks.verify_domain", [domain.pk]) in published_tasks


def test_a_test_domain_alone_asks_for_no_check(
    admin_client, admin, published_tasks, django_capture_on_commit_callbacks
) -> None:
    _create(admin_client, email_domain="test")
    organization = Organization.objects.get(alias="made")
    with django_capture_on_commit_callbacks(execute=True):
        _to_active(organization)
    assert not [name for name, _ in published_tasks if name == "domains.tasks.verify_domain"]
