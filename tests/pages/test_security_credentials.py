"""Security credentials: every member, admin or ops, creates, deactivates, activates and deletes
their own API access keys; a key's secret is shown once, on the answer to Create access key."""

import logging

import pytest
from botocore.exceptions import ClientError
from django.test import Client
from django.urls import reverse

from tests.api.clients import client_for
from tests.conftest import signed_in
from tests.html import key_values, refused, text, texts
from workmail_console.access_keys import create_access_key, set_active
from workmail_console.models import AccessKey, Membership

PAGE = reverse("credentials:list")
CREATE = PAGE  # its POST is Create access key


def listed(user) -> str:
    """What the page's Create access key form says it listed: the person's keys now."""
    return ",".join(AccessKey.objects.filter(user=user).values_list("key_id", flat=True))


def create(client: Client, membership: Membership):
    return client.post(CREATE, {"listed": listed(membership.user)})


def assert_unrecognized(workmail) -> None:
    """The API refuses the client's key as AWS refuses an unknown or inactive one."""
    with pytest.raises(ClientError) as excinfo:
        workmail.list_organizations()
    assert excinfo.value.response["Error"]["Code"] == "UnrecognizedClientException"


def url(name: str, key: AccessKey) -> str:
    return reverse(f"credentials:{name}", args=[key.key_id])


def test_create_shows_the_new_key_and_its_secret_once(admin_client, admin) -> None:
    response = create(admin_client, admin)
    assert response.status_code == 201
    key = AccessKey.objects.get(user=admin.user)
    shown = key_values(response.content.decode())
    assert shown["Access key"].startswith(key.key_id)
    secret = text(response.content.decode(), "secret-access-key")
    assert len(secret) == 40
    assert "This is the only time that the secret access key can be viewed." in (
        response.content.decode()
    )
    assert "no-store" in response["Cache-Control"]
    assert secret not in admin_client.get(PAGE).content.decode()


def test_the_secret_shown_signs_api_requests(admin_client, admin) -> None:
    response = create(admin_client, admin)
    key = AccessKey.objects.get(user=admin.user)
    secret = text(response.content.decode(), "secret-access-key")
    workmail = client_for(admin, key=(key, secret))
    assert workmail.list_organizations()["OrganizationSummaries"] == []


def test_sending_the_create_again_creates_nothing_and_shows_no_secret(admin_client, admin) -> None:
    """A reload of the page that showed the secret sends the same form again."""
    data = {"listed": listed(admin.user)}
    first = admin_client.post(CREATE, data)
    secret = text(first.content.decode(), "secret-access-key")
    again = admin_client.post(CREATE, data, follow=True)
    page = again.content.decode()
    assert "your access keys changed since the page was shown" in page
    assert secret not in page and texts(page, "secret-access-key") == []
    assert AccessKey.objects.filter(user=admin.user).count() == 1


