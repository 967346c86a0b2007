"""Resources in a browser: create a room, add a delegate, then turn off automatic acceptance
(which needs the delegate first, as the API says)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import MailUserFactory, active_organization
from users.models import Resource, UserState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_room_with_a_delegate_and_auto_accept_off(page: Page, live_server, admin):
    organization = active_organization(account=admin.account, alias="corp")
    MailUserFactory(
        directory=organization.directory, name="jane", state=UserState.ENABLED,
        email=f"jane@{organization.test_domain}",
    )  # fmt: skip
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    follow(page, nav.get_by_role("link", name="Resources"))
    follow(page, page.get_by_role("link", name="Create resource").first)
    page.get_by_label("Resource name").fill("boardroom")
    page.get_by_label("Room").check()
    follow(page, page.get_by_role("button", name="Create resource"))
    expect(page.get_by_test_id("resource-email")).to_have_text(
        f"boardroom@{organization.test_domain}"
    )
    details = page.url

    booking = page.get_by_test_id("booking-options")
    auto_accept = booking.get_by_label("Automatically accept all resource requests")
    auto_accept.uncheck()
    follow(page, booking.get_by_role("button", name="Save"))  # no delegate yet: refused
    expect(page.get_by_test_id("booking-error")).to_contain_text("at least one delegate")

    page.goto(details)  # the details again, as stored
    ready(page)
    page.get_by_label("Search delegates").select_option(label="jane (user)")
    follow(page, page.get_by_role("button", name="Add delegate"))
    expect(page.get_by_test_id("delegate")).to_contain_text("jane")
    booking.get_by_label("Automatically accept all resource requests").uncheck()
    follow(page, booking.get_by_role("button", name="Save"))
    expect(booking.get_by_label("Automatically accept all resource requests")).not_to_be_checked()
    assert not Resource.objects.get(name="boardroom").auto_accept_requests
