"""Users pages: the list, Create user, a user's details, Enable, Disable, Reset password and
Delete, as an admin, as ops and as a member of another account, in organizations of every kind
and state."""

import uuid

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from directories.models import DirectoryType
from domains.models import VerificationStatus
from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import (
    USER_PASSWORD,
    MailDomainFactory,
    MailUserFactory,
    active_organization,
)
from tests.html import key_values, text, texts
from users.models import User as MailUser
from users.models import UserState
from workmail_console.models import Membership

PASSWORD = "Str0ng-Passw0rd"
USER_ACTIONS = ["detail", "enable", "disable", "reset-password", "delete"]


def url(name: str, organization: Organization, user: MailUser | uuid.UUID | None = None) -> str:
    args = [organization.region, organization.organization_id]
    if user is not None:
        args.append(getattr(user, "user_id", user))
    return reverse(f"users:{name}", args=args)


def form(organization: Organization, name: str = "jane", **fields: str) -> dict[str, str]:
    """What a person fills in Create user: the address pre-filled from the name."""
    return {
        "name": name, "first_name": "", "last_name": "", "display_name": name.title(),
        "email": name, "domain": organization.test_domain, "password": PASSWORD,
        "repeat_password": PASSWORD, **fields,
    }  # fmt: skip


def users_of(organization: Organization) -> list[str]:
    return sorted(MailUser.objects.filter(directory=organization.directory).values_list("name"))


def flash(response) -> str:
    return " ".join(m.message for m in response.context["messages"])


def user(organization: Organization, **fields: object) -> MailUser:
    """A user of the organization: enabled, at its test domain, unless told."""
    fields.setdefault("name", f"user{uuid.uuid4().hex[:6]}")
    if fields.setdefault("state", UserState.ENABLED) != UserState.DISABLED:
        fields.setdefault("email", f"{fields['name']}@{organization.test_domain}")
    return MailUserFactory(directory=organization.directory, **fields)


@pytest.fixture
def organization(admin: Membership) -> Organization:
    return active_organization(account=admin.account)


# --- Create user -----------------------------------------------------------------------------


def test_create_user_makes_an_enabled_user_with_a_hashed_password_and_says_so(
    admin_client: Client, organization: Organization
) -> None:
    response = admin_client.post(
        url("create", organization), form(organization, first_name="Jane", last_name="Doe"),
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain == [(url("list", organization), 302)]
    assert flash(response) == "User jane was created."
    row = text(response.content.decode(), "user")
    assert row == f"jane Jane jane@{organization.test_domain} Enabled User"
    created = MailUser.objects.get()
    assert (created.first_name, created.last_name) == ("Jane", "Doe")
    assert check_password(PASSWORD, created.password) and PASSWORD not in created.password


def test_an_empty_email_address_is_the_user_name_at_the_chosen_domain(
    admin_client: Client, organization: Organization
) -> None:
    admin_client.post(url("create", organization), form(organization, "j.doe", email=""))
    assert MailUser.objects.get().email == f"j.doe@{organization.test_domain}"


def test_the_domain_list_offers_the_verified_domains_the_default_first(
    admin_client: Client, organization: Organization
) -> None:
    MailDomainFactory(organization=organization, name="a.example.com",
                      ownership_status=VerificationStatus.VERIFIED)  # fmt: skip
    MailDomainFactory(organization=organization, name="pending.example.com")
    page = admin_client.get(url("create", organization)).content.decode()
    options = texts(page, "email-field")[0]
    assert options.endswith(f"@ Domain {organization.test_domain} a.example.com")
    assert "pending.example.com" not in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abcde1!", "The password must be at least 8 characters long."),
        ("Aa1" + "x" * 61, "The password must be fewer than 64 characters long."),
        ("Zażółć-gęślą1", "The password can contain only Basic Latin and Latin-1 Supplement"),
        ("Smile-😀-123", "The password can contain only Basic Latin and Latin-1 Supplement"),
        ("Bell\x07-Pass1", "The password can contain only Basic Latin and Latin-1 Supplement"),
        ("only-lowercase-and-symbols", "must contain characters from at least three of these"),
        ("Jane-Is-Here-1", "The password can't contain the user name."),
        ("", "Enter a password."),
    ],
)
def test_each_password_rule_shows_under_the_password_and_nothing_is_written(
    admin_client: Client, organization: Organization, password: str, message: str
) -> None:
    response = admin_client.post(
        url("create", organization),
        form(organization, password=password, repeat_password=password),
    )
    assert response.status_code == 400
    assert message in text(response.content.decode(), "password-error")
    assert users_of(organization) == []


