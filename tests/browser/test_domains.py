"""Domains in a browser: add an external domain, put its records into the account's emulated
Route 53 zone, Verify now and watch the records turn Verified without a reload (a real worker
resolves them through the project's DNS server), then Set as default and see it on the details
page."""

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from domains import dns_checks, views
from domains.models import MailDomain
from domains.services import mail_domain_record_sets, register_mail_domain
from organizations.models import Organization
from route53.services import create_hosted_zone, upsert_record_sets
from tests.browser.steps import follow, ready, sign_in
from tests.conftest import WORKER_DNS_PORT
from tests.factories import active_organization
from tests.processes import CeleryProcess
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker", "worker_dns_server"),
]

# The console's four groups of the records WorkMail asks for.
GROUPS = [
    "Domain ownership",
    "WorkMail configuration",
    "Improved security",
    "Improved email delivery",
]


def test_add_an_external_domain_verify_it_through_route53_and_make_it_the_default(
    page: Page, live_server, admin, monkeypatch
) -> None:
    monkeypatch.setattr(views, "VERIFY_POLL", 1)  # the records poll every second here
    organization = active_organization(account=admin.account)
    sign_in(page, live_server.url, admin)
    page.goto(
        live_server.url
        + reverse("domains:list", args=[organization.region, organization.organization_id])
    )
    ready(page)
    follow(page, page.get_by_role("link", name="Add domain"))
    page.get_by_label("Domain name").fill("shop.example")
    follow(page, page.get_by_role("button", name="Add domain"))

    expect(page.get_by_role("status").first).to_contain_text("Domain shop.example was added.")
    expect(page.get_by_test_id("domain-name")).to_have_text("shop.example")
    expect(page.get_by_test_id("record-group").locator("h2")).to_have_text(GROUPS)
    ownership = page.get_by_test_id("ownership-status")
    expect(ownership).to_have_text("Pending")
    expect(page.locator('[data-kind="ownership"]')).to_contain_text("_amazonses.shop.example")
    expect(page.locator('[data-kind="ownership"]')).to_contain_text("Pending")
    expect(page.locator('[data-kind="mx"]')).to_contain_text("Missing")
    expect(page.get_by_test_id("update-route53")).to_have_count(0)  # no zone yet

    # Verify now with no record anywhere: the check runs and finds nothing.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Verify now").click()
    expect(page.get_by_test_id("checking")).to_have_count(0, timeout=20_000)
    expect(ownership).to_have_text("Pending")
    assert page.evaluate("window.notReloaded") is True

    create_hosted_zone(account=admin.account, name="shop.example")
    page.reload()
    ready(page)
    follow(page, page.get_by_role("button", name="Update all in Route 53"))
    expect(page.get_by_role("status").first).to_contain_text(
        "record sets of shop.example were updated in Route 53."
    )
    # The records just written are checked at once: Verified without Verify now or a reload.
    page.evaluate("window.notReloaded = true")
    expect(ownership).to_have_text("Verified", timeout=20_000)
    expect(page.get_by_test_id("dkim-status")).to_have_text("Verified")
    expect(page.get_by_test_id("checking")).to_have_count(0)
    # All ten records: ownership, MX, autodiscover, three DKIM, SPF, DMARC, MAIL FROM TXT and MX.
    expect(page.get_by_test_id("record").locator("[data-state]")).to_have_text(["Verified"] * 10)
    assert page.evaluate("window.notReloaded") is True

    follow(page, page.get_by_role("link", name="Domains", exact=True).first)
    expect(page.locator('[data-domain="shop.example"]')).to_contain_text("Verified")
    page.get_by_label("Select shop.example").check()
    follow(page, page.get_by_role("button", name="Set as default"))
    expect(page.get_by_role("status").first).to_contain_text(
        "Domain shop.example is now the default domain."
    )
    expect(
        page.locator('[data-domain="shop.example"]').get_by_test_id("default-marker")
    ).to_be_visible()

    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    ready(page)
    default = page.locator("dt", has_text="Default mail domain").locator("xpath=..")
    expect(default.locator("dd")).to_have_text("shop.example")


