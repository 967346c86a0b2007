"""The details page's History grows, in a real browser, as a real worker moves the organization."""

import re

import pytest
from playwright.sync_api import Page, expect

from organizations import services
from tests.browser.steps import ready, sign_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_history_shows_each_move_as_it_happens(
    page: Page, live_server, watchable_worker
) -> None:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)
    organization = services.create_organization(
        account=admin.account, region="us-east-1", alias="story"
    )
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    ready(page)
    page.evaluate("window.notReloaded = true")
    history = page.locator("#organization-history")
    rows = history.locator("tbody tr")
    expect(rows.first).to_contain_text("Creation requested")
    expect(rows).to_have_count(4, timeout=20_000)
    expect(rows.locator("td:nth-child(2) [data-state]")).to_have_text(
        ["Requested", "Creating", "Validating", "Active"]
    )
    expect(rows.last).to_contain_text("All settings passed validation")
    expect(rows.last.locator("td").last).to_have_text(re.compile(r"so far$"))
    expect(history.get_by_role("heading", name="History (4)")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
