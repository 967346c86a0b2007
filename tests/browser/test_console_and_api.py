"""One state, two doors: what a person does in the browser is what boto3 reads over HTTP, and
what boto3 does is what the browser shows."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import USER_PASSWORD, active_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organization_made_in_the_browser_is_described_by_boto3_and_deleted_by_it(
    page: Page, live_server, celery_worker, admin, live_workmail
) -> None:
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + reverse("organizations:create", args=["us-east-1"]))
    ready(page)
    page.get_by_label("Alias").fill("bothways")
    follow(page, page.get_by_role("button", name="Create organization"))
    row = page.locator("tr", has=page.get_by_role("link", name="bothways"))
    expect(row.locator("[data-state]")).to_have_text("Active", timeout=20_000)

    [summary] = live_workmail.list_organizations()["OrganizationSummaries"]
    assert (summary["Alias"], summary["State"]) == ("bothways", "Active")
    described = live_workmail.describe_organization(OrganizationId=summary["OrganizationId"])
    assert described["DefaultMailDomain"] == "bothways.awsapps.com"

    live_workmail.delete_organization(
        OrganizationId=summary["OrganizationId"], DeleteDirectory=True
    )
    follow(page, row.get_by_role("link", name="bothways"))
    expect(page.locator("dd [data-state]").first).to_have_text(
        re.compile("Deleting|Deleted"), timeout=20_000
    )


def test_a_user_registered_by_boto3_shows_enabled_and_a_disable_in_the_browser_reads_back(
    page: Page, live_server, admin, live_workmail
) -> None:
    organization = active_organization(account=admin.account)
    user_id = live_workmail.create_user(
        OrganizationId=organization.organization_id,
        Name="jdoe",
        DisplayName="Jane Doe",
        Password=USER_PASSWORD,
    )["UserId"]
    live_workmail.register_to_work_mail(
        OrganizationId=organization.organization_id,
        EntityId=user_id,
        Email=f"jdoe@{organization.test_domain}",
    )

    sign_in(page, live_server.url, admin)
    page.goto(
        live_server.url
        + reverse("users:list", args=[organization.region, organization.organization_id])
    )
    ready(page)
    row = page.get_by_test_id("user")
    expect(row).to_contain_text(f"jdoe@{organization.test_domain}")
    expect(row.locator('[data-state="ENABLED"]')).to_have_text("Enabled")

    page.get_by_label("Select jdoe").check()
    page.get_by_role("button", name="Disable").click()
    follow(page, page.get_by_role("dialog").get_by_role("button", name="Disable"))
    expect(page.locator('[data-state="DISABLED"]')).to_have_text("Disabled")

    described = live_workmail.describe_user(
        OrganizationId=organization.organization_id, UserId=user_id
    )
    assert described["State"] == "DISABLED"
