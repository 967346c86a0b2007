"""Security credentials in a browser: create an access key and see its secret once; a reload
shows it no more; deactivate the key, then delete it in the dialog that names it."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import follow, sign_in
from workmail_console.models import AccessKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_see_the_secret_once_deactivate_and_delete(page: Page, live_server, ops) -> None:
    sign_in(page, live_server.url, ops)
    follow(page, page.get_by_role("link", name="Security credentials"))
    expect(page.get_by_text("No access keys.")).to_be_visible()
    follow(page, page.get_by_role("button", name="Create access key"))

    key = AccessKey.objects.get(user=ops.user)
    expect(page.get_by_test_id("new-key-id")).to_have_text(key.key_id)
    secret = page.get_by_test_id("secret-access-key").inner_text()
    assert len(secret) == 40
    expect(page.get_by_text("This is the only time that the secret access key")).to_be_visible()

    page.evaluate("delete document.documentElement.dataset.consoleReady")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-console-ready", "true")
    expect(page.get_by_test_id("secret-access-key")).to_have_count(0)
    # Chromium sends the POST again: it creates nothing, and says why.
    expect(page.get_by_test_id("flash")).to_contain_text("No access key was created")
    assert secret not in page.content()
    assert AccessKey.objects.filter(user=ops.user).count() == 1

    row = page.get_by_test_id("access-key")
    expect(row).to_contain_text(key.key_id)
    expect(row).to_contain_text("Active")
    follow(page, page.get_by_role("button", name=f"Deactivate {key.key_id}"))
    expect(page.get_by_test_id("flash")).to_contain_text(f"Access key {key.key_id} is inactive")
    expect(row).to_contain_text("Inactive")

    page.get_by_role("link", name=f"Delete {key.key_id}").click()
    dialog = page.get_by_role("dialog", name=f"Delete {key.key_id}?")
    expect(dialog).to_be_visible()
    dialog.get_by_label("To confirm deletion, enter the access key ID").fill(key.key_id)
    follow(page, dialog.get_by_role("button", name="Delete"))
    expect(page.get_by_test_id("flash")).to_contain_text(f"Access key {key.key_id} was deleted.")
    expect(page.get_by_text("No access keys.")).to_be_visible()
    assert not AccessKey.objects.filter(user=ops.user).exists()
