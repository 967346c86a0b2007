"""Users in a browser: Create user with the address following the user name, then the list's
radio selection offering only the actions that apply, Disable and Delete."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_user_then_disable_and_delete_it_from_the_list(
    page: Page, live_server, admin
) -> None:
    organization = active_organization(account=admin.account)
    sign_in(page, live_server.url, admin)
    page.goto(
        live_server.url
        + reverse("users:list", args=[organization.region, organization.organization_id])
    )
    ready(page)
    follow(page, page.get_by_role("link", name="Create user").first)
    page.get_by_label("User name").fill("jane.doe")
    expect(page.get_by_label("Email address")).to_have_value("jane.doe")  # pre-filled
    page.get_by_label("Display name").fill("Jane Doe")
    page.get_by_label("Password", exact=True).fill("Str0ng-Passw0rd")
    page.get_by_label("Repeat password").fill("Str0ng-Passw0rd")
    follow(page, page.get_by_role("button", name="Create user"))

    expect(page.get_by_role("status").first).to_contain_text("User jane.doe was created.")
    row = page.get_by_test_id("user")
    expect(row).to_contain_text(f"jane.doe@{organization.test_domain}")
    page.get_by_label("Select jane.doe").check()
    expect(page.get_by_role("button", name="Enable")).to_be_disabled()
    expect(page.get_by_role("button", name="Delete")).to_be_disabled()
    page.get_by_role("button", name="Disable").click()  # the confirmation is a dialog
    follow(page, page.get_by_role("dialog").get_by_role("button", name="Disable"))
    expect(page.locator('[data-state="DISABLED"]')).to_have_text("Disabled")

    organization_nav = page.get_by_role("navigation", name=f"Organization {organization.alias}")
    follow(page, organization_nav.get_by_role("link", name="Users"))  # the organization's own
    page.get_by_label("Select jane.doe").check()
    expect(page.get_by_role("button", name="Disable")).to_be_disabled()
    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete user")
    dialog.get_by_label("To confirm deletion, enter jane.doe").fill("jane.doe")
    follow(page, dialog.get_by_role("button", name="Delete"))
    expect(page.get_by_role("status").first).to_contain_text("User jane.doe was deleted.")
    expect(page.get_by_test_id("user-count")).to_have_text("(0)")


def test_the_users_actions_wait_for_a_selected_user(page: Page, live_server, admin) -> None:
    organization = active_organization(account=admin.account)
    sign_in(page, live_server.url, admin)
    page.goto(
        live_server.url
        + reverse("users:list", args=[organization.region, organization.organization_id])
    )
    ready(page)
    gated = page.locator("button[data-needs-selection]")
    expect(gated.first).to_be_visible()
    for index in range(gated.count()):
        expect(gated.nth(index)).to_be_disabled()
