"""Members page: an account admin adds people with a role, changes it, removes them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in
from tests.factories import MembershipFactory
from workmail_console.models import Account, Membership, Role

URL = reverse("members")


def test_an_admin_adds_a_person_who_can_then_sign_in(admin_client, admin) -> None:
    response = admin_client.post(
        URL, {"username": "olga", "password": "a-long-enough-secret", "role": "ops"}, follow=True
    )
    assert "olga was added as Ops." in response.content.decode()
    olga = Membership.objects.get(user__username="olga")
    assert (olga.account, olga.role) == (admin.account, Role.OPS)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "olga", "password": "a-long-enough-secret"}, follow=True
    )
    assert admin.account.account_id in response.content.decode()


def test_the_password_is_never_shown_back(admin_client) -> None:
    response = admin_client.post(URL, {"username": "olga", "password": "short", "role": "ops"})
    assert response.status_code == 400
    assert "This password is too short." in response.content.decode()
    assert 'value="short"' not in response.content.decode()
    assert not Membership.objects.filter(user__username="olga").exists()


def test_a_taken_user_name_is_refused(admin_client, stranger) -> None:
    response = admin_client.post(
        URL, {"username": stranger.user.username, "password": "a-long-enough-secret", "role": "ops"}
    )
    assert response.status_code == 400
    assert "is already taken" in response.content.decode()


@pytest.mark.parametrize("username", ["john smith", "<b>x</b>", "bell\x07", "\x1b[31mred"])
def test_a_user_name_outside_djangos_rules_is_refused(admin_client, username: str) -> None:
    response = admin_client.post(
        URL, {"username": username, "password": "a-long-enough-secret", "role": "ops"}
    )
    assert response.status_code == 400
    assert "Enter a valid username." in response.content.decode()
    assert not get_user_model().objects.filter(username=username).exists()


def test_a_user_name_taken_in_another_case_is_refused(admin_client, stranger) -> None:
    response = admin_client.post(
        URL,
        {
            "username": stranger.user.username.upper(),
            "password": "a-long-enough-secret",
            "role": "ops",
        },
    )
    assert response.status_code == 400
    assert (
        f"The user name {stranger.user.username.upper()} is already taken."
        in response.content.decode()
    )


def test_an_admin_changes_a_role(admin_client, ops) -> None:
    admin_client.post(reverse("member-role", args=[ops.pk]), {"role": "admin"})
    ops.refresh_from_db()
    assert ops.role == Role.ADMIN


def test_the_last_admin_can_not_be_demoted_or_removed(admin_client, admin) -> None:
    response = admin_client.post(
        reverse("member-role", args=[admin.pk]), {"role": "ops"}, follow=True
    )
    assert "An account needs at least one admin." in response.content.decode()
    admin_client.post(reverse("member-remove", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_an_admin_removes_a_person(admin_client, ops) -> None:
    admin_client.post(reverse("member-remove", args=[ops.pk]))
    assert not get_user_model().objects.filter(pk=ops.user_id).exists()


def test_people_of_another_account_are_not_found(admin_client, stranger) -> None:
    assert (
        admin_client.post(reverse("member-role", args=[stranger.pk]), {"role": "ops"}).status_code
        == 404
    )
    assert admin_client.post(reverse("member-remove", args=[stranger.pk])).status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Role.ADMIN


def test_the_page_lists_only_this_accounts_people(admin_client, ops, stranger) -> None:
    page = admin_client.get(URL).content.decode()
    assert ops.user.username in page
    assert stranger.user.username not in page


def test_ops_members_can_not_manage_people(ops) -> None:
    client = signed_in(ops)
    assert client.get(URL).status_code == 403
    assert client.post(reverse("member-remove", args=[ops.pk])).status_code == 403


def test_the_member_command_adds_and_removes_people(admin, capsys) -> None:
    call_command("member", "add", "carol", "--account", admin.account.account_id, "--role", "ops")
    out = capsys.readouterr().out
    assert f"Added carol to account {admin.account.account_id} as ops." in out
    assert "Password (shown once): " in out
    call_command("member", "role", "carol", "admin")
    assert Membership.objects.get(user__username="carol").role == Role.ADMIN
    call_command("member", "remove", "carol")
    assert not Membership.objects.filter(user__username="carol").exists()


def test_the_member_command_makes_a_new_account_when_none_is_given(db, capsys) -> None:
    call_command("member", "add", "dave", "--role", "admin")
    membership = Membership.objects.get(user__username="dave")
    assert f"to account {membership.account.account_id}" in capsys.readouterr().out
    assert len(membership.account.account_id) == 12


def test_a_person_in_no_account_is_told_what_to_do(db) -> None:
    user = get_user_model().objects.create_user("loner", password="x")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("organizations:list", args=["us-east-1"]))
    assert response.status_code == 403
    assert "no account has added you" in response.content.decode()


def test_a_second_admin_may_be_demoted(admin_client, admin) -> None:
    other = MembershipFactory(account=admin.account, role=Role.ADMIN)
    admin_client.post(reverse("member-role", args=[other.pk]), {"role": "ops"})
    other.refresh_from_db()
    assert other.role == Role.OPS


def test_the_member_command_puts_an_existing_person_in_an_account(admin, capsys) -> None:
    loner = get_user_model().objects.create_user("loner", password="their-own-password")
    call_command("member", "add", "loner", "--account", admin.account.account_id)
    assert "Password" not in capsys.readouterr().out
    membership = Membership.objects.get(user=loner)
    assert (membership.account, membership.role) == (admin.account, Role.OPS)
    response = Client().post(
        reverse("login"), {"username": "loner", "password": "their-own-password"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("in_an_account", [True, False])
def test_the_member_command_refuses_a_name_taken_in_another_case_and_makes_no_account(
    db, in_an_account: bool
) -> None:
    if in_an_account:
        MembershipFactory(user__username="bob")
    else:
        get_user_model().objects.create_user("bob", password="their-own-password")
    accounts = Account.objects.count()
    with pytest.raises(CommandError, match="The user name BOB is already taken"):
        call_command("member", "add", "BOB")
    assert Account.objects.count() == accounts


def test_the_member_command_refuses_a_person_already_in_an_account(admin) -> None:
    with pytest.raises(CommandError, match="is already in an account"):
        call_command("member", "add", admin.user.username)
    assert Account.objects.count() == 1


def test_a_refused_password_leaves_no_account_behind(db, monkeypatch) -> None:
    monkeypatch.setenv("CAROL_PASSWORD", "short")
    with pytest.raises(CommandError, match="This password is too short"):
        call_command("member", "add", "carol", "--password-env", "CAROL_PASSWORD")
    assert not Account.objects.exists()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_an_ops_member_can_not_promote_themselves(ops) -> None:
    response = signed_in(ops).post(reverse("member-role", args=[ops.pk]), {"role": "admin"})
    assert response.status_code == 403
    ops.refresh_from_db()
    assert ops.role == Role.OPS
