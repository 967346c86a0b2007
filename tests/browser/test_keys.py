"""KMS keys in a browser: create a key on its page, find it in the list, disable it, schedule and
cancel its deletion."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_key_and_use_its_key_actions(page: Page, live_server, admin) -> None:
    sign_in(page, live_server.url, admin)
    status = page.get_by_test_id("key-status")
    follow(page, page.get_by_role("link", name="KMS keys"))
    follow(page, page.get_by_role("link", name="Create key").first)
    page.get_by_label("Alias").fill("mailboxes")
    page.get_by_label("Description").fill("For our organization")
    expect(page.get_by_label(f"{admin.user.username} (you)")).to_be_checked()
    follow(page, page.get_by_role("button", name="Create key"))

    expect(page.get_by_role("heading", name="alias/mailboxes")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("created with alias alias/mailboxes")
    page.get_by_role("link", name="Disable").click()  # a dialog; not confirmed: the page asks
    follow(page, page.get_by_role("dialog").get_by_role("button", name="Disable key"))
    expect(page.get_by_test_id("confirm-error")).to_be_visible()
    page.get_by_label("Confirm that you want to disable this key.").check()
    follow(page, page.get_by_role("button", name="Disable key"))
    expect(status).to_have_text("Disabled")

    follow(page, page.get_by_role("link", name="Schedule key deletion"))
    page.get_by_label("Waiting period (in days)").fill("7")
    follow(page, page.get_by_role("button", name="Schedule deletion"))
    expect(page.get_by_test_id("pending-deletion")).to_contain_text("scheduled for deletion on")
    expect(status).to_have_text("Pending deletion")

    follow(page, page.get_by_role("button", name="Cancel key deletion"))
    expect(status).to_have_text("Disabled")
    # The key's history: created Enabled, then every action, newest last.
    events = page.locator("#key-history [data-testid=event] td:nth-child(2)")
    expect(events).to_have_text(["Enabled", "Disabled", "Pending deletion", "Disabled"])
    follow(page, page.get_by_role("link", name="KMS keys").first)
    row = page.get_by_test_id("customer-managed-keys").locator("tbody tr")
    expect(row).to_contain_text("alias/mailboxes")
    expect(row).to_contain_text("Disabled")
