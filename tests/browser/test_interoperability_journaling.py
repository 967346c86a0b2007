"""Organization settings' Interoperability and Journaling tabs in a browser: add an EWS
availability configuration (its fields shown for the type chosen), see it listed without its
password, remove it in a dialog; then turn journaling on with its two addresses."""

import pytest
from playwright.sync_api import Page, expect

from organizations.models import AvailabilityConfiguration, JournalingConfiguration
from tests.browser.steps import follow, ready, sign_in
from tests.factories import active_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Never-Shown-9"


def test_add_and_remove_an_availability_configuration_then_turn_journaling_on(
    page: Page, live_server, admin
) -> None:
    organization = active_organization(account=admin.account, alias="corp")
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    nav = page.get_by_role("navigation", name="Organization corp")
    follow(page, nav.get_by_role("link", name="Organization settings"))
    tabs = page.get_by_role("navigation", name="Organization settings")

    follow(page, tabs.get_by_role("link", name="Interoperability"))
    expect(tabs.get_by_role("link", name="Interoperability")).to_have_attribute(
        "aria-current", "page"
    )
    expect(nav.get_by_role("link", name="Organization settings")).to_have_attribute(
        "aria-current", "page"
    )
    follow(page, page.get_by_role("link", name="Add availability configuration").first)
    expect(page.get_by_label("ARN")).to_be_hidden()  # EWS is chosen: only its fields show
    page.get_by_label("CAP Lambda").check()
    expect(page.get_by_label("ARN")).to_be_visible()
    expect(page.get_by_label("EWS URL")).to_be_hidden()
    page.get_by_label("EWS", exact=True).check()
    page.get_by_label("Domain").fill("partner.example")
    page.get_by_label("EWS URL").fill("https://mail.partner.example/EWS/Exchange.asmx")
    page.get_by_label("User email address").fill("free-busy@partner.example")
    page.get_by_label("Password").fill(SECRET)
    follow(page, page.get_by_role("button", name="Save"))

    row = page.get_by_test_id("configuration")
    expect(row).to_contain_text("partner.example")
    expect(row).to_contain_text("https://mail.partner.example/EWS/Exchange.asmx")
    expect(row).to_contain_text("free-busy@partner.example")
    assert SECRET not in page.content()
    assert AvailabilityConfiguration.objects.get().ews_password == SECRET

    page.get_by_label("Select partner.example").check()
    page.get_by_role("button", name="Remove", exact=True).click()
    dialog = page.get_by_role("dialog", name="Remove availability configuration")
    expect(dialog).to_contain_text("partner.example")
    follow(page, dialog.get_by_role("button", name="Remove"))
    expect(
        page.get_by_text("The availability configuration for partner.example was removed.")
    ).to_be_visible()
    expect(page.get_by_test_id("configuration")).to_have_count(0)
    assert not AvailabilityConfiguration.objects.exists()

    follow(page, tabs.get_by_role("link", name="Journaling"))
    follow(page, page.get_by_role("link", name="Edit", exact=True))
    page.get_by_label("Journaling status").check()
    page.get_by_label("Journaling email address").fill("journal@provider.example")
    page.get_by_label("Report email address").fill("admin@corp.example")
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The changes apply immediately.")).to_be_visible()
    shown = page.get_by_test_id("journaling")
    expect(shown).to_contain_text("On")
    expect(shown).to_contain_text("journal@provider.example")
    expect(shown).to_contain_text("admin@corp.example")
    assert JournalingConfiguration.objects.get().enabled
