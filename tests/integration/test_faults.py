"""Faults a deployment meets: a worker killed mid-task, and the broker restarting empty.

The database is the source of truth and a message only says "advance X, expected in state S", so
a message lost or delivered twice must neither lose an organization nor move one twice.
"""

import contextlib
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from directories.models import Directory
from organizations import services
from organizations.lifecycle import LIFECYCLE, State
from organizations.models import LifecycleEvent, Organization
from tests.conftest import CELERY_APPLICATION_NAME, require
from tests.factories import OrganizationFactory
from tests.integration.test_lifecycle_with_worker import CREATED
from tests.processes import CeleryProcess, PrivateRedis
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 30
VICTIM_PROCESSES = 2  # CeleryProcess.worker's default concurrency


def states(ids: Iterable[str]) -> dict[str, str]:
    return dict(Organization.objects.filter(pk__in=list(ids)).values_list("pk", "state"))


def all_transitions(ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {pk: [] for pk in ids}
    events = (
        LifecycleEvent.objects.filter(organization_id__in=ids)
        .order_by("at", "pk")
        .values_list("organization_id", "from_state", "to_state")
    )
    for pk, source, target in events:
        found[pk].append((source, target))
    return found


def directory_keys(ids: list[str]) -> dict[str, str | None]:
    """Each organization's directory, by the key it was made for: its own id if made once."""
    rows = Organization.objects.filter(pk__in=ids).values_list("pk", "directory__idempotency_key")
    return dict(rows)


def all_within(ids: list[str], allowed: set[str]) -> Callable[[], bool]:
    def probe() -> bool:
        counts = Counter(states(ids).values())
        probe.__doc__ = f"all {len(ids)} to be in {sorted(allowed)}; now {dict(counts)}"
        return sum(counts[state] for state in allowed) == len(ids)

    return probe


def all_reach(ids: list[str], state: str, *running: CeleryProcess) -> Callable[[], bool]:
    """Also fails at once if one of the `running` processes has exited: nothing would move then."""

    def probe() -> bool:
        for process in running:
            code = process.process.poll() if process.process else None
            assert code is None, f"celery {process.kind} exited with {code}: see its log below"
        counts = Counter(states(ids).values())
        probe.__doc__ = f"all {len(ids)} to reach {state}; now {dict(counts)}"
        return counts[state] == len(ids)

    return probe


def still_working(snapshot: dict[str, str]) -> Counter[str]:
    return Counter(state for state in snapshot.values() if state in LIFECYCLE.working)


def print_logs(*logs: Path) -> None:
    """Shown by pytest when the test fails: what the processes said."""
    for log in logs:
        if log.exists():
            print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-6000:]}")


@contextlib.contextmanager
def organizations_locked() -> Iterator[None]:
    """Hold a lock that lets workers read organizations but blocks their compare-and-set UPDATEs
    inside running tasks, from a connection of its own, until the block ends."""
    locker = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with locker.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE organizations_organization IN SHARE ROW EXCLUSIVE MODE")
            yield
            cursor.execute("ROLLBACK")
    finally:
        locker.close()


def tasks_waiting_for_the_lock() -> int:
    """Other sessions of this database whose statement waits for a lock: running tasks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.slow
def test_a_worker_killed_mid_task_loses_and_duplicates_nothing(
    celery_worker, process_env, admin, tmp_path
):
    require(None if connection.vendor == "postgresql" else "LOCK TABLE needs PostgreSQL")
    victim_log, rescuer_log, beat_log = (
        tmp_path / f"{n}.log" for n in ("victim", "rescuer", "beat")
    )
    try:
        with celery_worker.stopped():  # only the workers started here take this queue
            ids = [
                services.create_organization(
                    account=admin.account, region="us-east-1", alias=f"victim{n}"
                ).pk
                for n in range(COUNT)
            ]
            victim = CeleryProcess.worker(process_env(), victim_log, name="victim")
            with organizations_locked(), victim:

                def both_blocked() -> bool:
                    """both of the worker's processes to be blocked inside a task"""
                    return tasks_waiting_for_the_lock() == VICTIM_PROCESSES

                wait_for(both_blocked, timeout=30)
                victim.kill()
                running_at_kill = tasks_waiting_for_the_lock()
            # Released: the dead worker's blocked UPDATEs may still commit now. Harmless.
            assert running_at_kill == VICTIM_PROCESSES, "no task was running at the kill"

            rescuer = CeleryProcess.worker(process_env(), rescuer_log, name="rescuer")
            beat = CeleryProcess.beat(process_env(), beat_log, tmp_path / "schedule")
            with rescuer, beat:
                wait_for(all_reach(ids, State.ACTIVE, rescuer, beat), timeout=60, interval=0.2)

        assert Organization.objects.filter(account=admin.account).count() == COUNT
        assert all_transitions(ids) == {pk: CREATED for pk in ids}
        assert directory_keys(ids) == {pk: pk for pk in ids}
        assert Directory.objects.count() == COUNT
    finally:
        print_logs(victim_log, rescuer_log, beat_log)