@pytest.mark.parametrize("password", ["Ünïcödé-wörds", "ÉCOLE-école", "Señor-1234"])
def test_latin1_letters_count_as_a_group(
    admin_client: Client, organization: Organization, password: str
) -> None:
    data = form(organization, password=password, repeat_password=password)
    assert admin_client.post(url("create", organization), data).status_code == 302


def test_repeat_password_must_match(admin_client: Client, organization: Organization) -> None:
    response = admin_client.post(
        url("create", organization), form(organization, repeat_password=PASSWORD + "!")
    )
    assert text(response.content.decode(), "repeat_password-error") == "The passwords don't match."
    assert users_of(organization) == []


def test_passwords_are_never_sent_back(admin_client: Client, organization: Organization) -> None:
    response = admin_client.post(url("create", organization), form(organization, display_name=""))
    page = response.content.decode()
    assert text(page, "display_name-error") == "Enter a display name."
    assert PASSWORD not in page


@pytest.mark.parametrize("action", ["create", "reset-password"])
def test_error_reports_hide_the_passwords_posted(
    admin_client: Client, organization: Organization, action: str
) -> None:
    someone = user(organization) if action == "reset-password" else None
    response = admin_client.post(url(action, organization, someone), form(organization))
    posted = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    hidden = SafeExceptionReporterFilter.cleansed_substitute
    assert [posted[f] for f in ("password", "repeat_password", "name")] == [hidden, hidden, "jane"]


def test_every_field_error_shows_at_once(admin_client: Client, organization: Organization) -> None:
    response = admin_client.post(
        url("create", organization),
        form(organization, name="bad name", display_name="", email="a b", password="short"),
    )
    page = response.content.decode()
    for field in ("name", "display_name", "email", "password"):
        assert texts(page, f"{field}-error"), f"no error under {field}"


def test_user_names_are_unique_in_the_directory_whatever_the_case(
    admin_client: Client, organization: Organization
) -> None:
    admin_client.post(url("create", organization), form(organization, "jane"))
    response = admin_client.post(
        url("create", organization), form(organization, "JANE", email="jd")
    )
    assert response.status_code == 400
    error = text(response.content.decode(), "name-error")
    assert error == "The user name JANE is already used in this organization's directory."
    assert users_of(organization) == [("jane",)]


def test_a_deleted_users_name_and_address_are_free_again(
    admin_client: Client, organization: Organization
) -> None:
    user(organization, name="jane", state=UserState.DELETED,
         email=f"jane@{organization.test_domain}")  # fmt: skip
    assert admin_client.post(url("create", organization), form(organization)).status_code == 302


def test_addresses_are_unique_in_the_organization_whatever_the_case(
    admin_client: Client, organization: Organization
) -> None:
    user(organization, name="jane", state=UserState.DISABLED,
         email=f"jane@{organization.test_domain}")  # fmt: skip
    response = admin_client.post(
        url("create", organization), form(organization, "john", email="JANE")
    )
    assert response.status_code == 400
    assert text(response.content.decode(), "email-error") == (
        f"The email address JANE@{organization.test_domain} is already used by another user."
    )
    assert users_of(organization) == [("jane",)]


def test_an_address_another_organizations_user_has_on_a_shared_domain_is_in_use(
    admin_client: Client, admin: Membership, organization: Organization
) -> None:
    # One domain is one organization's per Region: the other has it in another Region.
    other = active_organization(account=admin.account, region="eu-west-1")
    for owner in (organization, other):
        MailDomainFactory(organization=owner, name="shared.example.com",
                          ownership_status=VerificationStatus.VERIFIED)  # fmt: skip
    user(other, name="boss", email="boss@shared.example.com")
    response = admin_client.post(
        url("create", organization),
        form(organization, "chief", email="boss", domain="shared.example.com"),
    )
    assert "is already used by another user" in text(response.content.decode(), "email-error")
    assert users_of(organization) == []