def test_the_secret_is_not_kept_in_the_session_nor_logged(admin_client, admin, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        response = create(admin_client, admin)
    secret = text(response.content.decode(), "secret-access-key")
    session = admin_client.session
    assert all(secret not in str(value) for value in session.values())
    assert secret not in caplog.text


def test_a_third_key_is_refused_with_a_message(admin_client, admin) -> None:
    create_access_key(admin.user)
    create_access_key(admin.user)
    page = admin_client.get(PAGE).content.decode()
    assert "To create another, delete one first." in page
    response = create(admin_client, admin)
    assert response.status_code == 302
    shown = admin_client.get(response["Location"]).content.decode()
    assert "You can have at most 2 access keys. Delete one to create another." in shown
    assert AccessKey.objects.filter(user=admin.user).count() == 2


def test_the_table_shows_status_created_and_last_used(admin_client, admin) -> None:
    used, secret = create_access_key(admin.user)
    unused, _ = create_access_key(admin.user)
    client_for(admin, region="eu-west-1", key=(used, secret)).list_organizations()
    set_active(admin.user, unused.key_id, active=False)
    used_row, unused_row = texts(admin_client.get(PAGE).content.decode(), "access-key")
    created = used.created.strftime("%b %-d, %Y")
    assert used_row.startswith(f"{used.key_id} Active {created}")
    assert "ListOrganizations in eu-west-1" in used_row
    assert unused_row.startswith(f"{unused.key_id} Inactive {created}")
    assert "N/A" in unused_row


def test_deactivate_and_activate_change_what_the_api_accepts(admin_client, admin) -> None:
    key, secret = create_access_key(admin.user)
    workmail = client_for(admin, key=(key, secret))
    admin_client.post(url("deactivate", key))
    assert_unrecognized(workmail)
    assert "Inactive" in texts(admin_client.get(PAGE).content.decode(), "access-keys")[0]
    admin_client.post(url("activate", key))
    assert workmail.list_organizations()["OrganizationSummaries"] == []


def test_delete_asks_for_the_key_id_then_the_api_refuses_the_key(admin_client, admin) -> None:
    key, secret = create_access_key(admin.user)
    workmail = client_for(admin, key=(key, secret))
    confirmation = admin_client.get(url("delete", key)).content.decode()
    assert f"Delete {key.key_id}?" in confirmation
    refused(
        admin_client.post(url("delete", key), {"confirmation": "AKIA" + "0" * 16}),
        "confirmation",
        f"Enter {key.key_id} exactly as shown to confirm deletion.",
    )
    assert workmail.list_organizations()["OrganizationSummaries"] == []
    response = admin_client.post(url("delete", key), {"confirmation": key.key_id}, follow=True)
    assert f"Access key {key.key_id} was deleted." in response.content.decode()
    assert not AccessKey.objects.filter(pk=key.pk).exists()
    assert_unrecognized(workmail)


def test_ops_manage_their_own_keys(ops) -> None:
    client = signed_in(ops)
    response = create(client, ops)
    assert response.status_code == 201
    key = AccessKey.objects.get(user=ops.user)
    client.post(url("deactivate", key))
    key.refresh_from_db()
    assert not key.active
    client.post(url("delete", key), {"confirmation": key.key_id})
    assert not AccessKey.objects.filter(user=ops.user).exists()


def test_every_member_has_the_link(ops) -> None:
    page = signed_in(ops).get(reverse("organizations:list", args=["us-east-1"])).content
    assert f'href="{PAGE}"'.encode() in page


@pytest.mark.parametrize("name", ["deactivate", "activate", "delete"])
def test_another_persons_key_is_a_404(name: str, admin, ops, stranger) -> None:
    key, _ = create_access_key(admin.user)
    set_active(admin.user, key.key_id, active=name != "activate")
    for member in (ops, stranger):  # the same account's, and another account's
        client = signed_in(member)
        assert client.get(url(name, key)).status_code in (404, 405)
        response = client.post(url(name, key), {"confirmation": key.key_id})
        assert response.status_code == 404
    key.refresh_from_db()
    assert key.active is (name != "activate")


def test_others_keys_are_not_listed(admin, stranger) -> None:
    key, _ = create_access_key(admin.user)
    assert key.key_id not in signed_in(stranger).get(PAGE).content.decode()


@pytest.mark.parametrize("name", ["deactivate", "activate", "delete"])
def test_a_made_up_key_id_is_a_404(admin_client, name: str) -> None:
    for key_id in ("AKIA" + "Z" * 16, "a\x00b", "x" * 300):
        response = admin_client.post(reverse(f"credentials:{name}", args=[key_id]))
        assert response.status_code == 404


def test_the_writes_need_a_csrf_token(admin) -> None:
    key, _ = create_access_key(admin.user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    for target in (CREATE, url("deactivate", key), url("delete", key)):
        data = {"listed": key.key_id, "confirmation": key.key_id}
        assert client.post(target, data).status_code == 403
    key.refresh_from_db()
    assert key.active
    assert AccessKey.objects.filter(user=admin.user).count() == 1


def test_a_get_writes_nothing(admin_client, admin) -> None:
    key, _ = create_access_key(admin.user)
    for target in (CREATE, url("deactivate", key), url("activate", key), url("delete", key)):
        response = admin_client.get(target, {"listed": key.key_id, "confirmation": key.key_id})
        assert response.status_code in (200, 405)
    key.refresh_from_db()
    assert key.active
    assert AccessKey.objects.filter(user=admin.user).count() == 1


def test_signed_out_people_are_sent_to_sign_in(db) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
