"""Sign-in, and superusers made with Django's createsuperuser using the console at once."""

import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from workmail_console.models import Membership, Role


def test_the_sign_in_page_signs_people_in(admin) -> None:
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">User name</label>' in page
    response = client.post(
        reverse("login"), {"username": admin.user.username, "password": PASSWORD}, follow=True
    )
    assert admin.account.account_id in response.content.decode()


def test_a_wrong_password_is_refused_without_saying_which_part(admin) -> None:
    response = Client().post(reverse("login"), {"username": admin.user.username, "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_a_superuser_from_createsuperuser_gets_an_account_as_admin(db, monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-password-123")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    call_command("createsuperuser", "--noinput", "--username", "root")
    client = Client()
    assert client.login(username="root", password="root-password-123")
    page = client.get(reverse("organizations:list", args=["us-east-1"])).content.decode()
    membership = Membership.objects.get(user__username="root")
    assert membership.role == Role.ADMIN
    assert re.fullmatch(r"\d{12}", membership.account.account_id)
    assert membership.account.account_id in page
    client.get(reverse("organizations:list", args=["us-east-1"]))
    assert Membership.objects.filter(user__username="root").count() == 1


def test_ensure_superuser_prints_a_password_once(db, capsys) -> None:
    call_command("ensure_superuser")
    first = capsys.readouterr().out
    password = re.search(r"Password \(shown once\): (\S+)", first).group(1)
    assert Client().login(username="admin", password=password)
    call_command("ensure_superuser")
    assert password not in capsys.readouterr().out


def test_signing_out_needs_a_post(admin_client) -> None:
    assert admin_client.get(reverse("logout")).status_code == 405
    admin_client.post(reverse("logout"))
    assert admin_client.get(reverse("organizations:list", args=["us-east-1"])).status_code == 302
