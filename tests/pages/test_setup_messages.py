"""Setup messages on the organization details page: each is there while its condition holds and
goes when it stops, on a reload and on the page's next poll."""

import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directories.lifecycle import Stage
from directories.models import DirectoryType
from domains.models import VerificationStatus
from keys.models import KeyState
from keys.services import cancel_key_deletion
from organizations.lifecycle import State
from organizations.models import DirectoryChoice, Organization
from tests.conftest import signed_in
from tests.factories import (
    USER_PASSWORD,
    DirectoryFactory,
    KeyFactory,
    MailDomainFactory,
    MailUserFactory,
    OrganizationFactory,
    active_organization,
)
from tests.html import VOID, texts
from users import resources
from users import services as users
from users.models import Resource, UserState

HTMX = {"HX-Request": "true"}


def shown(client: Client, organization: Organization, name: str) -> list[str]:
    """The text of each setup message `name` the details page shows."""
    page = client.get(organization.get_absolute_url())
    assert page.status_code == 200
    return texts(page.content.decode(), f"setup-{name}")


def links(client: Client, organization: Organization, name: str) -> dict[str, str]:
    """{words: href} of the links in the setup messages `name`."""
    parser = _Links(f"setup-{name}")
    parser.feed(client.get(organization.get_absolute_url()).content.decode())
    return parser.links


