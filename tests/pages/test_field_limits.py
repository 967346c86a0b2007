"""Long input is refused whole, never cut (issue 14 §3). Every console form checks each field
against its real limit: exactly at the limit is stored as typed, one character over is a field
error in the console's words and writes nothing. Only what a page shows again is shortened.
(Route 53's forms: tests/domains/test_route53_field_limits.py.)"""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from directories.models import Directory, DirectoryType
from keys.models import Key, KeyAlias, KeyState
from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import (
    DirectoryFactory,
    KeyFactory,
    MailDomainFactory,
    MailUserFactory,
    MembershipFactory,
    OrganizationFactory,
    active_organization,
    dns_name,
)
from tests.html import refused
from users.models import User as MailUser
from users.models import UserState
from workmail_console.models import Role

pytestmark = pytest.mark.django_db

MEGABYTE = "a" * 1_000_000
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account)


# --- Create organization -----------------------------------------------------------------------

CREATE_ORGANIZATION = reverse("organizations:create", args=["us-east-1"])


def new_organization(**fields: str) -> dict[str, str]:
    return {
        "email_domain": "test", "alias": "acme", "directory_choice": "create",
        "encryption_choice": "managed", "client_token": str(uuid.uuid4()), **fields,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "column", "stored"),
    [({"alias": "a" * 62}, "alias", "a" * 62),
     ({"email_domain": "external", "domain_name": dns_name(209, "com") + "."},
      "requested_domain", dns_name(209, "com")),
     ({"client_token": "t" * 128}, "client_token", "t" * 128)],
    ids=["alias", "domain_name", "client_token"],
)  # fmt: skip
def test_create_organization_stores_each_field_at_its_limit(
    admin_client, fields, column, stored
) -> None:
    response = admin_client.post(CREATE_ORGANIZATION, new_organization(**fields))
    assert response.status_code == 302
    assert getattr(Organization.objects.get(), column) == stored


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [({"alias": "a" * 63}, "alias", "The alias can be up to 62 characters long."),
     ({"email_domain": "external", "domain_name": dns_name(210, "com") + "."},
      "domain_name", "Enter at most 210 characters."),
     ({"client_token": "t" * 129}, None, "The client token must be 1 to 128 printable ASCII"),
     ({"email_domain": "existing-route53", "hosted_zone": "Z" * 34},
      "hosted_zone", "Enter at most 33 characters."),
     ({"directory_choice": "existing", "directory_id": "d-" + "0" * 11},
      "directory_id", "Enter at most 12 characters."),
     ({"encryption_choice": "existing", "kms_key_arn": "a" * 2049},
      "kms_key_arn", "Enter at most 2,048 characters.")],
    ids=["alias", "domain_name", "client_token", "hosted_zone", "directory_id", "kms_key_arn"],
)  # fmt: skip
def test_create_organization_refuses_each_field_one_over_its_limit(
    admin_client, fields, field, words
) -> None:
    refused(admin_client.post(CREATE_ORGANIZATION, new_organization(**fields)), field, words)
    assert not Organization.objects.exists()


@pytest.mark.parametrize(("typed", "deleting"), [("a" * 62, True), ("a" * 63, False)])
def test_delete_organization_confirmation_takes_an_alias_of_62(
    admin_client, admin, typed, deleting
) -> None:
    organization = OrganizationFactory(account=admin.account, alias="a" * 62, state=State.ACTIVE)
    response = admin_client.post(
        organization.delete_url, {"directory": "keep", "confirmation": typed}
    )
    if not deleting:
        refused(response, "confirmation", "Enter at most 62 characters.")
    organization.refresh_from_db()
    assert (organization.state == State.DELETING) is deleting


# --- Domains -----------------------------------------------------------------------------------


def domains_url(organization: Organization, name: str) -> str:
    return reverse(f"domains:{name}", args=[organization.region, organization.organization_id])


def test_add_domain_stores_a_name_of_209_characters_and_its_dot(admin_client, organization):
    name = dns_name(209, "com")
    response = admin_client.post(domains_url(organization, "add"), {"domain_name": name + "."})
    assert response.status_code == 302
    assert organization.mail_domains.filter(name=name).exists()


