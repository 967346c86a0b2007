"""`manage.py create_access_key --username NAME`: Security credentials' Create access key, for
scripts. The two lines it prints are shell assignments, for `eval` or an env file."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workmail_console.access_keys import create_access_key
from workmail_console.errors import WorkMailError
from workmail_console.members import membership_for


class Command(BaseCommand):
    help = (
        "Create an API access key for a person and print AWS_ACCESS_KEY_ID and"
        " AWS_SECRET_ACCESS_KEY (the secret is shown only this once)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", required=True, help="Whose key: they sign with it.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(
                f"No user {username}. `manage.py member add {username}` adds them to an account."
            )
        if membership_for(user) is None:  # a superuser without an account gets one here
            raise CommandError(
                f"{username} is in no account. `manage.py member add {user.username}"
                " --account ACCOUNT_ID` puts them in one."
            )
        try:
            key, secret = create_access_key(user)
        except WorkMailError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"AWS_ACCESS_KEY_ID={key.key_id}")
        self.stdout.write(f"AWS_SECRET_ACCESS_KEY={secret}")
