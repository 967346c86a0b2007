"""The embedded default (SQLite and the filesystem broker) with web-like writers, a worker and
beat writing at once: every organization reaches Active and nobody sees "database is locked"."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import CeleryProcess, embedded_env

pytestmark = [pytest.mark.slow, pytest.mark.worker]

CREATE_AND_WAIT = textwrap.dedent(
    """
    import time
    from concurrent.futures import ThreadPoolExecutor
    from django.db import connection
    from organizations import services
    from organizations.models import Organization
    from workmail_console.celery import app
    from workmail_console.models import Account

    account = Account.create()

    def create(i):
        try:
            services.create_organization(account=account, region="us-east-1", alias=f"lite{i}")
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(create, range(40)))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = list(Organization.objects.values_list("state", flat=True))
        if states.count("Active") == 40:
            break
        time.sleep(0.2)
    print("transport", app.connection_for_write().transport_cls)
    print("journal", connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
    print("active", states.count("Active"), "of", len(states))
    """
)


def test_sqlite_and_the_filesystem_broker_hold_up_under_concurrent_writers(tmp_path: Path) -> None:
    env = embedded_env(
        tmp_path / "var",
        WORKMAIL_STAGE_DELAY="0.2",
        WORKMAIL_STUCK_AFTER="2",
        WORKMAIL_SWEEP_INTERVAL="0.5",
    )

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert manage("migrate", "--noinput").returncode == 0
    with (
        CeleryProcess.worker(env, tmp_path / "worker.log", name="embedded"),
        CeleryProcess.beat(env, tmp_path / "beat.log", tmp_path / "schedule"),
    ):
        result = manage("shell", "-c", CREATE_AND_WAIT)
    logs = result.stdout + result.stderr
    logs += (tmp_path / "worker.log").read_text() + (tmp_path / "beat.log").read_text()
    assert "transport workmail_console.broker:Transport" in result.stdout, logs[-3000:]
    assert "journal wal" in result.stdout, logs[-3000:]
    assert "active 40 of 40" in result.stdout, logs[-3000:]
    assert "database is locked" not in logs
