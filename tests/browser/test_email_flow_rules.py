"""Email flow rules in a browser: from Organization settings, the Inbound rules tab; Create rule
(Drop email for a sender domain), listed; Test configuration names the rule for a sender it
matches and says Default for one it doesn't; Edit the chosen rule; Remove it in the dialog."""

import pytest
from playwright.sync_api import Page, expect

from mailflow.models import EmailFlowRule
from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_test_edit_and_remove_an_inbound_rule(page: Page, live_server, admin) -> None:
    organization = active_organization(account=admin.account, alias="corp")
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    follow(page, nav.get_by_role("link", name="Organization settings"))
    tabs = page.get_by_role("navigation", name="Organization settings")
    follow(page, tabs.get_by_role("link", name="Inbound rules"))
    expect(tabs.get_by_role("link", name="Inbound rules")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("rules")).to_contain_text("No rules")
    rules_url = page.url

    follow(page, page.get_by_role("link", name="Create rule").first)
    page.get_by_label("Rule name").fill("Block spam")
    page.get_by_label("Drop email").check()
    expect(page.get_by_test_id("lambda-settings")).to_be_hidden()  # Run Lambda's own, not chosen
    page.get_by_label("Sender domains or addresses").fill("spam.example")
    page.get_by_label("Destination domains or addresses").fill("*")
    follow(page, page.get_by_role("button", name="Create rule"))
    expect(page.get_by_text("The rule Block spam was created.")).to_be_visible()
    expect(page.get_by_test_id("rule").locator("td")).to_have_text(
        ["", "Block spam", "Drop email", "spam.example", "*"]
    )

    test_form = page.get_by_test_id("test-form")
    test_form.get_by_label("Sender").fill("bot@spam.example")
    test_form.get_by_label("Recipient").fill("me@corp.awsapps.com")
    test_form.get_by_role("button", name="Test").click()  # htmx: the result comes in place
    expect(page.get_by_test_id("test-action")).to_have_text("Drop email")
    expect(page.get_by_test_id("test-rule")).to_have_text("Block spam")
    page.get_by_test_id("test-form").get_by_label("Sender").fill("friend@good.example")
    page.get_by_test_id("test-form").get_by_role("button", name="Test").click()
    expect(page.get_by_test_id("test-action")).to_have_text("Default")
    expect(page.get_by_test_id("test-rule")).to_have_text(
        "No rule matches: the Default action applies."
    )

    actions = page.get_by_test_id("rule-actions")
    expect(actions.get_by_role("button", name="Edit")).to_be_disabled()  # until a rule is chosen
    page.get_by_label("Select Block spam").check()
    follow(page, actions.get_by_role("button", name="Edit"))
    expect(page.get_by_label("Rule name")).to_have_value("Block spam")
    page.get_by_label("Send bounce response").check()
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_test_id("rule").locator("td").nth(2)).to_have_text("Send bounce response")

    page.get_by_label("Select Block spam").check()
    page.get_by_test_id("rule-actions").get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog", name="Remove rule")
    expect(dialog).to_contain_text("Remove the rule Block spam")
    expect(page).to_have_url(rules_url)  # a modal over the list
    follow(page, dialog.get_by_role("button", name="Remove"))
    expect(page.get_by_text("The rule Block spam was removed.")).to_be_visible()
    expect(page.get_by_test_id("rules")).to_contain_text("No rules")
    assert not EmailFlowRule.objects.exists()
