"""Groups in a browser: through the organization's navigation, create a group, add two users
from its details page, take one out again, and find the group's creation on Monitoring."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import MailUserFactory, active_organization
from users.models import GroupMember, UserState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_group_and_add_two_users_through_the_organizations_navigation(
    page: Page, live_server, admin
) -> None:
    organization = active_organization(account=admin.account, alias="corp")
    for name in ("jane", "bob"):
        MailUserFactory(
            directory=organization.directory, name=name, state=UserState.ENABLED,
            email=f"{name}@{organization.test_domain}",
        )  # fmt: skip
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    expect(nav.get_by_role("link")).to_have_text([
        "‹ Organizations", "Users", "Groups", "Resources", "Domains",  # noqa: RUF001
        "Organization settings", "Mobile Policies", "Retention policy", "Monitoring", "Tags",
    ])  # fmt: skip
    follow(page, nav.get_by_role("link", name="Groups"))
    expect(nav.get_by_role("link", name="Groups")).to_have_attribute("aria-current", "page")
    follow(page, page.get_by_role("link", name="Create group").first)
    page.get_by_label("Group name").fill("Sales Team")
    page.get_by_label("Email address").fill("sales")
    follow(page, page.get_by_role("button", name="Create group"))
    expect(page.get_by_role("heading", name="Sales Team")).to_be_visible()
    expect(page.get_by_test_id("group-email")).to_have_text(f"sales@{organization.test_domain}")

    members = page.get_by_test_id("members")
    for name in ("jane", "bob"):
        page.get_by_label("Add a user or group").select_option(label=f"{name} (user)")
        follow(page, members.get_by_role("button", name="Add"))
    expect(members.get_by_test_id("member").locator("td").first).to_have_text("bob")
    expect(page.get_by_test_id("member-count")).to_have_text("(2)")
    follow(page, members.get_by_role("button", name="Remove bob"))
    expect(page.get_by_test_id("member-count")).to_have_text("(1)")
    assert list(GroupMember.objects.values_list("user__name", flat=True)) == ["jane"]

    # Monitoring, from the same navigation, says what happened: the group was created
    follow(page, nav.get_by_role("link", name="Monitoring"))
    page.get_by_label("Event source").select_option(label="Groups")
    follow(page, page.get_by_role("button", name="Search"))
    expect(page.get_by_test_id("event")).to_have_count(1)
    expect(page.get_by_test_id("event")).to_contain_text("Sales Team")
    expect(page.get_by_test_id("event")).to_contain_text("Group created")
