"""`manage.py create_access_key --username NAME`: two shell assignments that sign API calls."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.api.clients import client_for
from tests.factories import UserFactory
from workmail_console.access_keys import create_access_key
from workmail_console.models import AccessKey, Membership, Role

pytestmark = pytest.mark.django_db


def run(username: str) -> list[str]:
    out = StringIO()
    call_command("create_access_key", "--username", username, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_the_key_id_and_secret_as_two_assignments(admin) -> None:
    key_line, secret_line = run(admin.user.username)
    key = AccessKey.objects.get(user=admin.user)
    assert key_line == f"AWS_ACCESS_KEY_ID={key.key_id}"
    name, _, secret = secret_line.partition("=")
    assert name == "AWS_SECRET_ACCESS_KEY" and len(secret) == 40


def test_the_printed_secret_signs_api_calls(admin) -> None:
    lines = dict(line.split("=", 1) for line in run(admin.user.username))
    key = AccessKey.objects.get(key_id=lines["AWS_ACCESS_KEY_ID"])
    workmail = client_for(admin, key=(key, lines["AWS_SECRET_ACCESS_KEY"]))
    assert workmail.list_organizations()["OrganizationSummaries"] == []


def test_the_user_name_is_found_in_any_case(admin) -> None:
    run(admin.user.username.upper())
    assert AccessKey.objects.filter(user=admin.user).count() == 1


def test_a_superuser_with_no_account_gets_one(db) -> None:
    root = get_user_model().objects.create_superuser("root", password="root-password-123")
    run("root")
    membership = Membership.objects.get(user=root)
    assert membership.role == Role.ADMIN
    assert AccessKey.objects.filter(user=root).count() == 1


def test_an_unknown_user_is_an_error_saying_what_to_do(db) -> None:
    with pytest.raises(CommandError) as excinfo:
        run("nobody")
    assert str(excinfo.value) == (
        "No user nobody. `manage.py member add nobody` adds them to an account."
    )
    assert not AccessKey.objects.exists()


def test_a_user_in_no_account_is_an_error_saying_what_to_do(db) -> None:
    UserFactory(username="loner")
    with pytest.raises(CommandError) as excinfo:
        run("loner")
    assert str(excinfo.value) == (
        "loner is in no account."
        " `manage.py member add loner --account ACCOUNT_ID` puts them in one."
    )
    assert not AccessKey.objects.exists()


def test_a_third_key_is_an_error(admin) -> None:
    create_access_key(admin.user)
    create_access_key(admin.user)
    with pytest.raises(CommandError) as excinfo:
        run(admin.user.username)
    assert str(excinfo.value).startswith("You can have at most 2 access keys.")
    assert AccessKey.objects.filter(user=admin.user).count() == 2
