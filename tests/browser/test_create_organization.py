"""The guide's "To create an organization" steps, followed by their labels in a real browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from organizations import services
from organizations.models import Organization
from tests.browser.steps import follow, ready, sign_in, signed_in_without_javascript
from tests.factories import DirectoryFactory, KeyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_creates_an_organization_and_watches_it_become_active(
    page: Page, live_server, watchable_worker
) -> None:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)

    # 1. Select a Region. 2. Organization. 3. Create organization.
    page.get_by_label("Select a Region").select_option("us-west-2")
    expect(page).to_have_url(re.compile(r"/us-west-2/organizations/$"))
    ready(page)
    follow(
        page,
        page.get_by_role("navigation", name="Amazon WorkMail").get_by_role(
            "link", name="Organizations"
        ),
    )
    follow(page, page.get_by_role("link", name="Create organization").first)

    # 4. Email domain: Free test domain (the default).
    expect(page.get_by_label("Free test domain")).to_be_checked()
    # 6. Alias, checked as you type.
    page.get_by_label("Alias").fill("acme")
    expect(page.locator("#alias-status")).to_have_text("acme.awsapps.com is available.")
    # 7-8. Advanced settings: the defaults.
    page.get_by_text("Advanced settings").click()
    expect(page.get_by_label("Create new Amazon WorkMail directory")).to_be_checked()
    expect(page.get_by_label("Use an Amazon WorkMail managed key")).to_be_checked()
    # 9. Create organization.
    follow(page, page.get_by_role("button", name="Create organization"))
    expect(page.get_by_text("Organization acme is being created.")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    row = page.locator("tr", has=page.get_by_role("link", name="acme"))
    badge = row.locator("[data-state]")
    expect(badge).to_have_text(re.compile("Requested|Creating|Validating"))
    expect(badge).to_have_text("Active", timeout=20_000)
    assert page.evaluate("window.notReloaded") is True
    expect(row).to_contain_text("acme.awsapps.com")

    organization = Organization.objects.get(alias="acme")
    assert organization.region == "us-west-2"
    assert [event.to_state for event in organization.events.all()] == [
        "Requested",
        "Creating",
        "Validating",
        "Active",
    ]

    follow(page, page.get_by_role("link", name="acme"))
    expect(page.get_by_test_id("organization-id")).to_have_text(organization.organization_id)
    expect(page.get_by_test_id("organization-arn")).to_have_text(
        f"arn:aws:workmail:us-west-2:{admin.account.account_id}"
        f":organization/{organization.organization_id}"
    )


def test_the_details_page_follows_the_state_without_reloading(
    page: Page, live_server, watchable_worker
) -> None:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)
    organization = services.create_organization(
        account=admin.account, region="us-east-1", alias="live"
    )
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    ready(page)
    page.evaluate("window.notReloaded = true")
    state = page.locator("#organization-summary [data-state]")
    expect(state).to_have_text(re.compile("Requested|Creating"))
    actions = page.get_by_test_id("organization-actions")
    expect(actions.get_by_role("link", name="Users")).to_have_count(0)  # not while it is created
    expect(page.get_by_test_id("directory-id")).to_have_text(re.compile(r"d-[0-9a-f]{10}"))
    expect(state).to_have_text("Active", timeout=20_000)
    expect(page.get_by_test_id("state-description")).to_have_text(
        "Your organization is healthy and ready for use."
    )
    # The header is part of the live page: Active brings its buttons without a reload.
    expect(actions.get_by_role("link", name="Users")).to_be_visible()
    expect(actions.get_by_role("link", name="Domains")).to_be_visible()
    expect(actions.get_by_role("link", name="Delete")).to_be_visible()
    # So is the organization's navigation: what lives inside it comes with Active.
    nav = page.get_by_role("navigation", name="Organization live")
    expect(nav.get_by_role("link", name="Users")).to_be_visible()
    expect(nav.get_by_role("link", name="Groups")).to_be_visible()
    # The time in Active so far ticks on by itself.
    so_far = page.get_by_test_id("event").last.locator("[data-ticking]")
    first = so_far.inner_text()
    expect(so_far).not_to_have_text(first, timeout=5_000)
    assert page.evaluate("window.notReloaded") is True


def test_another_accounts_member_gets_404_on_the_details_page(
    browser: Browser, live_server, celery_worker
) -> None:
    owner = MembershipFactory()
    organization = services.create_organization(
        account=owner.account, region="us-east-1", alias="private"
    )
    stranger = MembershipFactory()
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, stranger)
    response = page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text(organization.organization_id)).to_have_count(0)
    page.context.close()


DEPENDENT = ["hosted-zone-field", "domain-name-field", "existing-directories", "existing-keys"]


def shown(page: Page) -> list[str]:
    return [test_id for test_id in DEPENDENT if page.get_by_test_id(test_id).is_visible()]


def test_each_choices_own_fields_show_under_it_alone(page: Page, live_server) -> None:
    admin = MembershipFactory()
    DirectoryFactory(account=admin.account, alias="corp")
    KeyFactory(account=admin.account, alias="alias/mail")
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + reverse("organizations:create", args=["us-east-1"]))
    ready(page)
    page.get_by_text("Advanced settings").click()
    assert shown(page) == []  # Free test domain, new directory, managed key: nothing to add
    page.get_by_label("External domain").check()
    expect(page.get_by_test_id("domain-name-field")).to_be_visible()
    assert shown(page) == ["domain-name-field"]
    expect(page.get_by_text("With New Route 53 domain or External domain")).to_be_hidden()
    page.get_by_label("Existing Route 53 domain").check()
    expect(page.get_by_test_id("hosted-zone-field")).to_be_visible()
    assert shown(page) == ["hosted-zone-field"]
    page.locator("#directory_choice-existing").check()
    page.locator("#encryption_choice-existing").check()
    expect(page.get_by_test_id("existing-keys")).to_be_visible()
    assert shown(page) == ["hosted-zone-field", "existing-directories", "existing-keys"]
    page.get_by_label("Free test domain").check()
    expect(page.get_by_test_id("hosted-zone-field")).to_be_hidden()


def test_without_javascript_every_choices_fields_show_with_their_choice(
    browser: Browser, live_server
) -> None:
    admin = MembershipFactory()
    page = signed_in_without_javascript(browser, live_server.url, admin)
    page.goto(live_server.url + reverse("organizations:create", args=["us-east-1"]))
    page.get_by_text("Advanced settings").click()  # <details> opens without a script
    expect(page.get_by_test_id("existing-keys")).to_be_visible()
    assert shown(page) == DEPENDENT
    expect(page.get_by_text("With New Route 53 domain or External domain")).to_be_visible()
    page.context.close()
