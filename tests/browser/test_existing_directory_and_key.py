"""The whole of Advanced settings in a real browser: a KMS key and a Simple AD made on their own
pages, an organization on both, and its badge on the list following the key, without a reload."""

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.steps import follow, ready, sign_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Str0ng-Passw0rd"


def nav(page: Page, name: str) -> None:
    follow(
        page, page.get_by_role("navigation", name="Amazon WorkMail").get_by_role("link", name=name)
    )


def choose(select: Locator, label: re.Pattern) -> None:
    """Select the one option whose text matches `label`."""
    option = select.locator("option").filter(has_text=label)
    expect(option).to_have_count(1)
    select.select_option(option.get_attribute("value"))


def test_an_organization_on_a_new_key_and_simple_ad_follows_the_key(
    page: Page, browser: Browser, live_server, watchable_worker
) -> None:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)

    # A Simple AD, set up on its page, Active, with the alias the organization will have.
    nav(page, "Directories")
    follow(page, page.get_by_role("link", name="Set up directory").first)
    page.get_by_label("Simple AD").check()
    follow(page, page.get_by_role("button", name="Next"))
    page.get_by_label("Directory DNS name").fill("corp.example.com")
    page.get_by_label("Admin password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Create directory"))
    expect(page.locator("#directory-details [data-state]").first).to_have_text(
        "Active", timeout=20_000
    )
    follow(page, page.get_by_role("link", name="Create alias"))
    page.get_by_role("textbox", name="Alias").fill("acme")
    follow(page, page.get_by_role("button", name="Create alias"))

    # A customer managed key, made on its page.
    nav(page, "KMS keys")
    follow(page, page.get_by_role("link", name="Create key").first)
    page.get_by_role("textbox", name="Alias").fill("mailboxes")
    follow(page, page.get_by_role("button", name="Create key"))
    key_page = page.url

    # The organization, on both (Advanced settings).
    nav(page, "Organizations")
    follow(page, page.get_by_role("link", name="Create organization").first)
    page.get_by_role("textbox", name="Alias").fill("acme")
    page.get_by_text("Advanced settings").click()
    page.get_by_label("Use existing directory").check()
    choose(page.get_by_label("Directory", exact=True), re.compile(r"^acme \(d-[0-9a-f]{10}\) · "))
    page.get_by_label("Use existing KMS key").check()
    choose(page.get_by_label("KMS key", exact=True), re.compile("^alias/mailboxes · "))
    follow(page, page.get_by_role("button", name="Create organization"))
    badge = page.locator("tr", has=page.get_by_role("link", name="acme")).locator("[data-state]")
    expect(badge).to_have_text("Active", timeout=20_000)
    page.evaluate("window.notReloaded = true")

    # Another tab disables the key; the list, left open, turns Impaired, then Active again.
    other = page.context.new_page()
    other.goto(key_page)
    ready(other)
    other.get_by_role("link", name="Disable").click()  # the confirmation is a dialog
    other.get_by_label("Confirm that you want to disable this key.").check()
    follow(other, other.get_by_role("button", name="Disable key"))
    expect(badge).to_have_text("Impaired", timeout=20_000)
    follow(other, other.get_by_role("button", name="Enable"))
    expect(badge).to_have_text("Active", timeout=20_000)
    assert page.evaluate("window.notReloaded") is True
    other.close()
