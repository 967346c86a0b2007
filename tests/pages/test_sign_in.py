"""Sign-in, and superusers made with Django's createsuperuser using the console at once."""

import logging
import os
import re
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse, set_script_prefix

from tests.factories import PASSWORD
from workmail_console.middleware import _sign_in_paths
from workmail_console.models import Membership, Role
from workmail_console.var import prepare


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
    page = client.post(
        reverse("login"), {"username": "root", "password": "root-password-123"}, follow=True
    ).content.decode()
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
    assert get_user_model().objects.get(username="admin").check_password(password)
    call_command("ensure_superuser")
    assert password not in capsys.readouterr().out


def test_signing_out_needs_a_post(admin_client) -> None:
    assert admin_client.get(reverse("logout")).status_code == 405
    admin_client.post(reverse("logout"))
    assert admin_client.get(reverse("organizations:list", args=["us-east-1"])).status_code == 302


# Sign-in throttling (django-axes): a failure counts against the user name and the address.


def attempt(username: str, password: str, address: str = "192.0.2.1", url: str = "/signin/"):
    """One sign-in from `address`, as a fresh browser would send it."""
    return Client().post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_the_limit(username: str, address: str = "192.0.2.1", url: str = "/signin/") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(username, "wrong-password", address, url)


@pytest.mark.process
def test_the_limit_and_the_cool_off_come_from_the_environment(tmp_path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workmail_console.settings",
        "WORKMAIL_VAR_DIR": str(prepare(tmp_path)),
        "WORKMAIL_SIGNIN_FAILURE_LIMIT": "3",
        "WORKMAIL_SIGNIN_COOLOFF_MINUTES": "2.5",
    }
    show = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    shown = subprocess.run(
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["3", "0:02:30"]


def test_after_the_failure_limit_the_right_password_is_refused_too(admin) -> None:
    fail_until_the_limit(admin.user.username)
    response = attempt(admin.user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_below_the_failure_limit_the_right_password_signs_in(admin) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(admin.user.username, "wrong-password")
    assert attempt(admin.user.username, PASSWORD).status_code == 302


def test_the_lockout_page_says_when_to_try_again_without_details(admin, settings) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    fail_until_the_limit(admin.user.username)
    response = attempt(admin.user.username, PASSWORD)
    page = response.content.decode()
    assert "Too many failed sign-in attempts. Try again in 15\xa0minutes." in page
    assert response["Retry-After"] == "900"
    assert "Traceback" not in page and "axes" not in page.lower()


def test_an_address_at_the_limit_is_refused_for_another_user_name(admin, ops) -> None:
    fail_until_the_limit(admin.user.username, address="192.0.2.1")
    assert attempt(ops.user.username, PASSWORD, address="192.0.2.1").status_code == 429


def test_a_user_name_at_the_limit_is_refused_from_another_address(admin) -> None:
    fail_until_the_limit(admin.user.username, address="192.0.2.1")
    assert attempt(admin.user.username, PASSWORD, address="198.51.100.7").status_code == 429


def test_a_user_name_counts_in_any_case(admin) -> None:
    name = admin.user.username
    for index in range(settings.AXES_FAILURE_LIMIT):
        variant = name.upper() if index % 2 else name.title()
        attempt(variant, "wrong-password", address=f"198.51.100.{index}")
    assert attempt(name, PASSWORD, address="203.0.113.9").status_code == 429


def test_the_admin_sites_login_is_throttled_too(db) -> None:
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    fail_until_the_limit("root", url="/admin/login/")
    response = attempt("root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_the_limit_lifts_after_the_cool_off(admin) -> None:
    fail_until_the_limit(admin.user.username)
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert attempt(admin.user.username, PASSWORD).status_code == 302


def test_a_failed_attempt_never_records_the_password(admin, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(admin.user.username, "Tr0ub4dor&3-guess")
    recorded = [
        list(model.objects.values()) for model in (AccessAttempt, AccessFailureLog, AccessLog)
    ]
    assert AccessAttempt.objects.exists()
    assert "Tr0ub4dor&3-guess" not in str(recorded)
    assert "Tr0ub4dor&3-guess" not in caplog.text


def through_a_proxy(username: str, password: str, forwarded_for: str):
    """A sign-in relayed by a reverse proxy at 10.0.0.2 that appends to X-Forwarded-For."""
    return Client().post(
        "/signin/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_x_forwarded_for_is_ignored_without_trusted_proxies(ops) -> None:
    for index in range(settings.AXES_FAILURE_LIMIT):
        through_a_proxy(f"nobody{index}", "wrong-password", f"198.51.100.{index}")
    assert through_a_proxy(ops.user.username, PASSWORD, "203.0.113.5").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_alone(ops, settings) -> None:
    settings.WORKMAIL_TRUSTED_PROXY_COUNT = 1
    for index in range(settings.AXES_FAILURE_LIMIT):
        through_a_proxy(f"nobody{index}", "wrong-password", "192.0.2.1")
    assert through_a_proxy(ops.user.username, PASSWORD, "198.51.100.7").status_code == 302


def test_behind_a_trusted_proxy_a_forged_x_forwarded_for_does_not_dodge_the_limit(
    ops, settings
) -> None:
    settings.WORKMAIL_TRUSTED_PROXY_COUNT = 1
    for index in range(settings.AXES_FAILURE_LIMIT):
        through_a_proxy(f"nobody{index}", "wrong-password", f"198.51.100.{index}, 192.0.2.1")
    forged = through_a_proxy(ops.user.username, PASSWORD, "203.0.113.5, 192.0.2.1")
    assert forged.status_code == 429


class CountingHasher(PBKDF2PasswordHasher):
    """Counts the passwords it checks; each check takes a while, as real ones do (tests use MD5)."""

    iterations = 400_000
    checked: list[str] = []

    def verify(self, password: str, encoded: str) -> bool:
        self.checked.append(password)
        return super().verify(password, encoded)


@pytest.mark.django_db(transaction=True)
def test_twenty_guesses_at_once_check_no_more_passwords_than_the_limit(admin, settings) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checked.clear()
    admin.user.set_password(PASSWORD)
    admin.user.save()
    start = threading.Barrier(20)

    def guess(index: int) -> None:
        try:
            start.wait()
            attempt(admin.user.username, f"guess-{index}")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(CountingHasher.checked) == settings.AXES_FAILURE_LIMIT


def test_the_sign_in_lock_knows_the_sign_in_paths_under_any_script_prefix() -> None:
    """Mounted under a prefix (SCRIPT_NAME), the sign-in pages' paths carry it: the paths the
    lock keeps are its own for each prefix."""
    try:
        set_script_prefix("/console/")
        assert _sign_in_paths() == {"/console/signin/", "/console/admin/login/"}
    finally:
        set_script_prefix("/")
    assert _sign_in_paths() == {"/signin/", "/admin/login/"}


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "x" * 100_000, "password": "wrong-password"},
        {"username": "bob\x00", "password": "wrong-password"},
        {"username": "bob", "password": "wrong\x00password"},
        {"username": "<script>alert(1)</script>", "password": "\u202e\U0001f600"},
        {"username": ["bob", "alice"], "password": ["a", "b"]},
        {},
    ],
    ids=["overlong", "nul-in-name", "nul-in-password", "markup", "repeated", "empty"],
)
def test_hostile_sign_in_input_gets_the_form_again_not_a_500(db, fields: dict) -> None:
    assert Client().post("/signin/", fields).status_code == 200


@pytest.mark.parametrize("forwarded_for", ["not-an-address", "\x00", ",,,", "1.2.3.4.5, ::zz"])
def test_a_garbled_x_forwarded_for_counts_against_the_proxy_address(
    admin, settings, forwarded_for: str
) -> None:
    settings.WORKMAIL_TRUSTED_PROXY_COUNT = 1
    response = through_a_proxy(admin.user.username, "wrong-password", forwarded_for)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