def test_an_address_on_a_domain_that_is_not_verified_is_refused(
    admin_client: Client, organization: Organization
) -> None:
    MailDomainFactory(organization=organization, name="pending.example.com")
    response = admin_client.post(
        url("create", organization), form(organization, domain="pending.example.com")
    )
    assert text(response.content.decode(), "email-error") == (
        "The domain pending.example.com is not verified. Choose a verified domain."
    )
    assert users_of(organization) == []


def test_an_address_on_another_organizations_domain_is_not_found(
    admin_client: Client, admin: Membership, organization: Organization
) -> None:
    other = active_organization(account=admin.account)
    response = admin_client.post(
        url("create", organization), form(organization, domain=other.test_domain)
    )
    assert text(response.content.decode(), "email-error") == (
        f"The domain {other.test_domain} is not a domain of organization {organization.alias}."
    )
    assert users_of(organization) == []


HOSTILE = [
    ("name", "ja\x00ne", "name-error"),
    ("name", "x" * 10_000, "name-error"),
    ("name", "<script>alert(1)</script>", "name-error"),
    ("display_name", "Jane\x00", "display_name-error"),
    ("display_name", "J" * 10_000, "display_name-error"),
    ("first_name", "x" * 10_000, "first_name-error"),
    ("last_name", "\x00", "last_name-error"),
    ("email", "jösé", "email-error"),
    ("email", "ｊａｎｅ", "email-error"),  # noqa: RUF001
    ("email", "ja\x00ne", "email-error"),
    ("email", "<script>", "email-error"),
    ("email", "x" * 10_000, "email-error"),
    ("domain", "bücher.example", "email-error"),
    ("domain", "xn--bcher-kva.example", "email-error"),
    ("domain", "elsewhere.example.com", "email-error"),
    ("domain", "\x00", "email-error"),
    ("domain", "", "email-error"),
    ("password", "P" * 10_000 + "a1", "password-error"),
    ("password", "Pass\x00word1", "password-error"),
]


@pytest.mark.parametrize(("field", "value", "error"), HOSTILE)
def test_hostile_input_gets_a_field_error_and_writes_nothing(
    admin_client: Client, organization: Organization, field: str, value: str, error: str
) -> None:
    data = form(organization, **{field: value})
    if field == "password":
        data["repeat_password"] = value
    response = admin_client.post(url("create", organization), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert texts(page, error)
    assert "<script>alert" not in page
    if len(value) > 2_000:
        assert value[:2_000] not in page  # 10 kB are not echoed back whole
    assert users_of(organization) == []


def test_ad_connector_organizations_have_no_create_user(admin_client: Client, admin) -> None:
    organization = active_organization(account=admin.account,
                                       directory_type=DirectoryType.AD_CONNECTOR)  # fmt: skip
    assert "Create user" not in admin_client.get(url("list", organization)).content.decode()
    for response in (
        admin_client.get(url("create", organization)),
        admin_client.post(url("create", organization), form(organization)),
    ):
        assert "You can't create users in an organization that uses an AD Connector" in text(
            response.content.decode(), "unavailable"
        )
    assert users_of(organization) == []


# --- Organizations that are not Active -------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [State.REQUESTED, State.CREATING, State.VALIDATING, State.FAILED, State.IMPAIRED,
     State.DELETING],
)  # fmt: skip
def test_an_organization_that_is_not_active_shows_the_consoles_error_and_writes_nothing(
    admin_client: Client, admin: Membership, state: State
) -> None:
    organization = active_organization(account=admin.account, state=state)
    someone = user(organization, name="someone", state=UserState.DISABLED)
    error = f"The organization {organization.alias} is not Active. It is {state}."
    page = admin_client.get(url("list", organization)).content.decode()
    assert text(page, "unavailable").startswith(error)
    assert "someone" not in page and "Create user" not in page
    responses = [admin_client.post(url("create", organization), form(organization))]
    for action in ("enable", "disable", "reset-password", "delete"):
        responses.append(admin_client.get(url(action, organization, someone)))
        data = {**form(organization), "confirmation": "someone"}
        responses.append(admin_client.post(url(action, organization, someone), data))
    for response in responses:
        assert text(response.content.decode(), "unavailable").startswith(error)
    someone.refresh_from_db()
    assert someone.state == UserState.DISABLED and users_of(organization) == [("someone",)]


