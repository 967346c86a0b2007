"""Security settings: HTTPS when SECURE_COOKIES=true, `check --deploy`, no caching of signed-in
pages, owner-only files under var/, and error pages in the console's look without details."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from tests.factories import PASSWORD, OrganizationFactory

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "console.example.com",
    "SECURE_COOKIES": "true",
}


def run_console(
    args: list[str], var_dir: Path, *, embedded: bool = False, **env: str
) -> subprocess.CompletedProcess:
    """The console's code in a process of its own, with its settings read from `env`.

    `embedded`: the defaults, SQLite and the filesystem broker, rather than this run's services.
    """
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests' conftest sets it for this process
    if embedded:
        dropped |= {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY"}
    base = {key: value for key, value in os.environ.items() if key not in dropped}
    environ = {
        **base,
        "DJANGO_SETTINGS_MODULE": "workmail_console.settings",
        "WORKMAIL_VAR_DIR": str(var_dir),
        **env,
    }
    # What most shells give: without the console's care, files would be world-readable.
    options = {"cwd": settings.BASE_DIR, "env": environ, "capture_output": True, "umask": 0o022}
    if embedded:  # as `make run` starts: the var dir first
        subprocess.run([sys.executable, "-m", "workmail_console.var"], check=True, **options)
    return subprocess.run([sys.executable, *args], text=True, timeout=120, **options)


@pytest.mark.process
def test_check_deploy_with_the_production_settings_warns_about_nothing(tmp_path) -> None:
    result = run_console(["manage.py", "check", "--deploy"], tmp_path, **PRODUCTION)
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert not re.search(r"\bW\d{3}\b", result.stdout + result.stderr)


GET_SIGN_IN_PAGE = """
import django
django.setup()
from django.test import Client
page = Client().get("/signin/", HTTP_HOST="console.example.com", HTTP_X_FORWARDED_PROTO="https")
print(page.status_code, page.get("Location"), page.get("Strict-Transport-Security"))
"""


@pytest.mark.process
def test_with_secure_cookies_http_is_redirected_and_a_forged_forwarded_proto_is_ignored(
    tmp_path,
) -> None:
    result = run_console(["-c", GET_SIGN_IN_PAGE], tmp_path, **PRODUCTION)
    assert result.stdout.split() == ["301", "https://console.example.com/signin/", "None"]


@pytest.mark.process
def test_behind_a_configured_tls_proxy_https_pages_carry_hsts(tmp_path) -> None:
    result = run_console(
        ["-c", GET_SIGN_IN_PAGE],
        tmp_path,
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    status, _, hsts = result.stdout.strip().split(" ", 2)
    assert (status, hsts) == ("200", "max-age=31536000; includeSubDomains; preload")


def test_the_session_cookie_is_not_sent_with_cross_site_posts(admin) -> None:
    response = Client().post("/signin/", {"username": admin.user.username, "password": PASSWORD})
    assert response.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_a_signed_in_page_is_private_and_never_stored(admin_client) -> None:
    response = admin_client.get("/us-east-1/organizations/")
    assert {"private", "no-store"} <= cache_control(response)


def test_an_htmx_fragment_for_a_signed_in_person_is_private_and_never_stored(
    admin_client, admin
) -> None:
    OrganizationFactory(account=admin.account)  # still working, so the poll gets its fragment
    response = admin_client.get("/us-east-1/organizations/", HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert {"private", "no-store"} <= cache_control(response)


def test_static_files_stay_cacheable_for_signed_in_people(admin_client) -> None:
    response = admin_client.get("/static/css/console.css")
    assert response.status_code == 200
    assert not {"private", "no-store"} & cache_control(response)


# While the connection is open, SQLite's -wal and -shm files exist beside the database.
MIGRATE_AND_LIST_MODES = """
import django, os, stat
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
connection.cursor().execute("SELECT count(*) FROM django_migrations")
for path in [settings.VAR_DIR, *sorted(settings.VAR_DIR.rglob("*"))]:
    if "static" not in path.relative_to(settings.VAR_DIR).parts:
        print(path.relative_to(settings.VAR_DIR), oct(stat.S_IMODE(path.stat().st_mode)))
"""

OWNER_ONLY = {
    ".": "0o700",
    "secret_key": "0o600",
    "workmail.sqlite3": "0o600",
    "workmail.sqlite3-wal": "0o600",
    "workmail.sqlite3-shm": "0o600",
    "broker": "0o700",
    "broker/control": "0o700",
    "broker/processed": "0o700",
    "broker/queue": "0o700",
}


def modes_after_a_start(var_dir: Path) -> dict[str, str]:
    result = run_console(["-c", MIGRATE_AND_LIST_MODES], var_dir, embedded=True)
    assert result.returncode == 0, result.stderr
    return dict(line.split() for line in result.stdout.splitlines())


@pytest.mark.process
def test_a_fresh_var_dir_is_readable_by_its_owner_only(tmp_path) -> None:
    assert modes_after_a_start(tmp_path / "var") == OWNER_ONLY


@pytest.mark.process
def test_an_existing_var_dir_with_looser_modes_is_tightened_at_start(tmp_path) -> None:
    var_dir = tmp_path / "var"
    modes_after_a_start(var_dir)
    for entry in [var_dir, *var_dir.rglob("*")]:
        entry.chmod(0o755 if entry.is_dir() else 0o644)
    assert modes_after_a_start(var_dir) == OWNER_ONLY


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("KeyError in secret_step: password=hunter2")


urlpatterns = [path("crash/", crash)]  # this module is the URLconf of the 500 page's test


@pytest.mark.urls(__name__)
def test_a_crash_gets_the_console_s_500_page_without_details(db) -> None:
    response = Client(raise_request_exception=False).get("/crash/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side. Try again;" in page
    assert 'class="top-nav"' in page and "css/console.css" in page
    leaked = [
        word for word in ("RuntimeError", "secret_step", "hunter2", "Traceback") if word in page
    ]
    assert leaked == []


def test_a_bad_host_gets_the_console_s_400_page(db) -> None:
    response = Client().get("/signin/", HTTP_HOST="attacker.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The console could not understand this request." in page
    assert 'class="top-nav"' in page and "attacker.example" not in page
