"""The Region in a real browser: two tabs in two Regions, the selector without JavaScript or before
it loaded, and a live page that goes out of date."""

import re
import time

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from organizations.lifecycle import State
from organizations.models import Organization
from tests.browser.steps import follow, ready, sign_in, signed_in_without_javascript
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_tabs_work_in_two_regions_side_by_side(page: Page, live_server) -> None:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)
    dublin = page
    dublin.goto(f"{live_server.url}/eu-west-1/organizations/create/")
    ready(dublin)
    oregon = page.context.new_page()
    oregon.goto(f"{live_server.url}/us-east-1/organizations/")
    ready(oregon)
    oregon.get_by_label("Select a Region").select_option("us-west-2")
    expect(oregon).to_have_url(re.compile(r"/us-west-2/organizations/$"))

    dublin.get_by_label("Alias").fill("dublin-mail")
    follow(dublin, dublin.get_by_role("button", name="Create organization"))
    expect(dublin).to_have_url(re.compile(r"/eu-west-1/organizations/$"))
    expect(dublin.get_by_role("link", name="dublin-mail")).to_be_visible()
    assert Organization.objects.get(alias="dublin-mail").region == "eu-west-1"
    expect(dublin.get_by_label("Select a Region")).to_have_value("eu-west-1")

    follow(oregon, oregon.get_by_role("link", name="Organizations").first)
    expect(
        oregon.get_by_text("You don't have any organizations in US West (Oregon).")
    ).to_be_visible()


def test_the_region_selector_works_without_javascript(browser: Browser, live_server) -> None:
    admin = MembershipFactory()
    page = signed_in_without_javascript(browser, live_server.url, admin)
    page.get_by_label("Select a Region").select_option("eu-west-1")
    expect(page).to_have_url(re.compile(r"/us-east-1/organizations/$"))  # nothing submitted yet
    page.get_by_role("button", name="Select").click()
    expect(page).to_have_url(re.compile(r"/eu-west-1/organizations/$"))
    expect(page.get_by_label("Select a Region")).to_have_value("eu-west-1")
    page.context.close()


def test_the_select_button_is_hidden_once_the_script_runs(page: Page, live_server) -> None:
    sign_in(page, live_server.url, MembershipFactory())
    expect(page.get_by_role("button", name="Select", exact=True)).to_be_hidden()


def test_a_region_chosen_before_the_script_loaded_is_not_lost(page: Page, live_server) -> None:
    sign_in(page, live_server.url, MembershipFactory())
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r"/static/js/console\.js"), hold_the_first)
    page.goto(f"{live_server.url}/us-east-1/organizations/", wait_until="commit")
    page.get_by_label("Select a Region").select_option("us-west-2")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the page never asked for its script"
    held[0].continue_()
    expect(page).to_have_url(re.compile(r"/us-west-2/organizations/$"))
    ready(page)


def test_a_live_page_whose_organization_is_gone_stops_polling_and_says_so(
    page: Page, live_server
) -> None:
    admin = MembershipFactory()
    organization = OrganizationFactory(account=admin.account, state=State.CREATING)  # no worker
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    ready(page)
    polls: list[str] = []
    page.on(
        "request",
        lambda request: polls.append(request.url) if "organizations/m-" in request.url else None,
    )
    page.wait_for_timeout(2500)
    assert polls, "the details page did not poll while the organization was Creating"

    Organization.objects.filter(pk=organization.pk).update(account=AccountFactory())
    expect(page.get_by_role("alert")).to_contain_text("This page is out of date")
    expect(page.locator("#organization-summary [data-state]")).to_have_text("Creating")
    polls.clear()
    page.wait_for_timeout(5000)
    assert polls == [], f"it kept polling: {polls}"
