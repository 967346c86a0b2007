"""Shared fixtures: people and accounts, and real Celery processes on a real broker; the markers
that say what a test needs.

Under CI=true a test that needs a service (Redis, PostgreSQL, Chromium) fails instead of skipping.
"""

import functools
import multiprocessing.util
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import hypothesis
import pytest
from celery.signals import after_task_publish
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.test import Client, TransactionTestCase
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.factories import MembershipFactory
from tests.processes import CeleryProcess, broker_problem, forget_queue, free_port
from workmail_console.celery import app as celery_app
from workmail_console.models import Membership, Role

IN_CI = os.environ.get("CI", "").lower() == "true"
# Every test run sends to its own queue, so a stray worker from another run can't take its messages.
QUEUE = f"workmail-test-{uuid.uuid4().hex[:8]}"
CELERY_APPLICATION_NAME = f"{QUEUE}-celery"
# The workers resolve through the project's DNS server on this port, when a test starts one there
# (worker_dns_server).
WORKER_DNS_PORT = free_port()
# The DNS server fixtures, for the route53 tests and every other test that needs real DNS; the
# boto3 clients, for the API tests and the browser tests that check the API sees the same.
pytest_plugins = ["tests.route53.dns_servers", "tests.api.clients"]
# Hypothesis: the full count of examples in CI, a few locally (where an example that failed is
# kept in .hypothesis/ and tried first the next time). A test may ask for its own count.
hypothesis.settings.register_profile("ci", max_examples=15)
hypothesis.settings.register_profile("local", max_examples=3)
hypothesis.settings.load_profile("ci" if IN_CI else "local")


# What a test needs, from the fixtures it uses (its fixtures' fixtures too); `make check` runs the
# tests that need none of these. A test that starts a process itself says so with a marker.
NEEDS = {
    "celery_worker": "worker",
    "celery_beat": "worker",
    "start_worker": "worker",  # tests/ops/test_heartbeats.py
    "beat": "worker",  # tests/ops/test_heartbeats.py
    "browser": "browser",  # Playwright's Chromium, under `page`
    "live_server": "browser",
    "dns_server": "dnsserver",
    "start_dns_server": "dnsserver",
    "worker_dns_server": "dnsserver",
}
PROCESS_MARKERS = {*NEEDS.values(), "process"}
# Tests that take seconds each by nature, left to `make test`: a migration applied, undone and
# applied again, twenty requests at once, and hostile bodies sent to every API operation.
SLOW_MODULES = re.compile(
    r"tests/(integration/test_\w+_migration|races/test_\w+|api/test_hostile_bodies)\.py"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        needs = {NEEDS[name] for name in getattr(item, "fixturenames", ()) if name in NEEDS}
        if SLOW_MODULES.search(item.path.as_posix()):
            needs.add("slow")
        for marker in sorted(needs):
            item.add_marker(marker)


@pytest.fixture(autouse=True)
def _no_process_unless_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test without a marker from PROCESS_MARKERS runs in `make check`: it must start no
    process. One that does fails, saying which marker it needs."""
    if any(request.node.get_closest_marker(name) for name in PROCESS_MARKERS):
        return

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(
            f"{request.node.nodeid} starts a process: mark it `process` (or `worker`) so that"
            " `make check` leaves it out",
            pytrace=False,
        )

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", refuse)


def pytest_configure(config: pytest.Config) -> None:
    os.environ["WORKMAIL_QUEUE"] = QUEUE
    celery_app.conf.task_default_queue = QUEUE
    settings.WORKMAIL_STAGE_DELAY = 0  # the workers started below get 0 too
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # fast, tests only


_flush_tables = TransactionTestCase._fixture_teardown


def _flush_tables_despite_deadlocks(self: TransactionTestCase) -> None:
    """A transactional test's table wipe, tried again when PostgreSQL broke a deadlock by
    aborting it: the session's worker may still be running a task the test sent (a registration
    completing, say), holding row locks that TRUNCATE waits for while the task waits for it."""
    for attempt in range(5):
        try:
            return _flush_tables(self)
        except CommandError as error:
            deadlocked = isinstance(error.__cause__, OperationalError) and (
                "deadlock" in str(error.__cause__)
            )
            if not deadlocked or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


TransactionTestCase._fixture_teardown = _flush_tables_despite_deadlocks

_truncate = PostgresOperations.sql_flush


def _delete_rows(
    self: PostgresOperations,
    style,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """A transactional test's table wipe on PostgreSQL as DELETEs: a TRUNCATE of every table
    takes about 0.3 s (new files for each table and index), deleting a test's few rows a few
    milliseconds. The tables are locked first, as TRUNCATE locks them, so that a worker still
    running a task writes nothing between the DELETEs; Django's foreign keys are deferred, so
    their order does not matter."""
    if reset_sequences or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    quoted = [self.quote_name(table) for table in tables]
    lock = f"LOCK TABLE {', '.join(quoted)} IN ACCESS EXCLUSIVE MODE;"
    return [lock, *(f"DELETE FROM {table};" for table in quoted)]


PostgresOperations.sql_flush = _delete_rows

_find_static_files = WhiteNoiseMiddleware.add_files_from_finders
_static_files: dict[str, object] = {}


def _find_static_files_once(self: WhiteNoiseMiddleware) -> None:
    """WhiteNoise finds and reads the headers of every static file (the admin's 170 too) each time
    the middleware loads, which every new test client does: once a run is enough."""
    if not _static_files:
        _find_static_files(self)
        _static_files.update(self.files)
    self.files.update(_static_files)


WhiteNoiseMiddleware.add_files_from_finders = _find_static_files_once


def require(problem: str | None) -> None:
    """Skip when a service is missing, except under CI=true, where that is a failure."""
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"CI needs this service: {problem}", pytrace=False)
    pytest.skip(problem)


@pytest.fixture
def admin(db) -> Membership:
    return MembershipFactory(role=Role.ADMIN)


@pytest.fixture
def ops(admin: Membership) -> Membership:
    return MembershipFactory(role=Role.OPS, account=admin.account)


@pytest.fixture
def stranger(db) -> Membership:
    """An admin of another account."""
    return MembershipFactory(role=Role.ADMIN)


def signed_in(membership: Membership) -> Client:
    """A client with a session of `membership`'s person, as signing in leaves it. Written
    straight into the session store: force_login's signals (the last-login update, the sign-in
    log) cost a third of a page test, and the tests of signing in go through the sign-in page."""
    user = membership.user
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = _session_backend()
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@functools.cache
def _session_backend() -> str:
    """The first authentication backend that can load a session's user (as force_login picks)."""
    return next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )


