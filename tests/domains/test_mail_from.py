"""Improved email delivery: a domain's custom MAIL FROM records (a TXT and an MX at mail.<domain>)
are listed, copied, written into Route 53 and verified through real DNS like the others, and the
domain's own verification does not wait for them."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from domains import dns_checks
from domains.models import DomainRecord, MailDomain, RecordStatus, VerificationStatus
from domains.records import Group, Kind
from domains.services import mail_domain_record_sets, register_mail_domain
from organizations.lifecycle import State
from organizations.models import Organization
from route53.models import HostedZone
from route53.services import RecordSet, create_hosted_zone, upsert_record_sets
from tests.domains.test_verification import put, statuses
from tests.domains.zone_files import parse_zone_file
from tests.factories import active_organization, advance
from tests.html import texts

SPF = "v=spf1 include:amazonses.com ~all"
WRONG_MX = "10 feedback-smtp.us-east-1.amazonaws.com"  # WorkMail's inbound domain, not SES's
MAIL_FROM_MX = "10 feedback-smtp.us-east-1.amazonses.com"


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


@pytest.fixture
def domain(organization, dns_server, settings) -> MailDomain:
    """example.com, added to the admin's organization, with its public hosted zone (empty); DNS
    asked of the project's server on loopback."""
    create_hosted_zone(account=organization.account, name="example.com")
    settings.WORKMAIL_DNS_NAMESERVERS = f"{dns_server[0]}:{dns_server[1]}"
    settings.WORKMAIL_DNS_TIMEOUT = 2
    return register_mail_domain(organization=organization, domain_name="example.com")


def url(name: str, domain: MailDomain) -> str:
    organization = domain.organization
    return reverse(
        f"domains:{name}", args=[organization.region, organization.organization_id, domain.name]
    )


def delivery_rows(client, domain: MailDomain) -> list[str]:
    """The rows of the records page's Improved email delivery section, as a person reads them
    (without when each was checked)."""
    page = client.get(url("detail", domain)).content.decode()
    [section] = re.findall(
        r'<section class="container" data-testid="record-group" data-group="Improved email'
        r' delivery">.*?</section>',
        page,
        re.S,
    )
    assert "<h2>Improved email delivery</h2>" in section
    return [re.sub(r" Checked \S+ \S+ ago$", "", row) for row in texts(section, "record")]


def everything_but_mail_from(domain: MailDomain) -> list[RecordSet]:
    return [s for s in mail_domain_record_sets(domain) if not s.name.startswith("mail.")]


def mail_from(mx: str | None = MAIL_FROM_MX, *txt: str) -> list[RecordSet]:
    sets = [RecordSet("mail.example.com", "TXT", 300, tuple(f'"{t}"' for t in txt))] if txt else []
    return sets + ([RecordSet("mail.example.com", "MX", 300, (f"{mx}.",))] if mx else [])


def window_passed(domain: MailDomain) -> None:
    MailDomain.objects.filter(pk=domain.pk).update(
        created_date=timezone.now() - timedelta(hours=73)
    )


# --- The records page and Copy all --------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_domain_lists_its_mail_from_txt_and_mx_in_the_fourth_section(
    admin_client, organization
) -> None:
    response = admin_client.post(
        reverse("domains:add", args=[organization.region, organization.organization_id]),
        {"domain_name": "example.com"},
    )
    page = admin_client.get(response["Location"]).content.decode()
    groups = [section.split(" Record type")[0] for section in texts(page, "record-group")]
    assert groups == [group.value for group in Group]
    domain = organization.mail_domains.get(name="example.com")
    assert delivery_rows(admin_client, domain) == [
        f"TXT mail.example.com Copy {SPF} Copy Pending",
        f"MX mail.example.com Copy {MAIL_FROM_MX} Copy Missing",
    ]


@pytest.mark.django_db
def test_the_mail_from_rows_have_the_status_icons_of_their_vocabulary(
    admin_client, organization
) -> None:
    domain = register_mail_domain(organization=organization, domain_name="example.com")
    page = admin_client.get(url("detail", domain)).content.decode()
    rows = dict(re.findall(r'data-kind="(mailfrom_\w+)">(.*?)</tr>', page, re.S))
    assert 'class="status status-pending" data-state="PENDING"' in rows["mailfrom_txt"]
    assert 'class="status status-warning" data-state="MISSING"' in rows["mailfrom_mx"]


@pytest.mark.django_db
def test_a_domain_in_eu_west_1_asks_for_that_regions_feedback_mx(admin) -> None:
    west = active_organization(account=admin.account, alias="west", region="eu-west-1")
    domain = register_mail_domain(organization=west, domain_name="example.com")
    assert domain.records.get(kind=Kind.MAIL_FROM_MX).value == (
        "10 feedback-smtp.eu-west-1.amazonses.com"
    )


