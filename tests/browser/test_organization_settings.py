"""An organization's settings in a browser: through the organization's navigation, set a
retention policy on the Inbox, then add two tags (the second row through Add new tag)."""

import pytest
from playwright.sync_api import Page, expect

from organizations.models import FolderConfiguration, OrganizationTag
from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAV = [
    "‹ Organizations", "Users", "Groups", "Resources", "Domains",  # noqa: RUF001
    "Organization settings", "Mobile Policies", "Retention policy", "Monitoring", "Tags",
]  # fmt: skip


def test_set_a_retention_policy_and_add_tags_through_the_organizations_navigation(
    page: Page, live_server, admin
) -> None:
    organization = active_organization(account=admin.account, alias="corp")
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    expect(nav.get_by_role("link")).to_have_text(NAV)

    follow(page, nav.get_by_role("link", name="Retention policy"))
    expect(nav.get_by_role("link", name="Retention policy")).to_have_attribute(
        "aria-current", "page"
    )
    follow(page, page.get_by_role("link", name="Edit", exact=True))
    inbox = page.get_by_test_id("folder-row").filter(has_text="Inbox")
    inbox.get_by_label("Delete", exact=True).check()
    inbox.get_by_label("Inbox: days to keep").fill("30")
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_test_id("folder").first.locator("td")).to_have_text(
        ["Inbox", "Delete", "30"]
    )
    expect(page.get_by_text("Allow 48 hours to apply the retention policies")).to_be_visible()
    assert FolderConfiguration.objects.get(name="INBOX").period == 30

    follow(page, nav.get_by_role("link", name="Tags"))
    expect(nav.get_by_role("link", name="Tags")).to_have_attribute("aria-current", "page")
    follow(page, page.get_by_role("link", name="Manage tags"))
    page.get_by_label("Key of tag 1").fill("env")
    page.get_by_label("Value of tag 1").fill("prod")
    follow(page, page.get_by_role("button", name="Add new tag"))
    expect(page.get_by_label("Key of tag 1")).to_have_value("env")
    page.get_by_label("Key of tag 2").fill("cost center")
    page.get_by_label("Value of tag 2").fill("mail/42")
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_test_id("tag").locator("td")).to_have_text(
        ["cost center", "mail/42", "env", "prod"]
    )
    assert dict(OrganizationTag.objects.values_list("key", "value")) == {
        "env": "prod", "cost center": "mail/42",
    }  # fmt: skip

    follow(page, nav.get_by_role("link", name="Organization settings"))
    expect(page.get_by_test_id("organization-tags")).to_contain_text("Tags (2)")
