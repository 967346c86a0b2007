"""A user's details in a browser: add an alias, make it the primary address, set a quota."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization
from users import services
from users.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_an_alias_make_it_primary_and_set_a_quota(page: Page, live_server, admin) -> None:
    organization = active_organization(account=admin.account, alias="corp")
    jane = services.create_user(
        organization=organization, name="jane", display_name="Jane", password="Str0ng-Passw0rd",
        email=f"jane@{organization.test_domain}",
    )  # fmt: skip
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    follow(page, nav.get_by_role("link", name="Users"))
    follow(page, page.get_by_role("link", name="jane", exact=True))  # the name, not the box

    adding = page.get_by_test_id("add-alias")
    adding.get_by_label("Add alias").fill("j.doe")
    follow(page, adding.get_by_role("button", name="Add alias"))
    alias = f"j.doe@{organization.test_domain}"
    follow(page, page.get_by_role("button", name=f"Make {alias} primary"))
    rows = page.get_by_test_id("address")
    expect(page.get_by_role("row", name=f"{alias} Primary")).to_be_visible()
    expect(rows.nth(1).get_by_role("cell").first).to_have_text(f"jane@{organization.test_domain}")

    follow(page, page.get_by_test_id("tabs").get_by_role("link", name="Quota"))
    page.get_by_label("Update mailbox quota").fill("2048")
    follow(page, page.get_by_test_id("quota").get_by_role("button", name="Save"))
    expect(page.get_by_test_id("mailbox-quota")).to_have_text("2048 MB")
    stored = User.objects.get(pk=jane.pk)
    assert (stored.email, stored.mailbox_quota) == (alias, 2048)