class _Links(HTMLParser):
    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.links = testid, {}
        self._depth = 0  # how deep inside a matching element; 0 outside
        self._href: str | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if self._depth or attributes.get("data-testid") == self.testid:
            self._depth += tag not in VOID
        if self._depth and tag == "a":
            self._href, self._words = attributes["href"], []

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "a" and self._href is not None:
            self.links[" ".join("".join(self._words).split())] = self._href
            self._href = None
        self._depth = max(self._depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._words.append(data)


def users_url(organization: Organization, name: str) -> str:
    return reverse(f"users:{name}", args=[organization.region, organization.organization_id])


def enabled_user(organization: Organization, name: str = "ana") -> None:
    MailUserFactory(
        directory=organization.directory, name=name, state=UserState.ENABLED,
        email=f"{name}@{organization.test_domain}",
    )  # fmt: skip


def set_state(organization: Organization, state: State, **fields: object) -> None:
    Organization.objects.filter(pk=organization.pk).update(state=state, **fields)


@pytest.fixture
def steady_minute() -> None:
    """The page's version tag counts the minute: start a poll test well inside one."""
    while datetime.now(UTC).second >= 55:
        time.sleep(0.5)


# --- No enabled users -----------------------------------------------------------------------


def test_an_active_organization_without_enabled_users_says_when_it_becomes_inactive(
    admin_client, admin, settings
) -> None:
    settings.WORKMAIL_INACTIVE_AFTER = timedelta(days=7)
    since = datetime(2026, 3, 1, 8, 30, 5, tzinfo=UTC)
    organization = active_organization(
        account=admin.account, alias="acme", no_enabled_users_since=since
    )
    [warning] = shown(admin_client, organization, "no-users")
    assert warning.startswith("Your organization has no enabled users")
    # AWS's words first; the date is this emulator's rule, labelled as such, apart.
    assert (
        "The test domain acme.awsapps.com might become available for registration and use by"
        " other customers if your organization does not maintain at least one enabled user."
    ) in warning
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    [note] = texts(page, "emulator-note")
    assert note.startswith("In this emulator (not AWS's rule): after 7 days")
    assert "(WORKMAIL_INACTIVE_AFTER)" in note
    assert "becomes Inactive on Mar 8, 2026, 08:30:05 UTC" in note
    assert "the test domain acme.awsapps.com and the alias acme are released" in note
    assert links(admin_client, organization, "no-users") == {
        "Create user": users_url(organization, "create")
    }


def test_the_warning_goes_once_a_user_is_enabled(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    assert shown(admin_client, organization, "no-users")
    enabled_user(organization)
    assert shown(admin_client, organization, "no-users") == []


def test_disabled_users_and_other_organizations_users_do_not_count(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    MailUserFactory(directory=organization.directory, state=UserState.DISABLED)
    enabled_user(active_organization(account=admin.account))
    assert len(shown(admin_client, organization, "no-users")) == 1


def test_an_ad_connector_organizations_users_are_enabled_not_created(admin_client, admin) -> None:
    organization = active_organization(
        account=admin.account, directory_type=DirectoryType.AD_CONNECTOR
    )
    [warning] = shown(admin_client, organization, "no-users")
    assert "Its users come from your directory: enable one of them." in warning
    assert links(admin_client, organization, "no-users") == {
        "Enable users": users_url(organization, "list")
    }


def test_an_impaired_organization_without_users_is_warned_without_create_user(
    admin_client, admin
) -> None:
    organization = active_organization(account=admin.account)
    set_state(organization, State.IMPAIRED, error_message="The KMS key is disabled.")
    [warning] = shown(admin_client, organization, "no-users")
    assert "Users can be created and enabled only in an Active organization." in warning
    assert links(admin_client, organization, "no-users") == {}


# --- Inactive -------------------------------------------------------------------------------


def test_an_inactive_organization_says_since_when_and_how_to_come_back(admin_client, admin) -> None:
    organization = active_organization(account=admin.account, alias="idle")
    released = datetime(2026, 4, 2, 10, 0, 0, tzinfo=UTC)
    set_state(organization, State.INACTIVE, alias_released_at=released)
    [inactive] = shown(admin_client, organization, "inactive")
    assert "Inactive since Apr 2, 2026, 10:00:00 UTC" in inactive
    assert "its alias idle and its test domain idle.awsapps.com were released" in inactive
    assert "Enabling a user makes it Active again, if no other organization has taken" in inactive
    assert links(admin_client, organization, "inactive") == {
        "Enable a user": users_url(organization, "list")
    }
    assert shown(admin_client, organization, "no-users") == []  # it said so already
    assert shown(admin_client, organization, "clients") == []

    set_state(organization, State.ACTIVE, alias_released_at=None)
    assert shown(admin_client, organization, "inactive") == []


# --- Unverified domains ---------------------------------------------------------------------


def test_each_unverified_domain_has_its_message_with_its_status(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    MailDomainFactory(organization=organization, name="b.example.com")
    failed = MailDomainFactory(
        organization=organization, name="a.example.com",
        ownership_status=VerificationStatus.FAILED,
    )  # fmt: skip
    a, b = shown(admin_client, organization, "domain")
    assert a.startswith("Domain a.example.com is not verified Ownership verification: Failed.")
    assert b.startswith("Domain b.example.com is not verified Ownership verification: Pending.")

    failed.ownership_status = VerificationStatus.VERIFIED
    failed.save()
    [b] = shown(admin_client, organization, "domain")
    assert "b.example.com" in b


def test_the_verified_test_domain_has_no_message(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    assert organization.mail_domains.get().is_test_domain
    assert shown(admin_client, organization, "domain") == []


def test_a_domain_name_is_shown_as_text_not_markup(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    MailDomainFactory(organization=organization, name="<b>x</b>.example.com")
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert "Domain &lt;b&gt;x&lt;/b&gt;.example.com is not verified" in page
    assert "<b>x</b>" not in page


# --- Email clients --------------------------------------------------------------------------


def test_an_active_organization_shows_each_email_clients_first_step(admin_client, admin) -> None:
    organization = active_organization(account=admin.account, alias="acme", region="eu-west-1")
    [clients] = shown(admin_client, organization, "clients")
    assert clients.startswith("Set up email clients")
    for step in (
        "Web app https://acme.awsapps.com/mail Copy Sign in with your user name, not your email"
        " address. User names are case-sensitive.",
        "Windows: open Control Panel and choose Mail (32-bit)",
        "Outlook for Mac: choose Tools > Accounts",
        "iOS Settings > Mail > Accounts > Add Account > Microsoft Exchange.",
        "Android Settings > Accounts > Add accounts > Exchange.",
        "macOS Mail System Preferences > Internet Accounts > Microsoft Exchange.",
        "Windows Mail Accounts > Add Account > Advanced Setup > Exchange ActiveSync.",
        "IMAP imap.mail.eu-west-1.awsapps.com Copy Incoming mail: port 993, SSL.",
        "SMTP smtp.mail.eu-west-1.awsapps.com Copy Outgoing mail: port 465, SSL. STARTTLS is"
        " not currently supported.",
    ):
        assert step in clients


@pytest.mark.parametrize("state", [State.IMPAIRED, State.INACTIVE, State.DELETING, State.DELETED])
def test_email_clients_are_set_up_only_while_active(admin_client, admin, state) -> None:
    organization = active_organization(account=admin.account)
    set_state(organization, state)
    assert shown(admin_client, organization, "clients") == []


@pytest.mark.parametrize("state", [State.REQUESTED, State.CREATING, State.VALIDATING])
def test_an_organization_being_created_has_no_setup_message(admin_client, admin, state) -> None:
    organization = OrganizationFactory(account=admin.account, state=state)
    MailDomainFactory(organization=organization)
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert 'data-testid="setup-' not in page


# --- Failed and Impaired: the reason and what to fix ----------------------------------------


def failed(admin, *, key_state: str = KeyState.ENABLED, **fields: object) -> Organization:
    """A Failed organization on a Simple AD and a customer key of the admin's account."""
    fields.setdefault("directory", DirectoryFactory(account=admin.account))
    return OrganizationFactory(
        account=admin.account, state=State.FAILED, error_message="Validation failed here.",
        encryption_key=KeyFactory(account=admin.account, key_state=key_state), **fields,
    )  # fmt: skip


def problem(client: Client, organization: Organization) -> str:
    [found] = shown(client, organization, "problem")
    return found


def test_a_failed_organization_says_why_and_that_it_must_be_created_again(
    admin_client, admin
) -> None:
    organization = failed(admin, key_state=KeyState.DISABLED)
    key = organization.encryption_key
    found = problem(admin_client, organization)
    assert found.startswith("Your organization could not be created Validation failed here.")
    assert f"KMS key The KMS key {key.arn} is disabled. Enable the key on its page." in found
    assert "Creation can't be retried: once this is fixed, delete this organization" in found
    assert links(admin_client, organization, "problem") == {
        "Open the key": key.get_absolute_url(),
        "Delete organization": organization.delete_url,
    }


def test_a_key_pending_deletion_is_to_be_canceled_then_enabled(admin_client, admin) -> None:
    organization = failed(admin, key_state=KeyState.PENDING_DELETION)
    assert "is pending deletion. Cancel key deletion on the key's page, then enable the key." in (
        problem(admin_client, organization)
    )
    cancel_key_deletion(organization.encryption_key)  # Disabled now
    assert "is disabled. Enable the key on its page." in problem(admin_client, organization)


def test_an_inoperable_directory_is_to_be_recovered(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, stage=Stage.INOPERABLE)
    organization = failed(admin, directory=directory)
    found = problem(admin_client, organization)
    assert (
        f"Directory The directory {directory.directory_id} is not Active (it is Inoperable)."
        " Recover the directory on its page."
    ) in found
    assert links(admin_client, organization, "problem")["Open the directory"] == (
        directory.get_absolute_url()
    )


def test_an_alias_that_does_not_match_the_directory_alias_is_explained(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, alias="corp-mail")
    organization = failed(
        admin, alias="acme", directory=directory, directory_choice=DirectoryChoice.EXISTING
    )
    assert (
        "Alias The organization alias acme must match the directory alias corp-mail of"
        f" {directory.directory_id}. Create the organization with the alias corp-mail, or on a"
        " directory whose alias is acme."
    ) in problem(admin_client, organization)


def test_a_failed_organization_whose_causes_are_fixed_still_must_be_created_again(
    admin_client, admin
) -> None:
    found = problem(admin_client, failed(admin))
    assert (
        "Its directory and key pass the checks now, but creation can't be retried: delete this"
        " organization and create it again."
    ) in found


def test_an_impaired_organization_returns_to_active_once_fixed(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, key_state=KeyState.DISABLED)
    organization = active_organization(account=admin.account, encryption_key=key)
    set_state(organization, State.IMPAIRED, error_message=f"The KMS key {key.arn} is disabled.")
    found = problem(admin_client, organization)
    assert found.startswith(f"Your organization is impaired The KMS key {key.arn} is disabled.")
    assert "Enable the key on its page." in found
    assert "Once this is fixed, the organization returns to Active by itself." in found
    assert links(admin_client, organization, "problem") == {"Open the key": key.get_absolute_url()}
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert page.count(f"The KMS key {key.arn} is disabled.") == 2  # reason, then the fix

    set_state(organization, State.ACTIVE, error_message="")
    assert shown(admin_client, organization, "problem") == []


# --- Who sees what --------------------------------------------------------------------------


def test_ops_see_the_messages_without_the_admins_actions(admin, ops) -> None:
    client = signed_in(ops)
    organization = active_organization(account=admin.account)
    assert shown(client, organization, "no-users")
    assert links(client, organization, "no-users") == {}
    broken = failed(admin, key_state=KeyState.DISABLED)
    assert "Enable the key on its page." in problem(client, broken)
    assert links(client, broken, "problem") == {
        "Open the key": broken.encryption_key.get_absolute_url()
    }


@pytest.mark.parametrize(
    ("state", "has_users"),
    [(State.ACTIVE, True), (State.INACTIVE, True), (State.IMPAIRED, False),
     (State.FAILED, False), (State.DELETED, False)],
)  # fmt: skip
def test_the_users_button_is_there_for_active_and_inactive_organizations(
    admin_client, admin, state, has_users
) -> None:
    organization = active_organization(account=admin.account)
    set_state(organization, state)
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert texts(page, "users-link") == (["Users"] if has_users else [])
    assert (f'href="{users_url(organization, "list")}"' in page) == has_users


# --- Live -----------------------------------------------------------------------------------


def poll(client: Client, organization: Organization, since: str = ""):
    params = {"since": since} if since else {}
    return client.get(organization.get_absolute_url(), params, headers=HTMX)


def version(response) -> str:
    return response.content.decode().split("since=", 1)[1].split('"', 1)[0]


def test_a_user_enabled_elsewhere_takes_the_warning_off_the_open_page(
    admin_client, admin, steady_minute
) -> None:
    organization = active_organization(account=admin.account)
    user = users.create_user(
        organization=organization, name="ana", display_name="Ana", password=USER_PASSWORD
    )  # without an address: created disabled
    first = poll(admin_client, organization)
    assert texts(first.content.decode(), "setup-no-users")
    assert poll(admin_client, organization, version(first)).status_code == 204

    users.enable_user(
        organization=organization, user_id=user.user_id, email=f"ana@{organization.test_domain}"
    )
    enabled = poll(admin_client, organization, version(first))
    assert enabled.status_code == 200
    assert texts(enabled.content.decode(), "setup-no-users") == []
    assert poll(admin_client, organization, version(enabled)).status_code == 204

    users.disable_user(organization=organization, user_id=user.user_id)
    disabled = poll(admin_client, organization, version(enabled))
    assert disabled.status_code == 200
    assert texts(disabled.content.decode(), "setup-no-users")


def test_a_domains_new_status_reaches_the_open_page(admin_client, admin, steady_minute) -> None:
    organization = active_organization(account=admin.account)
    domain = MailDomainFactory(organization=organization, name="corp.example.com")
    first = poll(admin_client, organization)
    assert poll(admin_client, organization, version(first)).status_code == 204

    domain.ownership_status = VerificationStatus.FAILED
    domain.save()
    failing = poll(admin_client, organization, version(first))
    assert failing.status_code == 200
    assert "Ownership verification: Failed." in texts(failing.content.decode(), "setup-domain")[0]

    domain.ownership_status = VerificationStatus.VERIFIED
    domain.save()
    verified = poll(admin_client, organization, version(failing))
    assert verified.status_code == 200
    assert texts(verified.content.decode(), "setup-domain") == []


def test_a_restarted_inactive_clock_brings_the_new_date(
    admin_client, admin, settings, steady_minute
) -> None:
    settings.WORKMAIL_INACTIVE_AFTER = timedelta(days=30)
    organization = active_organization(
        account=admin.account, no_enabled_users_since=datetime(2026, 5, 1, tzinfo=UTC)
    )
    first = poll(admin_client, organization)
    assert "May 31, 2026" in texts(first.content.decode(), "setup-no-users")[0]
    Organization.objects.filter(pk=organization.pk).update(
        no_enabled_users_since=datetime(2026, 6, 1, tzinfo=UTC)
    )
    later = poll(admin_client, organization, version(first))
    assert later.status_code == 200
    assert "Jul 1, 2026" in texts(later.content.decode(), "setup-no-users")[0]


def test_the_live_part_polls_and_holds_the_messages(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    fragment = poll(admin_client, organization).content.decode()
    assert fragment.lstrip().startswith('<div id="organization-live" hx-get=')
    assert 'hx-trigger="every 10s"' in fragment.lstrip().split(">", 1)[0]
    assert texts(fragment, "setup-no-users") and texts(fragment, "setup-clients")


# --- Cost -----------------------------------------------------------------------------------


def queries(client: Client, organization: Organization, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(organization.get_absolute_url(), headers=headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "poll"])
def test_the_page_costs_the_same_queries_however_many_users_and_domains(
    admin_client, admin, headers
) -> None:
    small = active_organization(account=admin.account)
    large = active_organization(account=admin.account)
    for n in range(30):
        MailUserFactory(directory=large.directory, state=UserState.DISABLED, name=f"u{n}")
    for n in range(10):
        MailDomainFactory(organization=large, name=f"d{n}.example.com")
    queries(admin_client, small, **headers)  # the session's first queries out of the way
    assert queries(admin_client, small, **headers) == queries(admin_client, large, **headers)
    assert len(shown(admin_client, large, "domain")) == 10


def test_a_failed_organization_costs_the_same_queries_however_many_share_its_directory(
    admin_client, admin
) -> None:
    alone = failed(admin, key_state=KeyState.DISABLED)
    shared = failed(admin, key_state=KeyState.DISABLED)
    for _ in range(5):
        OrganizationFactory(account=admin.account, directory=shared.directory, state=State.DELETED)
    queries(admin_client, alone)
    assert queries(admin_client, alone) == queries(admin_client, shared)


# --- Resources nobody answers ---------------------------------------------------------------


def test_a_resource_whose_last_delegate_went_gets_a_message_until_it_is_answered(
    admin_client, admin
) -> None:
    organization = active_organization(account=admin.account)
    domain = organization.test_domain
    jane = MailUserFactory(directory=organization.directory, name="jane",
                           state=UserState.ENABLED, email=f"jane@{domain}")  # fmt: skip
    room = resources.create_resource(organization=organization, name="room", resource_type="ROOM",
                                     email=f"room@{domain}")  # fmt: skip
    resources.associate_delegate(organization=organization, resource_id=room.pk, entity_id="jane")
    resources.update_resource(organization=organization, resource_id=room.pk,
                              auto_accept_requests=False)  # fmt: skip
    assert shown(admin_client, organization, "unanswered-resources") == []
    users.disable_user(organization=organization, user_id=jane.pk)  # the only delegate
    [message] = shown(admin_client, organization, "unanswered-resources")
    assert message.startswith("Some resources can't answer booking requests")
    assert "room Turn on Automatically accept all resource requests" in message
    resources.update_resource(organization=organization, resource_id=room.pk,
                              auto_accept_requests=True)  # fmt: skip
    assert shown(admin_client, organization, "unanswered-resources") == []


def test_the_resources_message_costs_one_query_however_many_resources(admin_client, admin) -> None:
    small = active_organization(account=admin.account)
    large = active_organization(account=admin.account)
    for n in range(12):
        Resource.objects.create(directory=large.directory, name=f"r{n}", state=UserState.ENABLED,
                                auto_accept_requests=False)  # fmt: skip
    queries(admin_client, small)
    assert queries(admin_client, small) == queries(admin_client, large)
    [message] = shown(admin_client, large, "unanswered-resources")
    assert message.count("View resource") == 5  # the first five, by name