def test_an_inactive_organization_lists_its_users_and_only_enables_them(
    admin_client: Client, admin: Membership
) -> None:
    organization = active_organization(account=admin.account, state=State.INACTIVE)
    organization.mail_domains.all().delete()  # released with the alias
    Organization.objects.filter(pk=organization.pk).update(
        alias_released_at=organization.created_date
    )
    someone = user(organization, name="someone", state=UserState.DISABLED)
    page = admin_client.get(url("list", organization)).content.decode()
    assert text(page, "not-active") == (
        f"The organization {organization.alias} is not Active. It is Inactive because it had no"
        " enabled user for too long. Enable one of its users to make it Active again."
    )
    assert text(page, "user-actions") == "Enable"
    assert text(page, "user") == "someone Someone - Disabled User"
    enable = admin_client.get(url("enable", organization, someone)).content.decode()
    assert f'<option value="{organization.test_domain}" selected>' in enable  # to come back
    response = admin_client.post(
        url("enable", organization, someone),
        {"email": "someone", "domain": organization.test_domain},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.state == State.ACTIVE
    someone.refresh_from_db()
    assert someone.email == f"someone@{organization.test_domain}"


@pytest.mark.parametrize("name", ["list", "create"])
def test_a_deleted_organizations_users_are_not_found(admin_client: Client, admin, name) -> None:
    organization = active_organization(account=admin.account, state=State.DELETED)
    assert admin_client.get(url(name, organization)).status_code == 404


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_consoles_columns_and_badges(
    admin_client: Client, organization: Organization
) -> None:
    user(organization, name="amy", display_name="Amy A")
    user(organization, name="bob", display_name="Bob B", state=UserState.DISABLED)
    user(organization, name="cid", state=UserState.DELETED)
    response = admin_client.get(url("list", organization))
    page = response.content.decode()
    assert text(page, "user-count") == "(2)"
    assert texts(page, "user") == [
        f"amy Amy A amy@{organization.test_domain} Enabled User",
        "bob Bob B - Disabled User",
    ]
    assert '<span class="status status-success" data-state="ENABLED">' in page
    assert '<span class="status status-stopped" data-state="DISABLED">' in page
    crumbs = page[page.index('class="breadcrumbs"') :].split("</nav>")[0]
    assert ">Organizations</a>" in crumbs and f">{organization.alias}</a>" in crumbs
    assert crumbs.rstrip().endswith("<span>Users</span>")


def test_the_list_filters_by_name_display_name_or_address_and_by_state(
    admin_client: Client, organization: Organization
) -> None:
    user(organization, name="amy", display_name="Amy Pond")
    user(organization, name="rory", display_name="Rory Williams", state=UserState.DISABLED)
    user(organization, name="river", display_name="River Song", email="melody@x.example")
    user(organization, name="gone", state=UserState.DELETED)

    def names(**query: str) -> list[str]:
        page = admin_client.get(url("list", organization), query).content.decode()
        return [row.split()[0] for row in texts(page, "user")]

    assert names(search="R") == ["river", "rory"]
    assert names(search="pond") == ["amy"]
    assert names(search="MELODY") == ["river"]
    assert names(state="DISABLED") == ["rory"]
    assert names(state="ENABLED", search="r") == ["river"]
    assert names(state="DELETED") == ["gone"]
    assert names(search="nobody") == []


def test_the_list_is_paginated_and_its_pages_keep_the_filter(
    admin_client: Client, organization: Organization
) -> None:
    for number in range(60):
        user(organization, name=f"person{number:02}", state=UserState.DISABLED)
    user(organization, name="elsewhere")
    first = admin_client.get(url("list", organization), {"state": "DISABLED"}).content.decode()
    assert text(first, "user-count") == "(60)"
    assert len(texts(first, "user")) == 25
    assert 'href="?state=DISABLED&amp;page=2" rel="next"' in first
    third = admin_client.get(url("list", organization), {"state": "DISABLED", "page": 3})
    page = third.content.decode()
    assert "Page 3 of 3" in page
    assert [row.split()[0] for row in texts(page, "user")] == [f"person{n}" for n in range(50, 60)]


@pytest.mark.parametrize("search", ["ja\x00ne", "x" * 10_000, "<script>", "%", "_"])
def test_any_search_is_answered(admin_client: Client, organization: Organization, search) -> None:
    user(organization, name="jane")
    response = admin_client.get(url("list", organization), {"search": search})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1]