def test_add_domain_refuses_211_characters(admin_client, organization) -> None:
    response = admin_client.post(
        domains_url(organization, "add"), {"domain_name": dns_name(210, "com") + "."}
    )
    refused(response, "domain_name", "Enter at most 210 characters.")
    assert organization.mail_domains.count() == 1  # the test domain


@pytest.mark.parametrize(("extra", "removed"), [("", True), ("x", False)])
def test_remove_domain_confirmation_takes_210_characters(
    admin_client, organization, extra, removed
) -> None:
    name = dns_name(209, "com")
    MailDomainFactory(organization=organization, name=name)
    response = admin_client.post(
        domains_url(organization, "remove"),
        {"mail_domain": name, "domain_confirmation": name + "." + extra},
    )
    if not removed:
        refused(response, "domain_confirmation", "Enter at most 210 characters.")
    assert organization.mail_domains.filter(name=name).exists() is not removed


# --- Users -------------------------------------------------------------------------------------


def users_url(name: str, organization: Organization, user: MailUser | None = None) -> str:
    args = [organization.region, organization.organization_id]
    return reverse(f"users:{name}", args=[*args, user.user_id] if user else args)


def new_user(organization: Organization, **fields: str) -> dict[str, str]:
    return {
        "name": "jane", "first_name": "", "last_name": "", "display_name": "Jane", "email": "",
        "domain": organization.test_domain, "password": PASSWORD, "repeat_password": PASSWORD,
        **fields,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "u" * 64), ("first_name", "F" * 256), ("last_name", "L" * 256),
     ("display_name", "D" * 256), ("email", "e" * 64)],
)  # fmt: skip
def test_create_user_stores_each_field_at_its_limit(
    admin_client, organization, field, value
) -> None:
    response = admin_client.post(
        users_url("create", organization), new_user(organization, **{field: value})
    )
    assert response.status_code == 302
    user = MailUser.objects.get(directory=organization.directory)
    stored = user.email.partition("@")[0] if field == "email" else getattr(user, field)
    assert stored == value


def test_create_user_takes_a_password_of_63_characters(admin_client, organization) -> None:
    password = "Aa1" + "x" * 60
    data = new_user(organization, password=password, repeat_password=password)
    assert admin_client.post(users_url("create", organization), data).status_code == 302
    assert check_password(password, MailUser.objects.get(directory=organization.directory).password)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("name", "u" * 65, "The user name can be up to 64 characters long."),
     ("first_name", "F" * 257, "Enter at most 256 characters."),
     ("last_name", "L" * 257, "Enter at most 256 characters."),
     ("display_name", "D" * 257, "Enter at most 256 characters."),
     ("email", "e" * 65, "Enter at most 64 characters."),
     ("domain", dns_name(210, "com"), "Enter at most 209 characters."),
     ("password", "Aa1" + "x" * 61, "The password must be fewer than 64 characters long."),
     ("repeat_password", "Aa1" + "x" * 61, "The password must be fewer than 64 characters")],
)  # fmt: skip
def test_create_user_refuses_each_field_one_over_its_limit(
    admin_client, organization, field, value, words
) -> None:
    response = admin_client.post(
        users_url("create", organization), new_user(organization, **{field: value})
    )
    refused(response, field, words)
    assert not MailUser.objects.filter(directory=organization.directory).exists()


@pytest.mark.parametrize(("name", "added"), [("u" * 20, True), ("u" * 21, False)])
def test_a_directory_user_name_takes_up_to_20_characters(admin_client, admin, name, added):
    directory = DirectoryFactory(account=admin.account, directory_type=DirectoryType.AD_CONNECTOR)
    response = admin_client.post(
        reverse("directory-users:add", args=[directory.region, directory.directory_id]),
        {"name": name, "display_name": "Someone"},
    )
    if not added:
        refused(response, "name", "The user name can be up to 20 characters long.")
    assert MailUser.objects.filter(directory=directory, name=name).exists() is added


@pytest.mark.parametrize(("local", "enabled"), [("e" * 64, True), ("e" * 65, False)])
def test_enable_takes_an_address_of_64_characters_before_the_at(
    admin_client, organization, local, enabled
) -> None:
    user = MailUserFactory(directory=organization.directory)
    response = admin_client.post(
        users_url("enable", organization, user),
        {"email": local, "domain": organization.test_domain},
    )
    if not enabled:
        refused(response, "email", "Enter at most 64 characters.")
    user.refresh_from_db()
    assert (user.email == f"{local}@{organization.test_domain}") is enabled