@pytest.fixture
def admin_client(admin: Membership) -> Client:
    return signed_in(admin)


def _database_url() -> str:
    """The URL of the test database, for processes that must share it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _process_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WORKMAIL_QUEUE": QUEUE,
        "WORKMAIL_STAGE_DELAY": "0",
        "WORKMAIL_STUCK_AFTER": "2",
        "WORKMAIL_SWEEP_INTERVAL": "1",
        "WORKMAIL_HEALTH_INTERVAL": "1",
        "WORKMAIL_INACTIVE_INTERVAL": "1",
        "WORKMAIL_DNS_CHECK_INTERVAL": "1",
        "WORKMAIL_DNS_NAMESERVERS": f"127.0.0.1:{WORKER_DNS_PORT}",
        "WORKMAIL_DNS_TIMEOUT": "1",
        # How their database sessions show in pg_stat_activity (libpq reads it), so a test can
        # cut theirs off without touching its own.
        "PGAPPNAME": CELERY_APPLICATION_NAME,
    }
    env.update(extra)
    return env


@pytest.fixture(scope="session", autouse=True)
def _wait_for_other_sessions_at_the_end(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Before the test database is dropped, let stopped workers' connections close on the server."""
    yield
    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith(
        "test_"
    ):
        return  # nothing to drop: SQLite, or no test in this run used the database
    with django_db_blocker.unblock():
        other_sessions = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for _ in range(100):
            with connection.cursor() as cursor:
                cursor.execute(other_sessions)
                if cursor.fetchone()[0] == 0:
                    return
            time.sleep(0.05)


@pytest.fixture(scope="session", autouse=True)
def _forget_the_queue_at_the_end() -> Iterator[None]:
    """Drop this run's queue from the broker at the end (after the worker stopped, if one ran):
    tests that commit send messages for real, and a run without a worker would leave them."""
    yield
    if broker_problem(settings.CELERY_BROKER_URL) is None:
        forget_queue(settings.CELERY_BROKER_URL, QUEUE)


@pytest.fixture(scope="session")
def services_problem(django_db_setup, django_db_blocker) -> str | None:
    if IN_CI and connection.vendor != "postgresql":
        return "integration tests run on PostgreSQL in CI: set DATABASE_URL=postgres://…"
    if IN_CI and not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "integration tests run on Redis in CI: set CELERY_BROKER_URL=redis://…"
    return broker_problem(settings.CELERY_BROKER_URL)


@pytest.fixture(scope="session")
def process_env(services_problem):
    """Environment for Celery processes that share this run's test database and queue."""
    return _process_env


@pytest.fixture(scope="session")
def celery_worker(services_problem, process_env, tmp_path_factory) -> Iterator[CeleryProcess]:
    """A real `celery worker` process (two children) for the whole session."""
    require(services_problem)
    log = Path(tmp_path_factory.mktemp("worker")) / "worker.log"
    with CeleryProcess.worker(process_env(), log) as worker:
        yield worker


@pytest.fixture
def celery_beat(services_problem, process_env, tmp_path) -> Iterator[CeleryProcess]:
    """A real `celery beat` process that runs the stuck-organization sweep every second."""
    require(services_problem)
    with CeleryProcess.beat(process_env(), tmp_path / "beat.log", tmp_path / "schedule") as beat:
        yield beat


@pytest.fixture
def published_tasks(services_problem) -> Iterator[list[tuple[str, list]]]:
    """(task name, args) of every message the broker accepted while the test ran."""
    require(services_problem)
    published: list[tuple[str, list]] = []

    def record(sender: str, headers: dict, body: tuple, **kwargs: object) -> None:
        published.append((sender, list(body[0])))

    after_task_publish.connect(record, weak=False)
    yield published
    after_task_publish.disconnect(record)
