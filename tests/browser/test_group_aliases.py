"""A group's email addresses in a browser: from its details page, add an alias and make it the
group's primary address."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization
from users import groups
from users.models import Group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_an_alias_to_a_group_and_make_it_primary(page: Page, live_server, admin) -> None:
    organization = active_organization(account=admin.account, alias="corp")
    sales = groups.create_group(
        organization=organization, name="sales", email=f"sales@{organization.test_domain}"
    )
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    follow(page, nav.get_by_role("link", name="Groups"))
    follow(page, page.get_by_role("link", name="sales", exact=True))

    adding = page.get_by_test_id("add-alias")
    adding.get_by_label("Add alias").fill("orders")
    follow(page, adding.get_by_role("button", name="Add alias"))
    alias = f"orders@{organization.test_domain}"
    expect(page.get_by_text("An alias was added to sales.")).to_be_visible()
    expect(page.get_by_role("row", name=f"{alias} Alias")).to_be_visible()

    follow(page, page.get_by_role("button", name=f"Make {alias} primary"))
    expect(page.get_by_role("row", name=f"{alias} Primary")).to_be_visible()
    expect(page.get_by_test_id("group-email")).to_have_text(alias)
    rows = page.get_by_test_id("address")
    expect(rows.nth(1).get_by_role("cell").first).to_have_text(f"sales@{organization.test_domain}")
    assert Group.objects.get(pk=sales.pk).email == alias