@pytest.mark.parametrize(
    ("password", "reset"), [("Aa1" + "x" * 60, True), ("Aa1" + "x" * 61, False)]
)
def test_reset_password_takes_63_characters(admin_client, organization, password, reset):
    user = MailUserFactory(directory=organization.directory)
    response = admin_client.post(
        users_url("reset-password", organization, user),
        {"password": password, "repeat_password": password},
    )
    if not reset:
        refused(response, "password", "The password must be fewer than 64 characters long.")
    user.refresh_from_db()
    assert check_password(password, user.password) is reset


@pytest.mark.parametrize(("extra", "deleted"), [("", True), ("u", False)])
def test_delete_user_confirmation_takes_a_name_of_64(admin_client, organization, extra, deleted):
    user = MailUserFactory(directory=organization.directory, name="u" * 64)
    response = admin_client.post(
        users_url("delete", organization, user), {"confirmation": user.name + extra}
    )
    if not deleted:
        refused(response, "confirmation", "Enter at most 64 characters.")
    user.refresh_from_db()
    assert (user.state == UserState.DELETED) is deleted


# --- Directories -------------------------------------------------------------------------------

SET_UP_DIRECTORY = reverse("directories:setup", args=["us-east-1"])
SERVICE_PASSWORD = "on-premises-Secret-7"
KINDS = {
    "SimpleAD": {"size": "Small", "name": "corp.example.com", "short_name": "CORP",
                 "admin_password": PASSWORD, "confirm_password": PASSWORD},
    "ADConnector": {"size": "Large", "name": "onprem.example.com", "short_name": "ONPREM",
                    "dns_ip_addrs": "192.0.2.10", "service_account_username": "svc",
                    "service_account_password": SERVICE_PASSWORD,
                    "confirm_password": SERVICE_PASSWORD},
    "SharedMicrosoftAD": {"owner_account_id": "210987654321", "edition": "Standard",
                          "name": "shared.example.com"},
}  # fmt: skip
IP_ADDRESSES = "192.168.100.200 ,  192.168.100.201"  # 34 characters: two, and a wide separator


def new_directory(kind: str, **fields: str) -> dict[str, str]:
    return {"directory_type": kind, **KINDS[kind], **fields}


@pytest.mark.parametrize(
    ("kind", "fields", "column", "stored"),
    [("SimpleAD", {"name": dns_name(255)}, "name", dns_name(255)),
     ("SimpleAD", {"short_name": "C" * 15}, "short_name", "C" * 15),
     ("ADConnector", {"dns_ip_addrs": IP_ADDRESSES}, "dns_ip_addrs",
      ["192.168.100.200", "192.168.100.201"]),
     ("ADConnector", {"service_account_username": "s" * 128}, "service_account_username",
      "s" * 128),
     ("SharedMicrosoftAD", {"owner_account_id": "2" * 12}, "owner_account_id", "2" * 12)],
    ids=["name", "short_name", "dns_ip_addrs", "service_account_username", "owner_account_id"],
)  # fmt: skip
def test_set_up_directory_stores_each_field_at_its_limit(
    admin_client, kind, fields, column, stored
) -> None:
    response = admin_client.post(SET_UP_DIRECTORY, new_directory(kind, **fields))
    assert response.status_code == 302
    assert getattr(Directory.objects.get(), column) == stored


@pytest.mark.parametrize(
    ("kind", "field", "password"),
    [("SimpleAD", "admin_password", "A1!" + "a" * 61),
     ("ADConnector", "service_account_password", "p" * 128)],
)  # fmt: skip
def test_set_up_directory_takes_each_password_at_its_limit(
    admin_client, kind, field, password
) -> None:
    data = new_directory(kind, **{field: password, "confirm_password": password})
    assert admin_client.post(SET_UP_DIRECTORY, data).status_code == 302
    assert check_password(password, getattr(Directory.objects.get(), field))


