"""`manage.py ensure_superuser`: used by `make run` so a fresh checkout can sign in at once."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from workmail_console.members import membership_for


class Command(BaseCommand):
    help = "If no superuser exists, create 'admin' with a random password and print it once."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; `manage.py changepassword` resets it.")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser("admin", password=password)
        account = membership_for(user).account
        self.stdout.write(
            self.style.SUCCESS(
                f"Created superuser admin in account {account.account_id}.\n"
                f"  Password (shown once): {password}"
            )
        )
