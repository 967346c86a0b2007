"""KMS keys pages: the list, Create key, key details and every key action, as an admin, as ops,
and as a member of another account."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keys.models import Key, KeyAdministrator, KeyAlias, KeySpec, KeyState, KeyUsage
from keys.services import workmail_managed_key
from tests.conftest import signed_in
from tests.factories import KeyFactory
from tests.html import key_values, text, texts
from workmail_console.models import Membership

LIST = reverse("keys:list", args=["us-east-1"])
CREATE = reverse("keys:create", args=["us-east-1"])


def url(name: str, key: Key) -> str:
    return reverse(f"keys:{name}", args=[key.region, key.key_id])


def stored(key: Key) -> Key:
    return Key.objects.get(pk=key.pk)


def aliases_of(key: Key) -> list[str]:
    return sorted(KeyAlias.objects.filter(key=key).values_list("name", flat=True))


def flash(response) -> str:
    return " ".join(m.message for m in response.context["messages"])


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_customer_and_aws_managed_keys_apart(admin_client, admin) -> None:
    mine = KeyFactory(
        account=admin.account, alias="alias/signing", key_spec=KeySpec.ECC_NIST_P256,
        key_usage=KeyUsage.SIGN_VERIFY, key_state=KeyState.DISABLED,
    )  # fmt: skip
    managed = workmail_managed_key(account_id=admin.account_id, region="us-east-1")
    page = admin_client.get(LIST).content.decode()
    customer = text(page, "customer-managed-keys")
    assert customer.startswith("Customer managed keys (1)")
    assert (
        f"alias/signing {mine.key_id} Disabled Asymmetric ECC_NIST_P256 Sign and verify" in customer
    )
    aws = text(page, "aws-managed-keys")
    assert aws.startswith("AWS managed keys (1)")
    assert (
        f"alias/aws/workmail {managed.key_id} Enabled Symmetric SYMMETRIC_DEFAULT"
        " Encrypt and decrypt"
    ) in aws


@pytest.mark.parametrize(
    ("state", "badge", "label"),
    [
        (KeyState.ENABLED, "success", "Enabled"),
        (KeyState.DISABLED, "stopped", "Disabled"),
        (KeyState.PENDING_DELETION, "warning", "Pending deletion"),
    ],
)
def test_each_key_state_has_its_badge(admin_client, admin, state, badge, label) -> None:
    KeyFactory(account=admin.account, key_state=state)
    page = admin_client.get(LIST).content.decode()
    assert (
        f'<span class="status status-{badge}" data-state="{state}">'
        f'<span class="status-icon" aria-hidden="true"></span>{label}</span>'
    ) in page


def test_the_list_holds_this_accounts_keys_of_this_region_only(admin_client, admin) -> None:
    here = KeyFactory(account=admin.account)
    elsewhere = KeyFactory(account=admin.account, region="eu-west-1")
    others = KeyFactory()
    gone = KeyFactory(account=admin.account, key_state=KeyState.DELETED)
    page = admin_client.get(LIST).content.decode()
    assert str(here.key_id) in page
    for key in (elsewhere, others, gone):
        assert str(key.key_id) not in page


def test_the_side_navigation_links_to_kms_keys(admin_client) -> None:
    page = admin_client.get(reverse("organizations:list", args=["eu-west-1"])).content.decode()
    assert f'<a href="{reverse("keys:list", args=["eu-west-1"])}">KMS keys</a>' in page


def test_ops_read_the_list_without_a_create_button(ops, admin) -> None:
    KeyFactory(account=admin.account, alias="alias/readable")
    page = signed_in(ops).get(LIST).content.decode()
    assert "alias/readable" in page
    assert CREATE not in page


# --- Create key ----------------------------------------------------------------------------------


def create_form(**overrides: object) -> dict:
    return {"key_type": "SYMMETRIC", "alias_name": "mine", "description": "", **overrides}


def checkbox(page: str, value: str) -> str:
    """The <input> of the Key administrators checkbox for `value`."""
    [tag] = re.findall(rf'<input type="checkbox" name="administrators" value="{value}"[^>]*>', page)
    return tag


def test_the_form_preselects_you_among_the_accounts_members(admin_client, admin, ops, stranger):
    page = admin_client.get(CREATE).content.decode()
    assert checkbox(page, admin.user.username).endswith(" checked>")
    assert not checkbox(page, ops.user.username).endswith(" checked>")
    assert stranger.user.username not in page


def test_creating_a_symmetric_key(admin_client, admin) -> None:
    response = admin_client.post(
        CREATE,
        create_form(alias_name="mailboxes", description="For WorkMail",
                    administrators=[admin.user.username]),
        follow=True,
    )  # fmt: skip
    key = Key.objects.get(account=admin.account)
    assert response.redirect_chain == [(key.get_absolute_url(), 302)]
    assert "Your KMS key was created with alias alias/mailboxes." in flash(response)
    assert (key.region, key.key_state, key.key_spec, key.key_usage, key.description) == (
        "us-east-1", KeyState.ENABLED, KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
        "For WorkMail",
    )  # fmt: skip
    assert aliases_of(key) == ["alias/mailboxes"]
    assert list(key.administrators.all()) == [admin.user]


def test_a_symmetric_key_ignores_the_asymmetric_options(admin_client, admin) -> None:
    admin_client.post(CREATE, create_form(key_usage="SIGN_VERIFY", key_spec="ECC_NIST_P256"))
    key = Key.objects.get(account=admin.account)
    assert (key.key_spec, key.key_usage) == (KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT)


def test_creating_an_asymmetric_key(admin_client, admin) -> None:
    admin_client.post(
        CREATE, create_form(key_type="ASYMMETRIC", key_usage="SIGN_VERIFY", key_spec="RSA_3072")
    )
    key = Key.objects.get(account=admin.account)
    assert (key.key_spec, key.key_usage, key.key_type) == ("RSA_3072", "SIGN_VERIFY", "Asymmetric")


def test_a_spec_that_cant_do_the_usage_is_refused_under_the_usage(admin_client, admin) -> None:
    response = admin_client.post(
        CREATE,
        create_form(key_type="ASYMMETRIC", key_usage="ENCRYPT_DECRYPT", key_spec="ECC_NIST_P256"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "key_usage": ["KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256."]
    }
    assert not Key.objects.exists()


def test_an_alias_taken_in_the_account_and_region_is_refused(admin_client, admin) -> None:
    KeyFactory(account=admin.account, alias="alias/taken")
    response = admin_client.post(CREATE, create_form(alias_name="taken"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "alias_name": ["An alias with the name alias/taken already exists"]
    }
    assert Key.objects.filter(account=admin.account).count() == 1


def test_an_alias_is_unique_only_in_its_account_and_region(admin_client, admin) -> None:
    KeyFactory(account=admin.account, region="eu-west-1", alias="alias/shared")
    KeyFactory(alias="alias/shared")  # another account's
    assert admin_client.post(CREATE, create_form(alias_name="shared")).status_code == 302
    assert Key.objects.get(account=admin.account, region="us-east-1").aliases.get().name == (
        "alias/shared"
    )


@pytest.mark.parametrize(
    ("alias", "words"),
    [
        ("aws/workmail", "reserved for AWS managed keys"),
        ("my key", "only alphanumeric characters"),
        ("", "Enter an alias for the key."),
    ],
)
def test_an_alias_kms_refuses_is_a_field_error(admin_client, admin, alias, words) -> None:
    response = admin_client.post(CREATE, create_form(alias_name=alias))
    assert response.status_code == 400
    assert words in response.context["form"].errors["alias_name"][0]
    assert words in response.content.decode()
    assert not Key.objects.exists()


def test_only_the_accounts_members_can_be_key_administrators(admin_client, stranger) -> None:
    response = admin_client.post(CREATE, create_form(administrators=[stranger.user.username]))
    assert response.status_code == 400
    assert "administrators" in response.context["form"].errors
    assert not Key.objects.exists()


def test_ops_can_not_create_a_key(ops) -> None:
    client = signed_in(ops)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, create_form()).status_code == 403
    assert not Key.objects.exists()


# --- Key details ---------------------------------------------------------------------------------


def test_the_details_show_what_the_kms_console_shows(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, alias="alias/details", description="Mailboxes")
    KeyAdministrator.objects.create(key=key, user=admin.user)
    page = admin_client.get(key.get_absolute_url()).content.decode()
    shown = key_values(page)
    assert shown["Alias"] == "alias/details"
    assert shown["Status"] == "Enabled"
    assert shown["ARN"] == f"arn:aws:kms:us-east-1:{admin.account_id}:key/{key.key_id} Copy"
    assert shown["Key ID"] == f"{key.key_id} Copy"
    assert shown["Description"] == "Mailboxes"
    assert (shown["Key type"], shown["Key spec"], shown["Key usage"]) == (
        "Symmetric", "SYMMETRIC_DEFAULT", "Encrypt and decrypt"
    )  # fmt: skip
    assert shown["Key manager"] == "Customer managed"
    assert shown["Deletion date"] == "-"
    assert text(page, "key-administrators") == f"{admin.user.username} (you)"
    assert "Make yourself a key administrator" not in page


def test_a_key_pending_deletion_shows_its_deletion_date(admin_client, admin) -> None:
    when = timezone.now().replace(year=2031, month=3, day=4, hour=5, minute=6)
    key = KeyFactory(account=admin.account, key_state=KeyState.PENDING_DELETION, deletion_date=when)
    page = admin_client.get(key.get_absolute_url()).content.decode()
    assert key_values(page)["Deletion date"] == "Mar 4, 2031, 05:06 UTC"
    assert "scheduled for deletion on Mar 4, 2031, 05:06 UTC" in text(page, "pending-deletion")
    assert "Cancel key deletion" in page
    assert url("schedule-deletion", key) not in page


def test_ops_read_the_details_without_key_actions(ops, admin) -> None:
    key = KeyFactory(account=admin.account, alias="alias/x")
    page = signed_in(ops).get(key.get_absolute_url()).content.decode()
    assert key_values(page)["Alias"] == "alias/x"
    for action in ("disable", "schedule-deletion", "create-alias", "add-administrator"):
        assert url(action, key) not in page


# --- Key actions ---------------------------------------------------------------------------------


def test_disable_asks_for_the_confirmation_first(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account)
    page = admin_client.get(key.get_absolute_url()).content.decode()
    # No one-click POST: a link to the confirmation, which opens as a dialog.
    assert f'<a class="btn" href="{url("disable", key)}" data-dialog>Disable</a>' in page
    dialog = admin_client.get(url("disable", key)).content.decode()
    assert "Confirm that you want to disable this key." in dialog
    unconfirmed = admin_client.post(url("disable", key))
    assert unconfirmed.status_code == 400
    assert texts(unconfirmed.content.decode(), "confirm-error") == [
        "Confirm that you want to disable this key."
    ]
    assert stored(key).key_state == KeyState.ENABLED


def test_disable_then_enable(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account)
    response = admin_client.post(url("disable", key), {"confirm": "on"}, follow=True)
    assert f"Key {key.key_id} is disabled." in flash(response)
    assert stored(key).key_state == KeyState.DISABLED
    assert url("enable", key) in response.content.decode()
    response = admin_client.post(url("enable", key), follow=True)
    assert f"Key {key.key_id} is enabled." in flash(response)
    assert stored(key).key_state == KeyState.ENABLED


def test_schedule_key_deletion_waits_30_days_by_default(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account)
    page = admin_client.get(url("schedule-deletion", key)).content.decode()
    assert text(page, "default-deletion-date").endswith(" UTC")
    before = timezone.now()
    response = admin_client.post(url("schedule-deletion", key), {}, follow=True)
    key = stored(key)
    assert key.key_state == KeyState.PENDING_DELETION
    assert before + timedelta(days=30) <= key.deletion_date <= timezone.now() + timedelta(days=30)
    assert f"Key {key.key_id} is scheduled for deletion on " in flash(response)


@pytest.mark.parametrize("days", [7, 30])
def test_schedule_key_deletion_takes_7_to_30_days(admin_client, admin, days) -> None:
    key = KeyFactory(account=admin.account, key_state=KeyState.DISABLED)
    before = timezone.now()
    admin_client.post(url("schedule-deletion", key), {"pending_window_in_days": str(days)})
    key = stored(key)
    assert key.key_state == KeyState.PENDING_DELETION
    assert abs(key.deletion_date - (before + timedelta(days=days))) < timedelta(minutes=1)


@pytest.mark.parametrize("days", ["6", "31", "0", "thirty"])
def test_a_waiting_period_outside_7_to_30_days_is_a_field_error(admin_client, admin, days):
    key = KeyFactory(account=admin.account)
    response = admin_client.post(url("schedule-deletion", key), {"pending_window_in_days": days})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "pending_window_in_days": ["The waiting period must be between 7 and 30 days."]
    }
    assert stored(key).key_state == KeyState.ENABLED


def test_cancel_key_deletion_leaves_the_key_disabled(admin_client, admin) -> None:
    key = KeyFactory(
        account=admin.account, key_state=KeyState.PENDING_DELETION, deletion_date=timezone.now()
    )
    response = admin_client.post(url("cancel-deletion", key), follow=True)
    assert "The deletion of key" in flash(response)
    key = stored(key)
    assert (key.key_state, key.deletion_date) == (KeyState.DISABLED, None)


def test_a_key_pending_deletion_can_not_be_enabled_or_disabled(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, key_state=KeyState.PENDING_DELETION)
    for action in ("enable", "disable"):
        response = admin_client.post(url(action, key), {"confirm": "on"}, follow=True)
        assert f"{key.arn} is pending deletion." in flash(response)
    assert stored(key).key_state == KeyState.PENDING_DELETION


def test_only_a_key_pending_deletion_can_have_its_deletion_canceled(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account)
    response = admin_client.post(url("cancel-deletion", key), follow=True)
    assert f"{key.arn} is not pending deletion." in flash(response)
    assert stored(key).key_state == KeyState.ENABLED


def test_adding_and_deleting_an_alias(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, alias="alias/first")
    response = admin_client.post(url("create-alias", key), {"alias_name": "second"}, follow=True)
    assert "Alias alias/second is added" in flash(response)
    assert aliases_of(key) == ["alias/first", "alias/second"]
    response = admin_client.post(url("delete-alias", key), {"alias_name": "alias/first"})
    assert aliases_of(key) == ["alias/second"]


def test_an_alias_of_another_key_is_a_field_error(admin_client, admin) -> None:
    KeyFactory(account=admin.account, alias="alias/taken")
    key = KeyFactory(account=admin.account)
    response = admin_client.post(url("create-alias", key), {"alias_name": "alias/taken"})
    assert response.status_code == 400
    assert "An alias with the name alias/taken already exists" in response.content.decode()
    assert aliases_of(key) == []


def test_deleting_an_alias_the_key_does_not_have_says_so(admin_client, admin) -> None:
    other = KeyFactory(account=admin.account, alias="alias/not-yours")
    key = KeyFactory(account=admin.account)
    response = admin_client.post(
        url("delete-alias", key), {"alias_name": "alias/not-yours"}, follow=True
    )
    assert "alias/not-yours is not found." in flash(response)
    assert aliases_of(other) == ["alias/not-yours"]


def test_a_key_pending_deletion_takes_no_new_alias(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, key_state=KeyState.PENDING_DELETION)
    response = admin_client.post(url("create-alias", key), {"alias_name": "late"}, follow=True)
    assert f"{key.arn} is pending deletion." in flash(response)
    assert aliases_of(key) == []


def test_make_yourself_a_key_administrator(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account)
    page = admin_client.get(key.get_absolute_url()).content.decode()
    assert "Make yourself a key administrator" in page
    response = admin_client.post(url("add-administrator", key), follow=True)
    assert list(key.administrators.all()) == [admin.user]
    assert text(response.content.decode(), "key-administrators") == f"{admin.user.username} (you)"
    assert "Make yourself a key administrator" not in response.content.decode()
    admin_client.post(url("add-administrator", key))  # twice: still one entry
    assert KeyAdministrator.objects.filter(key=key).count() == 1


# --- The AWS managed key -------------------------------------------------------------------------


@pytest.fixture
def managed(admin: Membership) -> Key:
    return workmail_managed_key(account_id=admin.account_id, region="us-east-1")


@pytest.mark.parametrize(
    ("action", "data", "words"),
    [
        ("disable", {"confirm": "on"}, "You can't disable an AWS managed key"),
        ("schedule-deletion", {"pending_window_in_days": "7"}, "schedule the deletion of an AWS"),
        ("create-alias", {"alias_name": "alias/extra"}, "add an alias to an AWS managed key"),
        ("delete-alias", {"alias_name": "alias/aws/workmail"}, "remove an alias from an AWS"),
        ("add-administrator", {}, "key administrators of an AWS managed key"),
    ],
)
def test_nobody_can_change_the_managed_key(admin_client, managed, action, data, words) -> None:
    response = admin_client.post(url(action, managed), data, follow=True)
    assert words in flash(response)
    key = stored(managed)
    assert (key.key_state, key.deletion_date) == (KeyState.ENABLED, None)
    assert aliases_of(key) == ["alias/aws/workmail"]
    assert not KeyAdministrator.objects.filter(key=key).exists()


def test_the_managed_keys_page_offers_no_key_actions(admin_client, managed) -> None:
    page = admin_client.get(managed.get_absolute_url()).content.decode()
    assert "This is an AWS managed key." in page
    for action in ("disable", "schedule-deletion", "create-alias", "delete-alias"):
        assert url(action, managed) not in page
    assert "Make yourself a key administrator" not in page


# --- Who may do what -----------------------------------------------------------------------------

ACTIONS = [
    ("disable", {"confirm": "on"}),
    ("enable", {}),
    ("schedule-deletion", {"pending_window_in_days": "7"}),
    ("cancel-deletion", {}),
    ("create-alias", {"alias_name": "alias/new"}),
    ("delete-alias", {"alias_name": "alias/owned"}),
    ("add-administrator", {}),
]
PAGES = ["detail", "schedule-deletion", "disable"]


def snapshot(key: Key) -> tuple:
    key = stored(key)
    return (
        key.key_state, key.deletion_date, aliases_of(key),
        list(KeyAdministrator.objects.filter(key=key).values_list("user_id", flat=True)),
    )  # fmt: skip


@pytest.mark.parametrize("state", [KeyState.ENABLED, KeyState.DISABLED, KeyState.PENDING_DELETION])
def test_another_accounts_key_is_not_found_on_any_url(stranger, admin, state) -> None:
    key = KeyFactory(account=admin.account, key_state=state, alias="alias/owned")
    client, before = signed_in(stranger), snapshot(key)
    for name in PAGES:
        assert client.get(url(name, key)).status_code == 404
    for name, data in ACTIONS:
        assert client.post(url(name, key), data).status_code == 404, name
    assert snapshot(key) == before


def test_a_key_is_not_found_in_another_region(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, region="eu-west-1")
    elsewhere = reverse("keys:detail", args=["us-east-1", key.key_id])
    assert admin_client.get(elsewhere).status_code == 404
    assert admin_client.post(reverse("keys:disable", args=["us-east-1", key.key_id])).status_code
    assert stored(key).key_state == KeyState.ENABLED


def test_a_deleted_key_is_not_found_on_any_url(admin_client, admin) -> None:
    key = KeyFactory(account=admin.account, key_state=KeyState.DELETED)
    before = snapshot(key)
    for name in PAGES:
        assert admin_client.get(url(name, key)).status_code == 404
    for name, data in ACTIONS:
        assert admin_client.post(url(name, key), data).status_code == 404, name
    assert snapshot(key) == before


@pytest.mark.parametrize(("name", "data"), ACTIONS, ids=[name for name, _ in ACTIONS])
def test_ops_can_not_act_on_a_key(ops, admin, name, data) -> None:
    key = KeyFactory(account=admin.account, alias="alias/owned")
    before = snapshot(key)
    assert signed_in(ops).post(url(name, key), data).status_code == 403
    assert snapshot(key) == before


@pytest.mark.parametrize(("name", "data"), ACTIONS, ids=[name for name, _ in ACTIONS])
def test_a_get_of_an_action_url_changes_nothing(admin_client, admin, name, data) -> None:
    key = KeyFactory(account=admin.account, alias="alias/owned")
    before = snapshot(key)
    assert admin_client.get(url(name, key), data).status_code in (200, 405)
    assert snapshot(key) == before


def test_an_action_needs_the_csrf_token(admin) -> None:
    key = KeyFactory(account=admin.account)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    assert client.post(url("disable", key)).status_code == 403
    assert stored(key).key_state == KeyState.ENABLED
