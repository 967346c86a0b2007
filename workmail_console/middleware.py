"""Request-wide security: sign-in attempts taken one at a time, signed-in pages never stored."""

import hashlib
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.cache import patch_cache_control

from workmail_console.signin import attempted_username, client_address


class PrivatePages:
    """Every answer to a signed-in person, page or htmx fragment, is `private, no-store`.

    They carry account data: no shared cache may keep them, nor the browser's disk after sign-out.
    Static files never get here (WhiteNoise answers them first) and stay cacheable; Vary: Cookie
    comes from the session middleware, which every signed-in request reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _advisory_key(name: str) -> int:
    """A signed 64-bit PostgreSQL advisory lock key for `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class SignInAttemptLock:
    """Takes sign-in attempts for one user name, or from one address, one at a time.

    django-axes checks the failure count, then the password, then records the failure: twenty
    guesses sent at once would all pass the check. Holding a lock on the user name and on the
    address from before the check until the failure is committed makes the limit hold.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path not in _sign_in_paths():
            return self.get_response(request)
        names = {f"user:{attempted_username(request, None)}", f"address:{client_address(request)}"}
        # SQLite's IMMEDIATE transactions already take the database's write lock at BEGIN.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for name in sorted(names):  # one order everywhere, so no deadlock
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_advisory_key(name)])
            return self.get_response(request)


def _sign_in_paths() -> frozenset[str]:
    """The console's and the admin site's sign-in paths: reversed once per URLconf and script
    prefix: two reverse() calls on every POST, API calls included, cost 0.03-0.05 ms."""
    return _reversed_sign_in_paths(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=16)
def _reversed_sign_in_paths(urlconf: str, prefix: str) -> frozenset[str]:
    return frozenset({reverse("login", urlconf), reverse("admin:login", urlconf)})