@pytest.mark.parametrize(
    ("kind", "field", "value", "words"),
    [("SimpleAD", "name", dns_name(256), "Enter at most 255 characters."),
     ("SimpleAD", "short_name", "C" * 16, "The directory NetBIOS name can be up to 15 characters"),
     ("SimpleAD", "admin_password", "A1!" + "a" * 62, "between 8 and 64 characters"),
     ("SimpleAD", "confirm_password", "A1!" + "a" * 126, "Enter at most 128 characters."),
     ("ADConnector", "dns_ip_addrs", IP_ADDRESSES.replace(" ,", "  ,"),
      "Enter at most 34 characters."),
     ("ADConnector", "service_account_username", "s" * 129, "Enter at most 128 characters."),
     ("ADConnector", "service_account_password", "p" * 129, "can be up to 128 characters long"),
     ("SharedMicrosoftAD", "owner_account_id", "2" * 13, "Enter at most 12 characters.")],
)  # fmt: skip
def test_set_up_directory_refuses_each_field_one_over_its_limit(
    admin_client, kind, field, value, words
) -> None:
    refused(
        admin_client.post(SET_UP_DIRECTORY, new_directory(kind, **{field: value})), field, words
    )
    assert not Directory.objects.exists()


@pytest.mark.parametrize(
    ("kind", "field", "limit"),
    [("SimpleAD", "name", 255), ("SimpleAD", "short_name", 15), ("SimpleAD", "admin_password", 64),
     ("ADConnector", "dns_ip_addrs", 34), ("ADConnector", "service_account_username", 128),
     ("ADConnector", "service_account_password", 128), ("ADConnector", "confirm_password", 128),
     ("SharedMicrosoftAD", "owner_account_id", 12)],
)  # fmt: skip
def test_each_directory_setting_tells_the_browser_its_maximum(admin_client, kind, field, limit):
    page = admin_client.get(SET_UP_DIRECTORY, {"directory_type": kind}).content.decode()
    [box] = [tag for tag in page.split("<input")[1:] if f'name="{field}"' in tag.split(">")[0]]
    assert f'maxlength="{limit}"' in box.split(">")[0]


@pytest.mark.parametrize(("alias", "created"), [("a" * 62, True), ("a" * 63, False)])
def test_a_directory_alias_takes_up_to_62_characters(admin_client, admin, alias, created):
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(
        reverse("directories:alias", args=[directory.region, directory.directory_id]),
        {"alias": alias},
    )
    if not created:
        refused(response, "alias", "The alias can be up to 62 characters long.")
    directory.refresh_from_db()
    assert (directory.alias == alias) is created


# --- KMS keys ----------------------------------------------------------------------------------

CREATE_KEY = reverse("keys:create", args=["us-east-1"])


def new_key(**fields: str) -> dict[str, str]:
    return {"key_type": "SYMMETRIC", "alias_name": "limits", "description": "", **fields}


def key_url(name: str, key: Key) -> str:
    return reverse(f"keys:{name}", args=[key.region, key.key_id])


def test_create_key_stores_a_description_of_8192_characters(admin_client) -> None:
    description = "".join(chr(ord("a") + n % 26) for n in range(8192))
    response = admin_client.post(CREATE_KEY, new_key(description=description))
    assert response.status_code == 302
    assert Key.objects.get().description == description


def test_create_key_refuses_a_description_of_8193_characters(admin_client) -> None:
    response = admin_client.post(CREATE_KEY, new_key(description="d" * 8193))
    refused(response, "description", "Enter at most 8,192 characters.")
    assert not Key.objects.exists()


@pytest.mark.parametrize(("length", "created"), [(250, True), (251, False)])
def test_create_key_takes_an_alias_of_256_characters_with_its_prefix(admin_client, length, created):
    response = admin_client.post(CREATE_KEY, new_key(alias_name="a" * length))
    if not created:
        refused(response, "alias_name", "The alias name can have at most 256 characters.")
    assert KeyAlias.objects.filter(name="alias/" + "a" * length).exists() is created
    assert Key.objects.exists() is created


@pytest.mark.parametrize(("length", "added"), [(250, True), (251, False)])
def test_add_alias_takes_256_characters_with_its_prefix(admin_client, admin, length, added):
    key = KeyFactory(account=admin.account)
    response = admin_client.post(key_url("create-alias", key), {"alias_name": "a" * length})
    if not added:
        refused(response, "alias_name", "The alias name can have at most 256", "alias_form")
    assert KeyAlias.objects.filter(key=key, name="alias/" + "a" * length).exists() is added