@pytest.mark.slow
@pytest.mark.process
def test_a_redis_restart_loses_no_organization(celery_worker, process_env, admin, tmp_path):
    require(None if shutil.which("redis-server") else "redis-server is not on PATH")
    broker = PrivateRedis(tmp_path / "redis.log")
    # A stage delay keeps the next messages waiting (countdown) when the broker dies.
    # A consumer left deaf by the reconnection (a Celery/kombu race) connects again in seconds.
    env = process_env(
        CELERY_BROKER_URL=broker.url, WORKMAIL_STAGE_DELAY="1", WORKMAIL_CONSUMER_STALL_TIMEOUT="5"
    )
    worker = CeleryProcess.worker(env, tmp_path / "worker.log", name="survivor")
    beat = CeleryProcess.beat(env, tmp_path / "beat.log", tmp_path / "schedule")
    try:
        # Stopped: a worker sweeps the database when it starts, and these rows are for the
        # private broker's processes alone.
        with celery_worker.stopped():
            # Written straight to the table long ago, as if their messages were lost: only the
            # sweeps on the private broker (the worker's start-up sweep, beat's) send messages.
            lost_at = timezone.now() - timedelta(seconds=30)
            ids = [
                OrganizationFactory(account=admin.account, state_changed_at=lost_at).pk
                for _ in range(COUNT)
            ]
            with broker, beat, worker:  # the worker last: they move from its start-up sweep on
                # Every one between two steps: the worker holds their next messages (countdown).
                wait_for(all_within(ids, {State.CREATING, State.VALIDATING}), timeout=20)
                broker.kill()
                at_crash = states(ids)
                broker.start()
                assert still_working(at_crash), f"nothing was in flight when Redis died: {at_crash}"
                wait_for(all_reach(ids, State.ACTIVE, worker, beat), timeout=90, interval=0.2)

        assert all_transitions(ids) == {pk: CREATED for pk in ids}
        assert directory_keys(ids) == {pk: pk for pk in ids}
        assert Directory.objects.count() == COUNT
    finally:
        print_logs(broker.log, worker.log, beat.log)


@pytest.mark.slow
@pytest.mark.process
def test_a_deaf_consumer_connects_again_and_takes_what_waited(
    celery_worker, process_env, admin, tmp_path
):
    # The worker's consumer stops consuming when it starts (tests/deaf_consumer.py), as Celery's
    # does after an unlucky Redis reconnection: alive, and taking nothing.
    log = tmp_path / "worker.log"
    env = process_env(WORKMAIL_HEARTBEAT_INTERVAL="0.5", WORKMAIL_CONSUMER_STALL_TIMEOUT="3")
    worker = CeleryProcess.worker(env, log, name="deaf", include=["tests.deaf_consumer"])
    try:
        with celery_worker.stopped(), worker:
            wait_for(lambda: "no longer consumes" in log.read_text(errors="replace"), timeout=10)
            ids = [
                services.create_organization(
                    account=admin.account, region="us-east-1", alias=f"deaf-{n}"
                ).pk
                for n in range(3)
            ]
            wait_for(all_reach(ids, State.ACTIVE, worker), timeout=60, interval=0.2)
        said = log.read_text(errors="replace")
        assert said.count("has taken no message for") == 1, "one restart was enough"
        assert all_transitions(ids) == {pk: CREATED for pk in ids}
    finally:
        print_logs(log)


def terminate_sessions(application_name: str) -> int:
    """Cut off every session of this database opened under `application_name`, as a PostgreSQL
    restart would; how many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


@pytest.mark.slow
def test_a_task_after_the_workers_connection_was_cut_still_runs(
    celery_worker, process_env, admin, tmp_path
):
    require(None if connection.vendor == "postgresql" else "pg_terminate_backend is PostgreSQL's")
    application_name = f"{CELERY_APPLICATION_NAME}-cut"
    log = tmp_path / "worker.log"
    try:
        with celery_worker.stopped():
            # One process, so the task after the cut lands on the connection that was cut; and
            # no beat, so no sweep would rescue a task that failed.
            worker = CeleryProcess.worker(
                process_env(PGAPPNAME=application_name), log, name="cut", concurrency=1
            )
            with worker:
                first = services.create_organization(
                    account=admin.account, region="us-east-1", alias="beforecut"
                )
                wait_for(all_reach([first.pk], State.ACTIVE, worker), timeout=30)
                assert terminate_sessions(application_name) >= 1

                second = services.create_organization(
                    account=admin.account, region="us-east-1", alias="aftercut"
                )
                wait_for(all_reach([second.pk], State.ACTIVE, worker), timeout=30)
        assert "lost its database connection; running it again" in log.read_text()
    finally:
        print_logs(log)
