"""Steps the browser tests share: signing in, and waiting for the page's scripts."""

from playwright.sync_api import Browser, Locator, Page, expect

from tests.factories import PASSWORD
from workmail_console.models import Membership


def ready(page: Page) -> None:
    """Wait until the page's scripts (htmx and console.js) have run: they set this flag."""
    expect(page.locator("html")).to_have_attribute("data-console-ready", "true")


def sign_in(page: Page, base_url: str, membership: Membership) -> None:
    page.goto(f"{base_url}/")
    ready(page)
    page.get_by_label("User name").fill(membership.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_test_id("account-id")).to_have_text(membership.account.account_id)


def signed_in_without_javascript(browser: Browser, base_url: str, membership: Membership) -> Page:
    """A page in a browser context of its own with JavaScript off, signed in as `membership`
    (close it with `page.context.close()`)."""
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{base_url}/")
    page.get_by_label("User name").fill(membership.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("account-id")).to_have_text(membership.account.account_id)
    return page


def follow(page: Page, target: Locator) -> None:
    """Click something that loads a new page, and wait for that page's scripts (the flag is
    cleared first, so the old page can't answer for the new one)."""
    page.evaluate("delete document.documentElement.dataset.consoleReady")
    target.click()
    ready(page)