@pytest.fixture
def worker_on_make_run_defaults(
    celery_worker: CeleryProcess, process_env, tmp_path
) -> Iterator[CeleryProcess]:
    """A worker with `make run`'s DNS settings: no WORKMAIL_DNS_NAMESERVERS, and the project's
    DNS server where WORKMAIL_DNS_PORT says (this run's port instead of 8053)."""
    with celery_worker.stopped():
        env = process_env(WORKMAIL_DNS_NAMESERVERS="", WORKMAIL_DNS_PORT=str(WORKER_DNS_PORT))
        assert "WORKMAIL_DNS_SERVER" not in env
        with CeleryProcess.worker(env, tmp_path / "worker.log", name="defaults") as worker:
            yield worker


def test_on_make_runs_defaults_a_route53_domain_is_verified_seconds_after_active(
    page: Page, live_server, admin, worker_on_make_run_defaults
) -> None:
    zone = create_hosted_zone(account=admin.account, name="runs.example")
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + reverse("organizations:create", args=["us-east-1"]))
    ready(page)
    page.get_by_label("Existing Route 53 domain").check()
    page.get_by_test_id("hosted-zone-select").select_option(zone.zone_id)
    page.get_by_label("Alias").fill("runs")
    follow(page, page.get_by_role("button", name="Create organization"))
    expect(page.get_by_text("Organization runs is being created.")).to_be_visible()

    organization = Organization.objects.get(alias="runs")
    wait_for(lambda: Organization.objects.get(pk=organization.pk).state == "Active", timeout=30)
    domain = MailDomain.objects.get(organization=organization, name="runs.example")
    # No Verify now, no beat: the check sent when Creating wrote the records.
    wait_for(
        lambda: MailDomain.objects.get(pk=domain.pk).ownership_status == "VERIFIED", timeout=15
    )
    domain.refresh_from_db()
    organization.refresh_from_db()
    assert (domain.checked_at - organization.completed_date).total_seconds() < 10

    page.goto(
        live_server.url
        + reverse("domains:detail", args=[organization.region, organization.pk, domain.name])
    )
    ready(page)
    expect(page.get_by_test_id("ownership-status")).to_have_text("Verified")
    expect(page.get_by_test_id("dkim-status")).to_have_text("Verified")


def test_the_records_page_shows_beats_check_without_a_reload(
    page: Page, live_server, admin, monkeypatch, settings, worker_dns_server
) -> None:
    monkeypatch.setattr(views, "PENDING_POLL", 1)
    settings.WORKMAIL_DNS_NAMESERVERS = f"{worker_dns_server[0]}:{worker_dns_server[1]}"
    organization = active_organization(account=admin.account)
    zone = create_hosted_zone(account=admin.account, name="quiet.example")
    domain = register_mail_domain(organization=organization, domain_name="quiet.example")
    upsert_record_sets(zone, mail_domain_record_sets(domain))  # by hand: no check is asked
    sign_in(page, live_server.url, admin)
    page.goto(
        live_server.url
        + reverse("domains:detail", args=[organization.region, organization.pk, domain.name])
    )
    ready(page)
    page.evaluate("window.notReloaded = true")
    ownership = page.get_by_test_id("ownership-status")
    expect(ownership).to_have_text("Pending")
    expect(page.get_by_test_id("checking")).to_have_count(0)

    dns_checks.check_due()  # beat's pass, here in the test's process
    expect(ownership).to_have_text("Verified", timeout=10_000)
    expect(page.get_by_test_id("dkim-status")).to_have_text("Verified")
    assert page.evaluate("window.notReloaded") is True


def test_the_domains_actions_wait_for_a_selected_domain(page: Page, live_server, admin) -> None:
    organization = active_organization(account=admin.account)
    sign_in(page, live_server.url, admin)
    page.goto(
        live_server.url
        + reverse("domains:list", args=[organization.region, organization.organization_id])
    )
    ready(page)
    actions = page.get_by_test_id("domain-actions")
    expect(actions.get_by_role("button", name="Set as default")).to_be_disabled()
    expect(actions.get_by_role("button", name="Remove")).to_be_disabled()
    page.get_by_label(f"Select {organization.test_domain}").check()
    expect(actions.get_by_role("button", name="Set as default")).to_be_enabled()
    expect(actions.get_by_role("button", name="Remove")).to_be_enabled()
    expect(actions.get_by_role("link", name="Add domain")).to_be_visible()  # never gated
