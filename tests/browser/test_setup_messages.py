"""The details page's setup messages follow the organization in a real browser: a user created
elsewhere takes the no-users warning off the open page, without a reload."""

import pytest
from playwright.sync_api import Page, expect

from organizations import views
from tests.browser.steps import ready, sign_in
from tests.factories import USER_PASSWORD, MembershipFactory, active_organization
from users.services import create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_no_users_warning_goes_once_a_user_is_created_elsewhere(
    page: Page, live_server, monkeypatch
) -> None:
    monkeypatch.setattr(views, "IDLE_POLL", 1)  # the settled page's poll, every second here
    admin = MembershipFactory()
    organization = active_organization(account=admin.account, alias="lively")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    ready(page)
    page.evaluate("window.notReloaded = true")
    warning = page.get_by_test_id("setup-no-users")
    expect(warning).to_contain_text("Your organization has no enabled users")
    expect(warning.get_by_role("link", name="Create user")).to_be_visible()
    clients = page.get_by_test_id("setup-clients").locator("details")
    clients.locator("summary").click()
    expect(clients.get_by_text("https://lively.awsapps.com/mail")).to_be_visible()

    create_user(
        organization=organization, name="ana", display_name="Ana", password=USER_PASSWORD,
        email="ana@lively.awsapps.com",
    )  # fmt: skip

    expect(warning).to_have_count(0, timeout=10_000)
    # The poll that brought the change kept what the reader had opened.
    expect(clients.get_by_text("imap.mail.us-east-1.awsapps.com")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
