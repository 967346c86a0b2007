"""The dashboard open in one tab follows what another tab does, without a reload."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import MembershipFactory
from workmail_console.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_shows_a_tile_change_and_a_new_feed_row_live(
    page: Page, browser: Browser, live_server, watchable_worker
) -> None:
    admin = MembershipFactory(role=Role.ADMIN)
    watcher = MembershipFactory(role=Role.OPS, account=admin.account)

    # Tab 1: an ops member opens the dashboard from the navigation.
    sign_in(page, live_server.url, watcher)
    follow(page, page.get_by_role("link", name="Dashboard"))
    expect(page.get_by_test_id("count-Active")).to_have_text("0")
    expect(page.get_by_test_id("event")).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    # Tab 2 (another browser context: another person): an admin creates an organization.
    other = browser.new_context()
    try:
        creator = other.new_page()
        sign_in(creator, live_server.url, admin)
        creator.goto(f"{live_server.url}/us-east-1/organizations/create/")
        ready(creator)
        creator.get_by_label("Alias").fill("watched")
        follow(creator, creator.get_by_role("button", name="Create organization"))
        expect(creator.get_by_text("Organization watched is being created.")).to_be_visible()
    finally:
        other.close()

    # Tab 1 follows: a working tile counts it, then Active does, and the feed grows.
    expect(page.get_by_test_id("count-Active")).to_have_text("1", timeout=20_000)
    expect(page.get_by_test_id("count-Active-us-east-1")).to_have_text("1")
    feed = page.get_by_test_id("event")
    expect(feed).to_have_count(4)
    expect(feed.first).to_contain_text(re.compile(r"watched.*Validating\s*→\s*Active", re.S))
    expect(feed.last).to_contain_text("Creation requested")
    assert page.evaluate("window.notReloaded") is True