def test_the_list_runs_the_same_queries_for_5_or_60_users(
    admin: Membership, organization: Organization
) -> None:
    client = signed_in(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("list", organization)).status_code == 200
        return len(captured)

    for number in range(5):
        user(organization, name=f"few{number}")
    few = queries()
    for number in range(55):
        user(organization, name=f"many{number}", state=UserState.DISABLED)
    assert queries() == few


def test_ops_read_the_list_without_actions(ops: Membership, organization: Organization) -> None:
    someone = user(organization, name="someone")
    client = signed_in(ops)
    page = client.get(url("list", organization)).content.decode()
    assert text(page, "user") == f"someone Someone someone@{organization.test_domain} Enabled User"
    assert "Create user" not in page and 'type="radio"' not in page
    assert 'data-testid="user-actions"' not in page
    detail = client.get(url("detail", organization, someone)).content.decode()
    assert 'data-testid="user-actions"' not in detail
    assert client.get(url("create", organization)).status_code == 403


def test_a_selected_row_and_an_action_open_that_actions_page(
    admin_client: Client, organization: Organization
) -> None:
    someone = user(organization)
    selected = url("selected", organization)
    response = admin_client.get(selected, {"user_id": str(someone.user_id), "action": "disable"})
    assert response.url == url("disable", organization, someone)
    response = admin_client.get(selected, {"action": "disable"}, follow=True)
    assert flash(response) == "Select a user."
    response = admin_client.get(selected, {"user_id": str(someone.user_id), "action": "x"})
    assert response.url == url("list", organization)


def test_each_row_says_which_actions_apply_to_it(
    admin_client: Client, organization: Organization
) -> None:
    enabled = user(organization)
    disabled = user(organization, state=UserState.DISABLED)
    deleted = user(organization, state=UserState.DELETED)
    page = admin_client.get(url("list", organization), {"state": ""}).content.decode()
    assert f'value="{enabled.user_id}"' in page and f'value="{disabled.user_id}"' in page

    def actions(row: MailUser) -> set[str]:
        tag = page[page.index(f'value="{row.user_id}"') :].split(">")[0]
        return set(tag.split('data-actions="')[1].split('"')[0].split())

    assert actions(enabled) == {"disable", "reset-password"}
    assert actions(disabled) == {"enable", "reset-password", "delete"}
    deleted_page = admin_client.get(url("list", organization), {"state": "DELETED"})
    assert f'value="{deleted.user_id}"' not in deleted_page.content.decode()


# --- A user's details and actions ----------------------------------------------------------


def test_the_details_page_shows_the_user(admin_client: Client, organization: Organization) -> None:
    someone = user(organization, name="jdoe", display_name="Jane Doe", first_name="Jane",
                   last_name="Doe")  # fmt: skip
    page = admin_client.get(url("detail", organization, someone)).content.decode()
    fields = key_values(page)
    assert fields["User ID"] == f"{someone.user_id} Copy"
    assert fields["User name"] == "jdoe" and fields["Display name"] == "Jane Doe"
    assert (fields["First name"], fields["Last name"]) == ("Jane", "Doe")
    assert fields["Email address"] == f"jdoe@{organization.test_domain}"
    assert (fields["State"], fields["Role"]) == ("Enabled", "User")
    assert fields["Disabled date"] == "-" and fields["Created date"].endswith("UTC")
    assert text(page, "user-actions") == "Disable Reset password"


def test_enable_offers_the_users_name_at_the_default_domain_and_enables_it(
    admin_client: Client, organization: Organization
) -> None:
    someone = user(organization, name="jdoe", state=UserState.DISABLED)
    page = admin_client.get(url("enable", organization, someone)).content.decode()
    assert 'name="email" id="id_email" value="jdoe"' in page
    assert f'<option value="{organization.test_domain}" selected>' in page
    data = {"email": "jane.doe", "domain": organization.test_domain}
    response = admin_client.post(url("enable", organization, someone), data, follow=True)
    assert flash(response) == "User jdoe was enabled."
    fields = key_values(response.content.decode())
    assert fields["State"] == "Enabled"
    assert fields["Email address"] == f"jane.doe@{organization.test_domain}"
    organization.refresh_from_db()
    assert organization.no_enabled_users_since is None


