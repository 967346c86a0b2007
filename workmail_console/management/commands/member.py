"""`manage.py member add|role|remove|list`: the Members page, for scripts."""

import os
import secrets
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from workmail_console.members import add_member, change_role, remove_member
from workmail_console.models import Account, Membership, Role


class Command(BaseCommand):
    help = "Add people to an account with a role, change their role, remove them, or list them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a new person to an account.")
        add.add_argument("username")
        add.add_argument(
            "--account",
            help="12-digit account ID; leave it out to create a new account for this person.",
        )
        add.add_argument("--role", choices=Role.values, default=Role.OPS)
        add.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable (default: generate one).",
        )
        role = actions.add_parser("role", help="Change a person's role.")
        role.add_argument("username")
        role.add_argument("role", choices=Role.values)
        remove = actions.add_parser("remove", help="Remove a person from their account.")
        remove.add_argument("username")
        listing = actions.add_parser("list", help="List the people in an account.")
        listing.add_argument("--account", required=True)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _account(self, account_id: str) -> Account:
        account = Account.objects.filter(account_id=account_id).first()
        if account is None:
            raise CommandError(f"No account {account_id}. `manage.py member add NAME` makes one.")
        return account

    def _membership(self, username: str) -> Membership:
        membership = (
            Membership.objects.select_related("user", "account")
            .filter(user__username=username)
            .first()
        )
        if membership is None:
            raise CommandError(f"{username} is not in any account.")
        return membership

    def _add(
        self, username: str, account: str | None, role: str, password_env: str | None, **_: Any
    ) -> None:
        # Everything that can refuse runs before anything is written, and the writes are one
        # transaction: a refused add leaves no new account behind.
        existing = get_user_model().objects.filter(username__iexact=username).first()
        if existing is not None and existing.username != username:
            raise CommandError(f"The user name {username} is already taken.")
        if existing is not None and Membership.objects.filter(user=existing).exists():
            raise CommandError(f"{username} is already in an account.")
        password = None if existing else self._password(password_env)
        try:
            with transaction.atomic():
                target = self._account(account) if account else Account.create()
                if existing is None:
                    add_member(target, username=username, password=password, role=role)
                else:
                    # Someone who can already sign in (made with createsuperuser or the admin
                    # site) but is in no account: put them in this one, keeping their password.
                    Membership.objects.create(user=existing, account=target, role=role)
        except IntegrityError:  # their one membership (OneToOne), added since the check above
            raise CommandError(f"{username} is already in an account.") from None
        self.stdout.write(f"Added {username} to account {target.account_id} as {role}.")
        if password and not password_env:
            self.stdout.write(f"Password (shown once): {password}")

    def _password(self, password_env: str | None) -> str:
        if not password_env:
            return secrets.token_urlsafe(12)
        password = os.environ.get(password_env)
        if not password:
            raise CommandError(f"The environment variable {password_env} is empty or unset.")
        return password

    def _role(self, username: str, role: str, **_: Any) -> None:
        membership = change_role(self._membership(username), role)
        self.stdout.write(f"{username} is now {membership.role} in {membership.account_id}.")

    def _remove(self, username: str, **_: Any) -> None:
        membership = self._membership(username)
        remove_member(membership)
        self.stdout.write(f"Removed {username} from account {membership.account.account_id}.")

    def _list(self, account: str, **_: Any) -> None:
        for membership in self._account(account).memberships.select_related("user"):
            self.stdout.write(f"{membership.user.username}\t{membership.role}")
