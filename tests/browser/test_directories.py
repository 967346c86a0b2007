"""Directories in a real browser: set up a Simple AD on its page and watch a real worker make it
Active without a reload; then Simulate outage and Recover."""

import os

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, sign_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Str0ng-Passw0rd"
SCREENSHOTS = os.environ.get("WORKMAIL_SCREENSHOTS")  # a folder: keep a picture of each page


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_a_simple_ad_set_up_on_its_page_becomes_active_before_your_eyes(
    page: Page, live_server, watchable_worker
) -> None:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)
    follow(
        page,
        page.get_by_role("navigation", name="Amazon WorkMail").get_by_role(
            "link", name="Directories"
        ),
    )
    shot(page, "list-empty")
    follow(page, page.get_by_role("link", name="Set up directory").first)
    page.get_by_label("Simple AD").check()
    shot(page, "setup-types")
    follow(page, page.get_by_role("button", name="Next"))
    page.get_by_label("Large").check()
    page.get_by_label("Directory DNS name").fill("corp.example.com")
    page.get_by_label("Admin password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill("not the same")
    follow(page, page.get_by_role("button", name="Create directory"))
    expect(page.get_by_text("The passwords do not match.")).to_be_visible()
    expect(page.get_by_label("Admin password")).to_have_value("")  # never sent back
    expect(page.get_by_label("Directory DNS name")).to_have_value("corp.example.com")
    shot(page, "setup-errors")
    page.get_by_label("Admin password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Create directory"))
    expect(page.get_by_role("status")).to_contain_text("is being created.")
    page.evaluate("window.notReloaded = true")
    status = page.locator("#directory-details [data-state]").first
    expect(status).to_have_text("Active", timeout=20_000)
    expect(page.locator("#directory-history tbody tr [data-state]").nth(0)).to_have_text(
        "Requested"
    )
    assert page.evaluate("window.notReloaded") is True
    shot(page, "details-active")

    follow(page, page.get_by_role("button", name="Simulate outage"))
    expect(status).to_have_text("Inoperable")
    shot(page, "details-inoperable")
    follow(page, page.get_by_role("button", name="Recover"))
    expect(status).to_have_text("Active")
    expect(page.locator("#directory-history tbody tr")).to_have_count(5)
    follow(
        page,
        page.get_by_role("navigation", name="Amazon WorkMail").get_by_role(
            "link", name="Directories"
        ),
    )
    expect(page.locator("#directory-rows [data-state]")).to_have_text(["Active"])
    shot(page, "list")
