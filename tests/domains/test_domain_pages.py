"""Domains pages: the list, Add domain, a domain's records, Copy all, Verify now, Update all in
Route 53, Set as default and Remove, as an admin, as ops and as a member of another account."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from domains import services, views
from domains.models import DomainRecord, MailDomain, RecordStatus, VerificationStatus
from domains.records import Group
from organizations.models import Organization
from route53.services import create_hosted_zone
from tests.conftest import signed_in
from tests.domains.zone_files import parse_zone_file
from tests.factories import MailDomainFactory, active_organization
from tests.html import text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization: Organization, *args: str) -> str:
    return reverse(
        f"domains:{name}", args=[organization.region, organization.organization_id, *args]
    )


def _add(organization: Organization, name: str = "example.com") -> MailDomain:
    return services.register_mail_domain(organization=organization, domain_name=name)


def _verify(domain: MailDomain) -> None:
    MailDomain.objects.filter(pk=domain.pk).update(ownership_status=VerificationStatus.VERIFIED)


def test_the_list_shows_each_domain_with_its_status_and_markers(admin_client, organization):
    _verify(_add(organization, "verified.com"))
    _add(organization, "pending.com")
    page = admin_client.get(url("list", organization)).content.decode()
    assert texts(page, "domain") == [
        "corp.awsapps.com Default Test domain Verified",
        "pending.com Pending",
        "verified.com Verified",
    ]
    assert text(page, "domain-count") == "(3)"


def test_the_list_reads_the_same_queries_however_many_domains(admin_client, organization):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url("list", organization)).status_code == 200
        return len(captured)

    _add(organization, "one.com")
    few = queries()
    for n in range(10):
        MailDomainFactory(organization=organization, name=f"d{n}.example.com")
    assert queries() == few


def test_adding_a_domain_shows_its_records_in_the_four_sections(admin_client, organization):
    response = admin_client.post(url("add", organization), {"domain_name": "Example.com"})
    assert response.status_code == 302
    assert response["Location"] == url("detail", organization, "example.com")
    page = admin_client.get(response["Location"]).content.decode()
    shown = [section.split(" Record type")[0] for section in texts(page, "record-group")]
    assert shown == [g.value for g in Group if DomainRecord.objects.filter(group=g).exists()]
    groups = DomainRecord.objects.filter(domain__name="example.com")
    rows = texts(page, "record")
    assert len(rows) == groups.count() == 10
    ownership = groups.get(kind="ownership")
    assert any(ownership.value in row and "Pending" in row for row in rows)
    assert any(
        "10 inbound-smtp.us-east-1.amazonaws.com" in row and "Missing" in row for row in rows
    )


def test_the_records_page_reads_the_same_queries_for_any_domain(admin_client, organization):
    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url("detail", organization, name)).status_code == 200
        return len(captured)

    _add(organization, "one.com")
    domain = _add(organization, "two.com")
    DomainRecord.objects.filter(domain=domain).update(found="something")
    assert queries("two.com") == queries("one.com")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("a" * 64 + ".com", "labels of 1 to 63"),
        ("bücher.de", "only Basic Latin"),
        ("exa\x00mple.com", "Null characters are not allowed."),
        ("<script>alert(1)</script>.com", "labels of 1 to 63"),
        ("x" * 5000, "Enter at most 210 characters."),
        ("", "Enter a domain name."),
    ],
)
def test_hostile_names_get_a_field_error(admin_client, organization, name, words):
    response = admin_client.post(url("add", organization), {"domain_name": name})
    assert response.status_code == 400
    assert words in text(response.content.decode(), "domain_name-error")
    assert "<script>alert" not in response.content.decode()
    assert organization.mail_domains.count() == 1


def test_a_domain_of_another_organization_in_the_region_is_in_use(admin_client, organization):
    _add(active_organization(alias="other", region=organization.region), "example.com")
    response = admin_client.post(url("add", organization), {"domain_name": "example.com"})
    assert response.status_code == 400
    assert "already in use" in text(response.content.decode(), "domain_name-error")


def test_the_add_form_offers_the_accounts_public_hosted_zones(admin_client, admin, organization):
    create_hosted_zone(account=admin.account, name="mine.com")
    create_hosted_zone(account=admin.account, name="hidden.com", private=True)
    create_hosted_zone(account=active_organization(alias="x").account, name="theirs.com")
    page = admin_client.get(url("add", organization)).content.decode()
    assert '<option value="mine.com">' in page
    assert "hidden.com" not in page and "theirs.com" not in page


def test_copy_all_downloads_a_zone_file_dns_parsers_accept(admin_client, organization):
    domain = _add(organization)
    response = admin_client.get(url("zone-file", organization, "example.com"))
    assert response["Content-Disposition"] == 'attachment; filename="example.com.zone"'
    assert response["Content-Type"].startswith("text/plain")
    zone = parse_zone_file(response.content.decode(), "example.com")
    txt = zone.get_rdataset("_amazonses", "TXT")
    assert b"".join(txt[0].strings).decode() == domain.ownership_token


def test_set_as_default_refuses_a_pending_domain_in_the_consoles_words(admin_client, organization):
    _add(organization)
    response = admin_client.post(
        url("set-default", organization), {"mail_domain": "example.com"}, follow=True
    )
    assert "The domain example.com is not verified." in response.content.decode()
    organization.refresh_from_db()
    assert organization.default_mail_domain == "corp.awsapps.com"


def test_set_as_default_makes_a_verified_domain_the_default(admin_client, organization):
    _verify(_add(organization))
    response = admin_client.post(
        url("set-default", organization), {"mail_domain": "example.com"}, follow=True
    )
    assert "example.com Default Verified" in texts(response.content.decode(), "domain")
    detail = admin_client.get(organization.get_absolute_url()).content.decode()
    assert "example.com" in detail


def test_remove_asks_for_the_name_then_removes(admin_client, organization):
    _verify(_add(organization))
    page = admin_client.get(url("remove", organization), {"mail_domain": "example.com"})
    assert "To confirm removal, enter <strong>example.com</strong>" in page.content.decode()
    wrong = admin_client.post(
        url("remove", organization), {"mail_domain": "example.com", "domain_confirmation": "exam"}
    )
    assert wrong.status_code == 400
    assert "Enter example.com exactly" in text(wrong.content.decode(), "confirmation-error")
    assert organization.mail_domains.filter(name="example.com").exists()
    done = admin_client.post(
        url("remove", organization),
        {"mail_domain": "example.com", "domain_confirmation": "example.com"},
    )
    assert done.status_code == 302
    assert not organization.mail_domains.filter(name="example.com").exists()


def test_remove_refuses_the_test_domain_with_the_reason(admin_client, organization):
    response = admin_client.post(
        url("remove", organization),
        {"mail_domain": "corp.awsapps.com", "domain_confirmation": "corp.awsapps.com"},
    )
    assert response.status_code == 400
    assert "test domain" in text(response.content.decode(), "remove-error")
    assert organization.mail_domains.filter(is_test_domain=True).exists()


def test_verify_now_marks_the_check_and_the_records_poll_until_done(admin_client, organization):
    domain = _add(organization)
    page = admin_client.get(url("detail", organization, "example.com")).content.decode()
    assert "data-checking" not in page
    response = admin_client.post(url("verify", organization, "example.com"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="records"')
    assert 'hx-trigger="every 2s"' in fragment
    domain.refresh_from_db()
    assert domain.check_requested_at is not None
    # The check finishes (another helper's task clears the mark): the next poll stops polling.
    MailDomain.objects.filter(pk=domain.pk).update(
        check_requested_at=None, ownership_status=VerificationStatus.VERIFIED
    )
    DomainRecord.objects.filter(domain=domain).update(status=RecordStatus.VERIFIED)
    poll = admin_client.get(url("detail", organization, "example.com"), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286  # htmx: stop polling
    assert "every 2s" not in poll.content.decode()
    assert "Missing" not in poll.content.decode()


def test_update_all_in_route53_shows_only_with_the_accounts_zone(admin_client, admin, organization):
    _add(organization, "elsewhere.com")
    page = admin_client.get(url("detail", organization, "elsewhere.com")).content.decode()
    assert 'data-testid="update-route53"' not in page
    zone = create_hosted_zone(account=admin.account, name="example.com")
    domain = _add(organization)
    page = admin_client.get(url("detail", organization, "example.com")).content.decode()
    assert 'data-testid="update-route53"' in page
    admin_client.post(url("update-route53", organization, "example.com"))
    names = set(zone.record_sets.values_list("name", flat=True))
    assert {record.hostname for record in domain.expected_records()} <= names


def test_ops_read_but_can_not_change(ops, organization):
    client = signed_in(ops)
    _verify(_add(organization))
    page = client.get(url("list", organization)).content.decode()
    assert "example.com" in page and "Add domain" not in page
    detail = client.get(url("detail", organization, "example.com")).content.decode()
    assert 'data-testid="verify-now"' not in detail
    for name, args, data in [
        ("add", (), {"domain_name": "new.com"}),
        ("set-default", (), {"mail_domain": "example.com"}),
        ("remove", (), {"mail_domain": "example.com", "domain_confirmation": "example.com"}),
        ("verify", ("example.com",), {}),
    ]:
        assert client.post(url(name, organization, *args), data).status_code == 403
    organization.refresh_from_db()
    assert organization.default_mail_domain == "corp.awsapps.com"
    assert organization.mail_domains.count() == 2


def test_another_account_gets_404_everywhere(stranger, organization):
    client = signed_in(stranger)
    _add(organization)
    assert client.get(url("list", organization)).status_code == 404
    assert client.get(url("detail", organization, "example.com")).status_code == 404
    assert client.get(url("zone-file", organization, "example.com")).status_code == 404
    assert client.post(url("verify", organization, "example.com")).status_code == 404
    assert MailDomain.objects.get(name="example.com").check_requested_at is None


def test_a_domain_of_another_organization_is_404(admin_client, admin, organization):
    other = active_organization(account=admin.account, alias="sister")
    _add(other, "sister.com")
    assert admin_client.get(url("detail", organization, "sister.com")).status_code == 404
    response = admin_client.post(url("set-default", organization), {"mail_domain": "sister.com"})
    assert response.status_code == 404


def test_the_details_page_links_to_domains_and_each_unverified_domains_records(
    admin_client, organization
):
    _add(organization)
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert f'href="{url("list", organization)}"' in page
    assert f'href="{url("detail", organization, "example.com")}"' in page


def test_the_records_of_a_domain_not_yet_verified_refresh_by_themselves(
    admin_client, organization
) -> None:
    domain = _add(organization)
    page = admin_client.get(url("detail", organization, "example.com")).content.decode()
    assert "data-checking" not in page  # no check running: polled slowly, for beat's checks
    assert f'hx-trigger="every {views.PENDING_POLL}s"' in page
    [live_url] = re.findall(r'id="records"[^>]* hx-get="([^"]+)"', page)
    nothing_new = admin_client.get(html.unescape(live_url), HTTP_HX_REQUEST="true")
    assert nothing_new.status_code == 204  # the same records: nothing rendered again
    MailDomain.objects.filter(pk=domain.pk).update(checked_at=timezone.now())  # beat checked it
    checked = admin_client.get(html.unescape(live_url), HTTP_HX_REQUEST="true")
    assert checked.status_code == 200
    assert "Not checked yet" not in text(checked.content.decode(), "checked-at")


def test_the_records_of_a_verified_domain_are_not_polled(admin_client, organization) -> None:
    domain = _add(organization)
    _verify(domain)
    MailDomain.objects.filter(pk=domain.pk).update(dkim_status=VerificationStatus.VERIFIED)
    DomainRecord.objects.filter(domain=domain).update(status=RecordStatus.VERIFIED)
    page = admin_client.get(url("detail", organization, "example.com")).content.decode()
    assert "hx-trigger" not in page.split('id="records"', 1)[1].split(">", 1)[0]


def test_remove_on_the_list_posts_the_choice_and_asks_for_the_confirmation(
    admin_client, organization
) -> None:
    _add(organization)
    page = admin_client.get(url("list", organization)).content.decode()
    assert '<form id="selected-domain" method="post"' in page  # the token never in a URL
    assert 'formmethod="get"' not in page
    asked = admin_client.post(url("remove", organization), {"mail_domain": "example.com"})
    assert asked.status_code == 200
    assert "To confirm removal, enter" in asked.content.decode()
    assert not texts(asked.content.decode(), "confirmation-error")
    assert organization.mail_domains.filter(name="example.com").exists()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("corp.awsapps.com", "is the organization's test domain"),
        ("example.com", "is the default domain. Make another verified domain the default"),
    ],
)
def test_remove_says_up_front_when_the_domain_cant_go(admin_client, organization, name, words):
    domain = _add(organization)
    _verify(domain)
    services.update_default_mail_domain(organization=organization, domain_name="example.com")
    asked = admin_client.post(url("remove", organization), {"mail_domain": name})
    assert words in text(asked.content.decode(), "remove-blocked")


def test_pending_verification_is_shown_pending_not_working(admin_client, organization) -> None:
    _add(organization)
    page = admin_client.get(url("detail", organization, "example.com")).content.decode()
    ownership = page.split('data-testid="ownership-status"', 1)[1].split("</dd>", 1)[0]
    assert 'class="status status-pending" data-state="PENDING"' in ownership
    assert "status-in-progress" not in page  # the spinner is for Requested, Creating, ...


def test_the_verification_summary_is_a_container_with_a_status_for_each(
    admin_client, organization
) -> None:
    domain = _add(organization)
    _verify(domain)  # ownership Verified, DKIM still Pending
    page = admin_client.get(url("detail", organization, "example.com")).content.decode()
    [summary] = re.findall(
        r'<section class="container" data-testid="domain-summary".*?</section>', page, re.S
    )
    assert "Domain verification" in summary
    assert 'class="status status-success" data-state="VERIFIED"' in summary  # ownership
    assert 'class="status status-pending" data-state="PENDING"' in summary  # DKIM, with its icon
