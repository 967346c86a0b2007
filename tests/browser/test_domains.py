"""Domains in a browser: add an external domain, put its records into the account's emulated
Route 53 zone, Verify now and watch the records turn Verified without a reload (a real worker
resolves them through the project's DNS server), then Set as default and see it on the details
page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from domains import views
from route53.services import create_hosted_zone
from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker", "worker_dns_server"),
]

# The groups holding the records WorkMail asks for (no MAIL FROM records: Improved email delivery
# has none to show).
GROUPS = ["Domain ownership", "WorkMail configuration", "Improved security"]


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

    create_hosted_zone(account=admin.account, name="shop.example")
    page.reload()
    ready(page)
    follow(page, page.get_by_role("button", name="Update all in Route 53"))
    expect(page.get_by_role("status").first).to_contain_text(
        "record sets of shop.example were updated in Route 53."
    )
    expect(ownership).to_have_text("Pending")  # written, not yet checked

    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Verify now").click()
    expect(ownership).to_have_text("Verified", timeout=20_000)
    expect(page.get_by_test_id("dkim-status")).to_have_text("Verified")
    expect(page.get_by_test_id("checking")).to_have_count(0)
    # All eight records: ownership, MX, autodiscover, three DKIM, SPF, DMARC.
    expect(page.get_by_test_id("record").locator("[data-state]")).to_have_text(["Verified"] * 8)
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