@pytest.mark.django_db
def test_copy_all_has_the_mail_from_txt_and_mx(admin_client, organization) -> None:
    register_mail_domain(organization=organization, domain_name="example.com")
    args = [organization.region, organization.organization_id, "example.com"]
    response = admin_client.get(reverse("domains:zone-file", args=args))
    zone = parse_zone_file(response.content.decode(), "example.com")
    txt = zone.get_rdataset("mail", "TXT")
    assert [b"".join(rdata.strings).decode() for rdata in txt] == [SPF]
    mx = zone.get_rdataset("mail", "MX")
    assert [rdata.to_text() for rdata in mx] == [f"{MAIL_FROM_MX}."]
    assert txt.ttl == mx.ttl == 3600


# --- Verdicts through real DNS ------------------------------------------------------------------


def test_the_right_mail_from_records_are_verified(admin_client, domain) -> None:
    put(domain, *everything_but_mail_from(domain), *mail_from(MAIL_FROM_MX, SPF))
    dns_checks.check_domain(domain.pk)
    assert delivery_rows(admin_client, domain) == [
        f"TXT mail.example.com Copy {SPF} Copy Verified",
        f"MX mail.example.com Copy {MAIL_FROM_MX} Copy Verified",
    ]


def test_an_mx_to_another_host_is_inconsistent_and_shows_what_was_found(
    admin_client, domain
) -> None:
    put(domain, *mail_from(WRONG_MX, SPF))
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MAIL_FROM_MX] == RecordStatus.INCONSISTENT
    [_, mx_row] = delivery_rows(admin_client, domain)
    assert f"Inconsistent Found: {WRONG_MX}" in mx_row


def test_an_mx_with_another_priority_is_inconsistent(domain) -> None:
    put(domain, *mail_from("20 feedback-smtp.us-east-1.amazonses.com", SPF))
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MAIL_FROM_MX] == RecordStatus.INCONSISTENT


def test_without_mail_from_records_the_mx_is_missing_and_the_txt_pending_then_failed(
    admin_client, domain
) -> None:
    put(domain, *everything_but_mail_from(domain))
    dns_checks.check_domain(domain.pk)
    assert delivery_rows(admin_client, domain) == [
        f"TXT mail.example.com Copy {SPF} Copy Pending",
        f"MX mail.example.com Copy {MAIL_FROM_MX} Copy Missing",
    ]
    window_passed(domain)
    dns_checks.check_domain(domain.pk)
    found = statuses(domain)
    assert (found[Kind.MAIL_FROM_TXT], found[Kind.MAIL_FROM_MX]) == ("FAILED", "MISSING")


@pytest.mark.parametrize(
    "txt",
    [
        "v=spf1 include:_spf.example.net ~all",  # not SES
        "v=spf1 include:amazonses.com ?all",  # more lenient than asked
        "google-site-verification=abc",  # no SPF record at all
    ],
)
def test_a_txt_that_does_not_authorise_ses_is_pending_then_failed_never_inconsistent(
    domain, txt
) -> None:
    put(domain, *mail_from(MAIL_FROM_MX, txt))
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MAIL_FROM_TXT] == RecordStatus.PENDING
    assert domain.records.get(kind=Kind.MAIL_FROM_TXT).found == txt
    window_passed(domain)
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MAIL_FROM_TXT] == RecordStatus.FAILED


def test_two_spf_records_on_the_mail_from_domain_are_pending(domain) -> None:
    put(domain, *mail_from(MAIL_FROM_MX, SPF, "v=spf1 -all"))  # RFC 7208: a PermError
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MAIL_FROM_TXT] == RecordStatus.PENDING


def test_a_txt_that_means_what_ses_asks_is_verified(domain) -> None:
    strict = "v=spf1 ip4:192.0.2.1 include:amazonses.com -all"
    put(domain, *mail_from(MAIL_FROM_MX, strict, "some-other-verification=1"))
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MAIL_FROM_TXT] == RecordStatus.VERIFIED


def test_the_domains_verification_does_not_wait_for_mail_from(domain) -> None:
    put(domain, *everything_but_mail_from(domain))
    window_passed(domain)
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.VERIFIED
    domain.refresh_from_db()
    assert (domain.ownership_status, domain.dkim_status) == ("VERIFIED", "VERIFIED")
    assert statuses(domain)[Kind.MAIL_FROM_TXT] == RecordStatus.FAILED
    assert domain.next_check_at - domain.checked_at >= timedelta(hours=24)  # settled


# --- Route 53 -----------------------------------------------------------------------------------