def test_enable_offers_a_disabled_users_own_address(
    admin_client: Client, organization: Organization
) -> None:
    MailDomainFactory(organization=organization, name="corp.example.com",
                      ownership_status=VerificationStatus.VERIFIED)  # fmt: skip
    someone = user(organization, state=UserState.DISABLED, email="boss@corp.example.com")
    page = admin_client.get(url("enable", organization, someone)).content.decode()
    assert 'value="boss"' in page and '<option value="corp.example.com" selected>' in page


def test_enable_on_an_unverified_domain_is_refused_under_the_address(
    admin_client: Client, organization: Organization
) -> None:
    MailDomainFactory(organization=organization, name="pending.example.com")
    someone = user(organization, state=UserState.DISABLED)
    response = admin_client.post(
        url("enable", organization, someone), {"email": "x", "domain": "pending.example.com"}
    )
    assert response.status_code == 400
    assert "is not verified" in text(response.content.decode(), "email-error")
    someone.refresh_from_db()
    assert someone.state == UserState.DISABLED


def test_disable_asks_then_disables(admin_client: Client, organization: Organization) -> None:
    someone = user(organization, name="jdoe")
    page = admin_client.get(url("disable", organization, someone)).content.decode()
    assert "When you disable an account, it immediately becomes inaccessible." in page
    someone.refresh_from_db()
    assert someone.state == UserState.ENABLED  # asking changed nothing
    response = admin_client.post(url("disable", organization, someone), follow=True)
    assert flash(response) == "User jdoe was disabled."
    assert key_values(response.content.decode())["State"] == "Disabled"
    organization.refresh_from_db()
    assert organization.no_enabled_users_since is not None  # its last enabled user


def test_reset_password_applies_the_policy_and_stores_a_new_hash(
    admin_client: Client, organization: Organization
) -> None:
    someone = user(organization, name="jdoe")
    refused = admin_client.post(
        url("reset-password", organization, someone),
        {"password": "JDOE-was-here1", "repeat_password": "JDOE-was-here1"},
    )
    assert text(refused.content.decode(), "password-error") == (
        "The password can't contain the user name."
    )
    response = admin_client.post(
        url("reset-password", organization, someone),
        {"password": "N3w-Password", "repeat_password": "N3w-Password"},
        follow=True,
    )
    assert flash(response) == "The password of user jdoe was reset."
    someone.refresh_from_db()
    assert check_password("N3w-Password", someone.password)
    assert "N3w-Password" not in response.content.decode()


def test_only_a_disabled_user_can_be_deleted(
    admin_client: Client, organization: Organization
) -> None:
    someone = user(organization, name="jdoe")
    for response in (
        admin_client.get(url("delete", organization, someone)),
        admin_client.post(url("delete", organization, someone), {"confirmation": "jdoe"}),
    ):
        assert text(response.content.decode(), "problem") == (
            "You can delete only a disabled user. User jdoe is enabled: disable it first."
        )
    someone.refresh_from_db()
    assert someone.state == UserState.ENABLED
    assert "Delete" not in text(
        admin_client.get(url("detail", organization, someone)).content.decode(), "user-actions"
    )


def test_delete_asks_for_the_user_name_then_deletes_the_disabled_user(
    admin_client: Client, organization: Organization
) -> None:
    someone = user(organization, name="jdoe", state=UserState.DISABLED)
    wrong = admin_client.post(url("delete", organization, someone), {"confirmation": "JDOE"})
    assert wrong.status_code == 400
    assert text(wrong.content.decode(), "confirmation-error") == (
        "Enter jdoe exactly as shown to confirm deletion."
    )
    someone.refresh_from_db()
    assert someone.state == UserState.DISABLED
    response = admin_client.post(
        url("delete", organization, someone), {"confirmation": "jdoe"}, follow=True
    )
    assert flash(response) == "User jdoe was deleted."
    assert texts(response.content.decode(), "user") == []
    someone.refresh_from_db()
    assert someone.state == UserState.DELETED
    page = admin_client.get(url("detail", organization, someone)).content.decode()
    assert key_values(page)["State"] == "Deleted" and 'data-testid="user-actions"' not in page


