"""Confirmations are modal dialogs, as in AWS's console; without JavaScript the same buttons lead
to the confirmation page, which works on its own."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from domains.models import MailDomain
from keys.models import Key, KeyState
from organizations.lifecycle import State
from organizations.models import Organization
from tests.browser.steps import follow, ready, sign_in, signed_in_without_javascript
from tests.factories import (
    KeyFactory,
    MailDomainFactory,
    MembershipFactory,
    OrganizationFactory,
    active_organization,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GONE = {State.DELETING, State.DELETED}  # a worker (the suite's, if running) may be done already


def test_delete_organization_asks_in_a_dialog_on_the_list(page: Page, live_server, admin) -> None:
    organization = OrganizationFactory(account=admin.account, alias="doomed", state=State.ACTIVE)
    sign_in(page, live_server.url, admin)
    list_url = live_server.url + reverse("organizations:list", args=["us-east-1"])
    page.goto(list_url)
    ready(page)
    page.get_by_label("Select doomed").check()
    page.get_by_role("button", name="Delete", exact=True).click()

    dialog = page.get_by_role("dialog", name="Delete organization")
    expect(dialog).to_be_visible()
    assert page.url == list_url  # a dialog over the list, not another page
    assert page.evaluate("document.getElementById('confirm-dialog').matches(':modal')")
    expect(dialog.get_by_label("To confirm deletion, enter doomed")).to_be_focused()

    dialog.get_by_role("link", name="Cancel").click()  # closes it; nothing is deleted
    expect(dialog).to_be_hidden()
    assert page.url == list_url
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("dialog", name="Delete organization")).to_be_visible()
    page.keyboard.press("Escape")  # so does Escape
    expect(page.get_by_role("dialog", name="Delete organization")).to_be_hidden()
    organization.refresh_from_db()
    assert organization.state == State.ACTIVE

    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.get_by_role("dialog", name="Delete organization")
    dialog.get_by_label("To confirm deletion, enter doomed").fill("doomed")
    follow(page, dialog.get_by_role("button", name="Delete organization"))
    expect(page.get_by_text("Organization doomed is being deleted.")).to_be_visible()
    assert Organization.objects.get(pk=organization.pk).state in GONE


def test_a_refused_confirmation_shows_the_page_with_its_error(
    page: Page, live_server, admin
) -> None:
    organization = OrganizationFactory(account=admin.account, alias="kept", state=State.ACTIVE)
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + organization.get_absolute_url())
    ready(page)
    page.get_by_test_id("delete-link").click()
    dialog = page.get_by_role("dialog", name="Delete organization")
    dialog.get_by_label("To confirm deletion, enter kept").fill("not it")
    follow(page, dialog.get_by_role("button", name="Delete organization"))
    assert page.url.endswith(organization.delete_url)  # the page itself, with the error
    expect(page.locator(".field-error")).to_be_visible()
    assert Organization.objects.get(pk=organization.pk).state == State.ACTIVE


def test_remove_domain_says_up_front_it_is_the_default_and_keeps_the_token_out_of_urls(
    page: Page, live_server, admin
) -> None:
    organization = active_organization(account=admin.account)
    extra = MailDomainFactory(organization=organization, name="extra.example.com")
    sign_in(page, live_server.url, admin)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(
        live_server.url
        + reverse("domains:list", args=[organization.region, organization.organization_id])
    )
    ready(page)
    page.get_by_label(f"Select {organization.test_domain}").check()
    page.get_by_test_id("domain-actions").get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog", name="Remove domain")
    expect(dialog.get_by_test_id("remove-blocked")).to_contain_text("test domain")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.get_by_label("Select extra.example.com").check()
    page.get_by_test_id("domain-actions").get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog", name="Remove domain")
    expect(dialog.get_by_test_id("remove-blocked")).to_have_count(0)
    dialog.get_by_label("To confirm removal, enter extra.example.com").fill("extra.example.com")
    follow(page, dialog.get_by_role("button", name="Remove"))
    expect(page.get_by_text("Domain extra.example.com was removed.")).to_be_visible()
    assert not MailDomain.objects.filter(pk=extra.pk).exists()
    assert not [url for url in asked if "csrfmiddlewaretoken" in url]


def test_kms_disable_key_is_confirmed_in_a_dialog(page: Page, live_server, admin) -> None:
    key = KeyFactory(account=admin.account, alias="alias/mail")
    sign_in(page, live_server.url, admin)
    page.goto(live_server.url + key.get_absolute_url())
    ready(page)
    page.get_by_role("link", name="Disable", exact=True).click()
    dialog = page.get_by_role("dialog", name="Disable key")
    expect(dialog).to_be_visible()
    assert page.url == live_server.url + key.get_absolute_url()
    dialog.get_by_role("checkbox").check()
    follow(page, dialog.get_by_role("button", name="Disable key"))
    assert Key.objects.get(pk=key.pk).key_state == KeyState.DISABLED


def test_without_javascript_the_same_buttons_lead_to_the_confirmation_page(
    browser: Browser, live_server
) -> None:
    admin = MembershipFactory()
    organization = OrganizationFactory(account=admin.account, alias="plain", state=State.ACTIVE)
    page = signed_in_without_javascript(browser, live_server.url, admin)
    page.goto(live_server.url + reverse("organizations:list", args=["us-east-1"]))
    page.get_by_label("Select plain").check()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.wait_for_url(f"**{organization.delete_url}")
    assert page.locator("dialog[open]").count() == 0
    page.get_by_label("To confirm deletion, enter plain").fill("plain")
    page.get_by_role("button", name="Delete organization").click()
    expect(page.get_by_text("Organization plain is being deleted.")).to_be_visible()
    assert Organization.objects.get(pk=organization.pk).state in GONE
    page.context.close()