def test_update_all_in_route53_writes_them_and_they_then_verify(admin_client, domain) -> None:
    response = admin_client.post(url("update-route53", domain), follow=True)
    assert "10 record sets of example.com were updated" in response.content.decode()
    zone = HostedZone.objects.get(name="example.com")
    written = {(rs.name, rs.type): rs.values for rs in zone.record_sets.all()}
    assert written[("mail.example.com", "TXT")] == [f'"{SPF}"']
    assert written[("mail.example.com", "MX")] == [f"{MAIL_FROM_MX}."]
    dns_checks.check_domain(domain.pk)  # what Verify now's task, queued by the update, runs
    assert [row.split(" Copy ")[-1] for row in delivery_rows(admin_client, domain)] == [
        "Verified"
    ] * 2


def test_update_all_keeps_a_cname_on_the_mail_from_name_and_writes_the_rest(
    admin_client, domain
) -> None:
    put(
        domain,
        RecordSet("webmail.example.com", "A", 300, ("192.0.2.10",)),
        RecordSet("mail.example.com", "CNAME", 300, ("webmail.example.com.",)),
    )
    response = admin_client.post(url("update-route53", domain), follow=True)
    assert "8 record sets of example.com were updated" in response.content.decode()
    zone = HostedZone.objects.get(name="example.com")
    at_mail = dict(zone.record_sets.filter(name="mail.example.com").values_list("type", "values"))
    assert at_mail == {"CNAME": ["webmail.example.com."]}
    assert zone.record_sets.filter(name="_amazonses.example.com", type="TXT").exists()
    dns_checks.check_domain(domain.pk)
    found = statuses(domain)
    assert (found[Kind.OWNERSHIP], found[Kind.MAIL_FROM_MX]) == ("VERIFIED", "MISSING")
    assert found[Kind.MAIL_FROM_TXT] == RecordStatus.PENDING


def create_on(client, zone: HostedZone) -> Organization:
    """Create organization with the existing Route 53 domain `zone`, run to Validating."""
    data = {
        "alias": "made", "directory_choice": "create", "encryption_choice": "managed",
        "client_token": "token-1", "email_domain": "existing-route53", "hosted_zone": zone.zone_id,
    }  # fmt: skip
    client.post(reverse("organizations:create", args=["us-east-1"]), data)
    organization = Organization.objects.get(alias="made")
    steps = [advance(organization.pk, state) for state in (State.REQUESTED, State.CREATING)]
    assert steps == [State.CREATING, State.VALIDATING]
    return organization


@pytest.mark.django_db
def test_an_organization_on_an_existing_hosted_zone_gets_the_mail_from_records(
    admin_client, admin
) -> None:
    zone = create_hosted_zone(account=admin.account, name="example.com")
    create_on(admin_client, zone)
    written = {(rs.name, rs.type): rs.values for rs in zone.record_sets.all()}
    assert written[("mail.example.com", "TXT")] == [f'"{SPF}"']
    assert written[("mail.example.com", "MX")] == [f"{MAIL_FROM_MX}."]


@pytest.mark.django_db
def test_a_cname_on_the_mail_from_name_does_not_fail_creating_the_organization(
    admin_client, admin
) -> None:
    zone = create_hosted_zone(account=admin.account, name="example.com")
    cname = RecordSet("mail.example.com", "CNAME", 300, ("webmail.example.net.",))
    upsert_record_sets(zone, [cname])
    organization = create_on(admin_client, zone)
    domain = organization.mail_domains.get(name="example.com")
    assert domain.records.filter(group=Group.DELIVERY).count() == 2
    assert zone.record_sets.filter(name="_amazonses.example.com", type="TXT").exists()
    assert zone.record_sets.get(name="mail.example.com").values == ["webmail.example.net."]


# --- Domains added before: the data migration ---------------------------------------------------

migration = importlib.import_module("domains.migrations.0007_mail_from_records")


@pytest.mark.django_db
def test_domains_added_before_get_their_mail_from_records_as_add_domain_makes_them(
    organization,
) -> None:
    domain = register_mail_domain(organization=organization, domain_name="example.com")
    made = list(
        domain.records.filter(group=Group.DELIVERY).values(
            "kind", "type", "hostname", "value", "status"
        )
    )
    DomainRecord.objects.filter(group=Group.DELIVERY).delete()  # as the domain was before
    MailDomain.objects.filter(pk=domain.pk).update(next_check_at=None)
    migration.add_mail_from_records(apps, None)
    again = list(
        domain.records.filter(group=Group.DELIVERY).values(
            "kind", "type", "hostname", "value", "status"
        )
    )
    assert again == made and len(again) == 2
    assert MailDomain.objects.get(pk=domain.pk).next_check_at is not None  # checked soon
    assert not DomainRecord.objects.filter(domain__is_test_domain=True).exists()
    migration.add_mail_from_records(apps, None)  # once only
    assert domain.records.filter(group=Group.DELIVERY).count() == 2
    migration.remove_mail_from_records(apps, None)
    assert domain.records.count() == 8