def test_ad_connector_users_can_only_be_enabled_or_disabled(
    admin_client: Client, admin: Membership
) -> None:
    organization = active_organization(account=admin.account,
                                       directory_type=DirectoryType.AD_CONNECTOR)  # fmt: skip
    someone = user(organization, name="jdoe", state=UserState.DISABLED)
    page = admin_client.get(url("detail", organization, someone)).content.decode()
    assert text(page, "user-actions") == "Enable"
    listed = admin_client.get(url("list", organization)).content.decode()
    assert text(listed, "user-actions") == "Enable Disable"
    for action, words in (("reset-password", "reset passwords"), ("delete", "delete users")):
        data = {"password": PASSWORD, "repeat_password": PASSWORD, "confirmation": "jdoe"}
        response = admin_client.post(url(action, organization, someone), data)
        assert response.status_code == 400
        assert text(response.content.decode(), "problem").startswith(
            f"You can't {words} in an organization that uses an AD Connector directory."
        )
    someone.refresh_from_db()
    assert someone.state == UserState.DISABLED and check_password(USER_PASSWORD, someone.password)
    admin_client.post(
        url("enable", organization, someone), {"email": "jdoe", "domain": organization.test_domain}
    )
    someone.refresh_from_db()
    assert someone.state == UserState.ENABLED


# --- Who may see and do what ------------------------------------------------------------------


def test_anonymous_people_are_asked_to_sign_in(client: Client, organization) -> None:
    response = client.get(url("list", organization))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_another_accounts_member_gets_404_on_every_user_url(
    stranger: Membership, organization: Organization, name: str
) -> None:
    someone = user(organization, state=UserState.DISABLED)
    client = signed_in(stranger)
    data = {**form(organization), "confirmation": someone.name}
    assert client.get(url(name, organization, someone)).status_code == 404
    assert client.post(url(name, organization, someone), data).status_code in (404, 405)
    for organization_url in ("list", "create", "selected"):
        assert client.get(url(organization_url, organization)).status_code == 404
        assert client.post(url(organization_url, organization), data).status_code in (404, 405)
    assert MailUser.objects.values_list("state").get(pk=someone.pk) == (UserState.DISABLED,)
    assert users_of(organization) == [(someone.name,)]


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_a_user_outside_the_organizations_directory_is_not_found(
    admin_client: Client, admin: Membership, organization: Organization, name: str
) -> None:
    other = active_organization(account=admin.account)
    theirs = user(other, state=UserState.DISABLED)
    data = {**form(organization), "confirmation": theirs.name}
    assert admin_client.get(url(name, organization, theirs)).status_code == 404
    assert admin_client.post(url(name, organization, theirs), data).status_code in (404, 405)
    assert admin_client.get(url(name, organization, uuid.uuid4())).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == UserState.DISABLED


@pytest.mark.parametrize("name", ["enable", "disable", "reset-password", "delete"])
def test_ops_can_not_act_on_users(ops: Membership, organization: Organization, name: str) -> None:
    someone = user(organization, state=UserState.DISABLED)
    client = signed_in(ops)
    data = {**form(organization), "confirmation": someone.name}
    assert client.get(url(name, organization, someone)).status_code == 403
    assert client.post(url(name, organization, someone), data).status_code == 403
    assert client.post(url("create", organization), form(organization)).status_code == 403
    someone_now = MailUser.objects.get(pk=someone.pk)
    assert (someone_now.state, someone_now.password) == (someone.state, someone.password)
    assert users_of(organization) == [(someone.name,)]


def test_every_state_change_is_a_post(admin_client: Client, organization: Organization) -> None:
    someone = user(organization, state=UserState.DISABLED)
    for name in ("enable", "disable", "reset-password", "delete"):
        admin_client.get(url(name, organization, someone), {"confirmation": someone.name})
    admin_client.get(url("create", organization), form(organization))
    after = MailUser.objects.get(pk=someone.pk)
    assert (after.state, after.password) == (someone.state, someone.password)
    assert users_of(organization) == [(someone.name,)]
