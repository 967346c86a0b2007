"""The embedded default after a worker crash: the filesystem broker loses the messages the dead
worker held, and the next worker to start re-enqueues them within seconds (not after
WORKMAIL_STUCK_AFTER, and with no beat running)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from organizations.lifecycle import LIFECYCLE
from tests.integration.test_lifecycle_with_worker import CREATED
from tests.processes import CeleryProcess, embedded_env
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.worker]

COUNT = 20
RESUMES_WITHIN = 20  # seconds from starting the new worker to every organization Active

CREATE = f"""
from organizations import services
from workmail_console.models import Account

account = Account.create()
for n in range({COUNT}):
    services.create_organization(account=account, region="us-east-1", alias=f"restart{{n}}")
"""


def states(database: Path) -> Counter[str]:
    with sqlite3.connect(database) as connection:
        return Counter(dict(connection.execute(
            "SELECT state, count(*) FROM organizations_organization GROUP BY state"
        )))  # fmt: skip


def transitions(database: Path) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT organization_id, from_state, to_state FROM organizations_lifecycleevent"
            " ORDER BY at, id"
        )
        for pk, source, target in rows:
            found.setdefault(pk, []).append((source, target))
    return found


def test_a_new_worker_resumes_what_a_killed_worker_held_within_seconds(tmp_path: Path) -> None:
    var = tmp_path / "var"
    # A stage delay keeps organizations in flight; the stuck sweep (no beat anyway) never comes.
    env = embedded_env(var, WORKMAIL_STAGE_DELAY="1", WORKMAIL_STUCK_AFTER="600")

    def manage(*args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    manage("migrate", "--noinput")
    database = var / "workmail.sqlite3"
    victim = CeleryProcess.worker(env, tmp_path / "victim.log", name="victim")
    rescuer = CeleryProcess.worker(env, tmp_path / "rescuer.log", name="rescuer")
    try:
        with victim:
            manage("shell", "-c", CREATE)

            def holding() -> bool:
                """the worker to have moved some organizations on and to hold messages (fewer
                left in the queue than organizations in flight): what a crash then loses"""
                counted = states(database)
                in_flight = sum(n for state, n in counted.items() if state in LIFECYCLE.working)
                queued = len(list((var / "broker" / "queue").glob("*.msg")))
                return bool(counted["Creating"] + counted["Validating"]) and queued < in_flight

            # Stopped (SIGSTOP) as soon as it holds messages, then checked again: a worker that
            # went on between the check and the kill would have published its next steps.
            for _ in range(20):
                wait_for(holding, timeout=30, interval=0.05)
                os.killpg(victim.pid, signal.SIGSTOP)
                if holding():
                    break
                os.killpg(victim.pid, signal.SIGCONT)
            victim.kill()
        in_flight = sum(n for state, n in states(database).items() if state in LIFECYCLE.working)
        queued = len(list((var / "broker" / "queue").glob("*.msg")))
        assert queued < in_flight, "the broker kept every message: nothing for the new worker"

        started = time.monotonic()
        with rescuer:

            def all_active() -> bool:
                """every organization to reach Active"""
                rescuer.check_alive()
                return states(database)["Active"] == COUNT

            wait_for(all_active, timeout=RESUMES_WITHIN, interval=0.1)
            took = time.monotonic() - started
        print(f"{in_flight} in flight, {queued} messages left; all Active {took:.1f} s after")
        assert list(transitions(database).values()) == [CREATED] * COUNT
    finally:
        for log in (log for log in (victim.log, rescuer.log) if log.exists()):
            print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-4000:]}")