@pytest.mark.parametrize(("days", "scheduled"), [("030", True), ("0030", False)])
def test_a_waiting_period_takes_up_to_3_digits(admin_client, admin, days, scheduled) -> None:
    key = KeyFactory(account=admin.account)
    response = admin_client.post(
        key_url("schedule-deletion", key), {"pending_window_in_days": days}
    )
    if not scheduled:
        refused(response, "pending_window_in_days", "between 7 and 30 days.")
    key.refresh_from_db()
    assert (key.key_state == KeyState.PENDING_DELETION) is scheduled


# --- Every error at once --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "overlong", "other"),
    [("organization", "alias", "domain_name"), ("user", "first_name", "name"),
     ("user", "display_name", "name"), ("key", "alias_name", "key_usage")],
)  # fmt: skip
def test_an_overlong_field_shows_its_error_with_the_forms_others(
    admin_client, organization, where, overlong, other
) -> None:
    """The form refuses it, not only the service after the form: every error shows at once."""
    url, data = {
        "organization": (CREATE_ORGANIZATION, new_organization(
            alias="a" * 63, email_domain="external", domain_name="bad_name.com")),
        "user": (users_url("create", organization), new_user(
            organization, name="bad name", first_name="F" * 257, display_name="D" * 257)),
        "key": (CREATE_KEY, new_key(key_type="ASYMMETRIC", alias_name="a" * 251)),
    }[where]  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert {overlong, other} <= set(response.context["form"].errors)


# --- Members -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "added"),
    [("username", "m" * 150, True), ("username", "m" * 151, False),
     ("password", "Zq9!" * 1024, True), ("password", "Zq9!" * 1024 + "x", False)],
)  # fmt: skip
def test_add_member_takes_a_name_of_150_and_a_password_of_4096(
    admin_client, field, value, added
) -> None:
    data = {"username": "carol", "password": "Zq9!-long-enough", "role": "ops", field: value}
    response = admin_client.post(reverse("members"), data)
    if not added:
        limit = 150 if field == "username" else 4096
        refused(response, field, f"Enter at most {limit:,} characters.")
    user = get_user_model().objects.filter(username=data["username"]).first()
    assert (user is not None and user.check_password(data["password"])) is added


# --- Operations dashboard ----------------------------------------------------------------------


@pytest.mark.parametrize(("account", "chosen"), [("1" * 12, True), ("1" * 13, False)])
def test_the_dashboards_account_filter_takes_12_characters(db, account, chosen) -> None:
    superuser = MembershipFactory(role=Role.ADMIN, user__is_staff=True, user__is_superuser=True)
    response = signed_in(superuser).get(reverse("ops:dashboard"), {"account": account})
    if not chosen:
        refused(response, "account", "Enter at most 12 characters.")
    assert (response.context["scope"].account_id == account) is chosen


# --- What the page shows again -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [(CREATE_KEY, new_key(description=MEGABYTE)),
     (CREATE_KEY, new_key(key_type=MEGABYTE)),
     (CREATE_ORGANIZATION, new_organization(alias=MEGABYTE)),
     (CREATE_ORGANIZATION, new_organization(client_token=MEGABYTE)),
     (SET_UP_DIRECTORY, new_directory("SimpleAD", name=MEGABYTE)),
     (reverse("members"), {"username": MEGABYTE, "password": "x", "role": MEGABYTE})],
    ids=["description", "choice", "alias", "hidden", "directory-name", "members"],
)  # fmt: skip
def test_a_megabyte_is_refused_and_never_shown_again(admin_client, url, data) -> None:
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert len(response.content) < 100_000
    assert not Key.objects.exists() and not Organization.objects.exists()
    assert not Directory.objects.exists() and get_user_model().objects.count() == 1


def test_an_overlong_value_is_shown_again_shortened_so_it_is_refused_again(admin_client):
    response = admin_client.post(CREATE_KEY, new_key(description="d" * 8193))
    page = response.content.decode()
    assert "d" * 8192 + "…</textarea>" in page and "d" * 8193 not in page


def test_a_value_within_its_limit_is_shown_again_whole(admin_client) -> None:
    description = "d" * 8192
    response = admin_client.post(CREATE_KEY, new_key(description=description, alias_name="a b"))
    assert response.status_code == 400
    assert f">\n{description}</textarea>" in response.content.decode()
