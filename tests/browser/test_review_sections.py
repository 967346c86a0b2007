"""The Review sections of Set up directory and Create key in a real browser: they follow what is
typed and chosen, never show a password, and without JavaScript show the page's values."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.browser.steps import ready, sign_in, signed_in_without_javascript
from tests.factories import MembershipFactory
from workmail_console.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Str0ng-Passw0rd"
MARKUP = "<b>x</b>"


def setup_url(kind: str) -> str:
    return reverse("directories:setup", args=["us-east-1"]) + f"?directory_type={kind}"


CREATE = reverse("keys:create", args=["us-east-1"])


def line(page: Page, label: str) -> Locator:
    """The Review section's value for `label`."""
    return page.get_by_test_id("review").locator(f"dt:text-is('{label}') + dd")


def open_page(page: Page, live_server, url: str) -> Membership:
    admin = MembershipFactory()
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + url)
    ready(page)
    return admin


def test_a_simple_ads_review_follows_what_is_typed_and_chosen(page: Page, live_server) -> None:
    open_page(page, live_server, setup_url("SimpleAD"))
    expect(line(page, "Directory size")).to_have_text("Small")
    page.get_by_label("Large").check()
    expect(line(page, "Directory size")).to_have_text("Large")
    page.get_by_label("Directory DNS name").fill(MARKUP)
    expect(line(page, "Directory DNS name")).to_have_text(MARKUP)  # text, not markup
    expect(page.get_by_test_id("review").locator("b")).to_have_count(0)
    page.get_by_label("Admin password").fill(PASSWORD)
    expect(line(page, "Admin password")).to_have_text("••••••")
    page.get_by_label("Amazon WorkSpaces").check()
    page.get_by_label("Amazon WorkDocs").check()
    expect(line(page, "Created by")).to_have_text("Amazon WorkDocs, Amazon WorkSpaces")
    page.get_by_label("Directory DNS name").fill("")
    expect(line(page, "Directory DNS name")).to_have_text("-")
    page.get_by_label("Admin password").fill("")
    expect(line(page, "Admin password")).to_have_text("-")
    assert PASSWORD not in page.get_by_test_id("review").inner_text()


def test_a_multi_region_directorys_review_shows_the_chosen_regions_name(
    page: Page, live_server
) -> None:
    open_page(page, live_server, setup_url("MultiRegionMicrosoftAD"))
    expect(line(page, "Primary Region")).to_have_text("-")
    page.get_by_label("Primary Region").select_option("eu-central-1")
    expect(line(page, "Primary Region")).to_have_text("Europe (Frankfurt) (eu-central-1)")
    page.get_by_label("Primary Region").select_option("")  # back to Choose a Region
    expect(line(page, "Primary Region")).to_have_text("-")


def test_the_key_review_follows_what_is_typed_and_chosen(page: Page, live_server) -> None:
    admin = open_page(page, live_server, CREATE)
    expect(line(page, "Key administrators")).to_have_text(admin.user.username)  # not "(you)"
    page.get_by_label("Asymmetric", exact=True).check()
    expect(line(page, "Key type")).to_have_text("Asymmetric")
    expect(line(page, "Key spec")).to_have_text("RSA_2048")
    page.get_by_label("Sign and verify").check()
    page.get_by_label("Key spec").select_option("ECC_NIST_P256")
    expect(line(page, "Key spec")).to_have_text("ECC_NIST_P256")
    expect(line(page, "Key usage")).to_have_text("Sign and verify")
    page.get_by_label("Alias").fill("mailboxes")
    expect(line(page, "Alias")).to_have_text("mailboxes")
    page.get_by_label("Description").fill(MARKUP)
    expect(line(page, "Description")).to_have_text(MARKUP)  # text, not markup
    expect(page.get_by_test_id("review").locator("b")).to_have_count(0)
    page.get_by_label(f"{admin.user.username} (you)").uncheck()
    expect(line(page, "Key administrators")).to_have_text("-")
    page.get_by_label("Symmetric", exact=True).check()  # its spec and usage are fixed
    expect(line(page, "Key spec")).to_have_text("SYMMETRIC_DEFAULT")
    expect(line(page, "Key usage")).to_have_text("Encrypt and decrypt")


def test_a_value_typed_before_the_script_loaded_is_reviewed(page: Page, live_server) -> None:
    sign_in(page, live_server.url, MembershipFactory())
    held: list[Route] = []
    page.route(re.compile(r"/static/js/review\.js"), lambda route: held.append(route))
    page.goto(live_server.url + CREATE, wait_until="commit")
    page.get_by_label("Alias").fill("mailboxes")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the page never asked for its script"
    expect(line(page, "Alias")).to_have_text("-")
    held[0].continue_()
    ready(page)
    expect(line(page, "Alias")).to_have_text("mailboxes")


def test_without_javascript_the_reviews_show_the_values_the_pages_hold(
    browser: Browser, live_server
) -> None:
    admin = MembershipFactory()
    page = signed_in_without_javascript(browser, live_server.url, admin)

    page.goto(live_server.url + CREATE)
    expect(line(page, "Key administrators")).to_have_text(admin.user.username)
    page.get_by_label("Description").fill(MARKUP)
    page.get_by_role("button", name="Create key").click()  # refused: no alias
    expect(page.get_by_text("Enter an alias for the key.")).to_be_visible()
    expect(line(page, "Description")).to_have_text(MARKUP)
    expect(line(page, "Key spec")).to_have_text("SYMMETRIC_DEFAULT")

    page.goto(live_server.url + setup_url("SimpleAD"))
    page.get_by_label("Large").check()
    page.get_by_label("Directory DNS name").fill("corp.example.com")
    page.get_by_label("Admin password").fill(PASSWORD)
    expect(line(page, "Directory size")).to_have_text("Small")  # nothing follows without a script
    page.get_by_role("button", name="Create directory").click()  # refused: not confirmed
    expect(page.get_by_text("The passwords do not match.")).to_be_visible()
    expect(line(page, "Directory size")).to_have_text("Large")
    expect(line(page, "Directory DNS name")).to_have_text("corp.example.com")
    expect(line(page, "Admin password")).to_have_text("-")
    page.context.close()
