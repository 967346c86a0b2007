"""Workers and beat say they are alive by themselves (remote control is off), and the broker says
how many messages wait: what the dashboard's Workers and beat tile and /metrics read.

Real processes on the real database and broker; heartbeats every second and a 4-second timeout,
so a dead worker drops out quickly."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ops import heartbeats
from ops.heartbeats import live_beat, live_workers, record
from ops.models import Heartbeat, ProcessKind
from ops.queue import queue_depth
from organizations import services
from organizations.models import Organization
from tests.conftest import CELERY_APPLICATION_NAME, require
from tests.processes import CeleryProcess, embedded_env, forget_queue, free_port
from tests.waiting import wait_for
from workmail_console.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

INTERVAL = 1
TIMEOUT = 4
HEARTBEATS = {"WORKMAIL_HEARTBEAT_INTERVAL": str(INTERVAL), "WORKMAIL_HEARTBEAT_TIMEOUT": "4"}
SWEEP = "sweep-stuck"
# How this test's worker and beat show in pg_stat_activity: a test cuts off theirs, not the
# session worker's.
APPLICATION_NAME = f"{CELERY_APPLICATION_NAME}-heartbeats"
SCHEDULED = sorted(settings.CELERY_BEAT_SCHEDULE)  # beat records when it last sent each of them


@pytest.fixture(autouse=True)
def _timeout(settings) -> None:
    settings.WORKMAIL_HEARTBEAT_TIMEOUT = TIMEOUT


@pytest.fixture
def queue(services_problem, settings) -> Iterator[str]:
    """A queue of the test's own, where its worker and beat and this process send: what they
    leave there is dropped at the end, and no other test's worker reads it."""
    require(services_problem)
    name = f"heartbeats-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    try:
        yield name
    finally:
        celery_app.conf.task_default_queue = previous
        forget_queue(settings.CELERY_BROKER_URL, name)


@pytest.fixture
def env(process_env, queue: str) -> dict[str, str]:
    """The environment of this test's worker and beat: its queue, a heartbeat every second."""
    return process_env(WORKMAIL_QUEUE=queue, PGAPPNAME=APPLICATION_NAME, **HEARTBEATS)


@pytest.fixture
def start_worker(env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., CeleryProcess]]:
    """Start real workers of this test's own; all stopped at the end."""
    started: list[CeleryProcess] = []

    def start(name: str, concurrency: int = 2) -> CeleryProcess:
        worker = CeleryProcess.worker(
            env, tmp_path / f"{name}.log", name=name, concurrency=concurrency
        )
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def stop_warm(process: CeleryProcess) -> None:
    """SIGTERM to the main process only, as `docker stop` and `make run` send it: warm shutdown.
    (CeleryProcess.stop signals the whole group, so the pool's children die under the worker.)"""
    os.kill(process.pid, signal.SIGTERM)
    assert process.process.wait(timeout=30) == 0, process.tail()


def node(name: str) -> str:
    """The node name CeleryProcess.worker gives a worker called `name`."""
    return f"{name}-{os.getpid()}@{socket.gethostname()}"


def live(name: str) -> Heartbeat | None:
    return live_workers().filter(hostname=node(name)).first()


def seen_after(name: str, moment: datetime) -> Callable[[], Heartbeat | None]:
    def probe() -> Heartbeat | None:
        row = live(name)
        return row if row and row.last_seen > moment else None

    probe.__doc__ = f"worker {name} to record a heartbeat after {moment}"
    return probe


# --- Rows ---------------------------------------------------------------------------------------


def test_a_process_restarted_with_the_same_host_and_pid_has_one_row_with_its_new_start():
    """Containers: a restarted worker is often PID 1 on the same host again."""
    first_start = timezone.now() - timedelta(hours=1)
    record(ProcessKind.WORKER, "celery@box", 1, started=first_start, concurrency=2)
    restart = timezone.now()
    record(ProcessKind.WORKER, "celery@box", 1, started=restart, concurrency=4)
    row = Heartbeat.objects.get(hostname="celery@box")  # the session's worker beats here too
    assert (row.started, row.concurrency) == (restart, 4)
    assert row.last_seen >= restart


def test_recording_deletes_the_rows_of_processes_gone_for_a_day(monkeypatch):
    monkeypatch.setattr(heartbeats, "_next_prune", 0.0)  # as in a process that just started
    now = timezone.now()
    for pid, hours in [(1, 25), (2, 23)]:
        record(ProcessKind.WORKER, "celery@old", pid, started=now)
        Heartbeat.objects.filter(hostname="celery@old", pid=pid).update(
            last_seen=now - timedelta(hours=hours)
        )
    monkeypatch.setattr(heartbeats, "_next_prune", 0.0)
    record(ProcessKind.BEAT, "box", 3, started=now)
    mine = Heartbeat.objects.filter(hostname__in=["celery@old", "box"])  # not the session's worker
    assert sorted(mine.values_list("pid", flat=True)) == [2, 3]


# --- Workers ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_started_worker_is_live_with_its_node_name_pid_concurrency_and_queue(start_worker, queue):
    worker = start_worker("hb-started", concurrency=3)
    row = wait_for(lambda: live("hb-started"), timeout=10)
    assert (row.pid, row.concurrency, row.queues) == (worker.pid, 3, queue)
    assert row.started <= row.last_seen <= timezone.now()


@pytest.mark.slow
def test_a_running_worker_stays_live_beyond_the_timeout(start_worker):
    start_worker("hb-running")
    first = wait_for(lambda: live("hb-running"), timeout=10)
    time.sleep(TIMEOUT + INTERVAL)
    again = live("hb-running")
    assert again is not None, "a worker still running dropped out"
    assert again.last_seen > first.last_seen + timedelta(seconds=TIMEOUT)
    assert again.started == first.started


@pytest.mark.slow
def test_a_killed_worker_drops_out_within_the_timeout(start_worker):
    worker = start_worker("hb-killed")
    wait_for(lambda: live("hb-killed"), timeout=10)
    worker.kill()  # SIGKILL: no chance to say goodbye
    killed = time.monotonic()
    wait_for(lambda: live("hb-killed") is None, timeout=TIMEOUT + 2)
    assert time.monotonic() - killed <= TIMEOUT + INTERVAL
    # Its row is still there, only stale: nothing but the timeout told the dashboard.
    assert Heartbeat.objects.filter(hostname=node("hb-killed")).exists()


@pytest.mark.slow
def test_a_worker_stopped_gracefully_is_gone_at_once(start_worker):
    worker = start_worker("hb-stopped")
    wait_for(lambda: live("hb-stopped"), timeout=10)
    stop_warm(worker)
    assert not Heartbeat.objects.filter(hostname=node("hb-stopped")).exists()


def _database_problem() -> str | None:
    return None if connection.vendor == "postgresql" else "needs PostgreSQL"


def _connect(dbname: str | None = None, **options: object) -> psycopg.Connection:
    """A connection of its own to the test database's server (Django's can't do this part)."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"] or None, dbname=dbname or db["NAME"], **options,
    )  # fmt: skip


@pytest.mark.slow
def test_a_slow_database_delays_the_heartbeat_not_the_tasks(start_worker, admin):
    require(_database_problem())
    start_worker("hb-slowdb")
    wait_for(lambda: live("hb-slowdb"), timeout=10)
    with _connect() as locker:
        # Every heartbeat write now waits for this lock, for as long as the test holds it.
        locker.execute("LOCK TABLE ops_heartbeat IN ACCESS EXCLUSIVE MODE")
        time.sleep(2 * INTERVAL)  # the worker's heartbeat is stuck behind the lock by now
        organization = services.create_organization(
            account=admin.account, region="us-east-1", alias="slowdb"
        )

        def active() -> bool:
            return Organization.objects.get(pk=organization.pk).state == "Active"

        wait_for(active, timeout=15)
        locker.rollback()
    wait_for(seen_after("hb-slowdb", timezone.now()), timeout=5)


def refuse_connections_until_warned(process: CeleryProcess) -> None:
    """The test database refuses every connection but the test's own, until `process` has logged
    that its heartbeat was not recorded."""
    require(_database_problem())
    name = connection.settings_dict["NAME"]
    connection.ensure_connection()
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            # Only this test's Celery processes' sessions: this test process may hold several of
            # its own (Playwright's event loop gives Django connections per context).
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name = %s",
                [name, APPLICATION_NAME],
            )

            def warned() -> bool:
                return f"{process.kind.title()} heartbeat not recorded" in process.tail()

            wait_for(warned, timeout=5)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


@pytest.mark.slow
def test_a_worker_survives_a_database_it_cannot_reach_and_beats_again_after(start_worker):
    require(_database_problem())
    worker = start_worker("hb-nodb")
    wait_for(lambda: live("hb-nodb"), timeout=10)
    refuse_connections_until_warned(worker)
    worker.check_alive()
    wait_for(seen_after("hb-nodb", timezone.now()), timeout=5)


# --- Beat -------------------------------------------------------------------------------------


@pytest.fixture
def beat(env: dict[str, str], tmp_path: Path) -> Iterator[CeleryProcess]:
    with CeleryProcess.beat(env, tmp_path / "beat.log", tmp_path / "schedule") as process:
        yield process


def sweep_sent_after(moment: datetime) -> Callable[[], Heartbeat | None]:
    def probe() -> Heartbeat | None:
        row = live_beat()
        sent = row and row.last_runs.get(SWEEP)
        return row if sent and datetime.fromisoformat(sent) > moment else None

    probe.__doc__ = f"beat to record a {SWEEP} sent after {moment}"
    return probe


@pytest.mark.slow
def test_beat_records_when_it_last_sent_the_sweep(beat):
    first = wait_for(sweep_sent_after(timezone.now() - timedelta(seconds=5)), timeout=10)
    assert first.pid == beat.pid
    assert set(first.last_runs) <= set(SCHEDULED)  # the periodic tasks only
    later = wait_for(sweep_sent_after(datetime.fromisoformat(first.last_runs[SWEEP])), timeout=5)
    assert later.pk == first.pk


@pytest.mark.slow
def test_beat_survives_a_database_it_cannot_reach_and_beats_again_after(beat):
    wait_for(live_beat, timeout=10)
    refuse_connections_until_warned(beat)
    beat.check_alive()
    wait_for(sweep_sent_after(timezone.now()), timeout=5)


@pytest.mark.slow
def test_beat_stopped_gracefully_is_gone_at_once(beat):
    wait_for(live_beat, timeout=10)
    stop_warm(beat)
    assert live_beat() is None
    assert not Heartbeat.objects.filter(kind=ProcessKind.BEAT).exists()


# --- The embedded default: SQLite and the filesystem broker -----------------------------------

LIVE = textwrap.dedent(
    """
    from ops.heartbeats import live_beat, live_workers
    print("workers", [(w.pid, w.concurrency) for w in live_workers()])
    beat = live_beat()
    print("beat", beat and beat.pid, beat and sorted(beat.last_runs))
    """
)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.worker
def test_on_the_embedded_default_worker_and_beat_record_heartbeats(tmp_path: Path) -> None:
    every_second = {  # every entry of the beat schedule, so that each is sent within the test
        "WORKMAIL_SWEEP_INTERVAL": "1",
        "WORKMAIL_HEALTH_INTERVAL": "1",
        "WORKMAIL_KEY_DELETION_INTERVAL": "1",
        "WORKMAIL_INACTIVE_INTERVAL": "1",
        "WORKMAIL_DNS_CHECK_INTERVAL": "1",
    }
    env = embedded_env(tmp_path / "var", **every_second, **HEARTBEATS)
    assert manage(env, "migrate", "--noinput").returncode == 0
    with (
        CeleryProcess.worker(env, tmp_path / "worker.log", name="embedded", concurrency=2) as w,
        CeleryProcess.beat(env, tmp_path / "beat.log", tmp_path / "schedule") as b,
    ):
        expected = f"workers [({w.pid}, 2)]\nbeat {b.pid} {SCHEDULED}\n"
        seen: list[str] = []

        def both_live() -> bool:
            result = manage(env, "shell", "-c", LIVE)
            seen.append(result.stdout + result.stderr)
            return result.stdout.endswith(expected)

        both_live.__doc__ = expected
        try:
            wait_for(both_live, timeout=20, interval=0.5)
        except AssertionError:
            print("last seen:", seen[-1], "worker:", w.tail(), "beat:", b.tail(), sep="\n")
            raise
        stop_warm(w)
        stop_warm(b)
    assert manage(env, "shell", "-c", LIVE).stdout.endswith("workers []\nbeat None None\n")
    logs = (tmp_path / "worker.log").read_text() + (tmp_path / "beat.log").read_text()
    assert "heartbeat not" not in logs


# --- Queue depth ------------------------------------------------------------------------------


@pytest.fixture
def unread_queue(services_problem, settings) -> Iterator[str]:
    """A queue on this run's Redis broker that no worker reads, made the default one."""
    require(services_problem)
    url = settings.CELERY_BROKER_URL
    require(None if url.startswith("redis://") else "needs a Redis broker: CELERY_BROKER_URL")
    queue = f"depth-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        yield queue
    finally:
        forget_queue(url, queue)
        with redis.Redis.from_url(url) as client:  # kombu's priority lists beside the queue
            client.delete(*(f"{queue}\x06\x16{priority}" for priority in (3, 6, 9)))


def send(queue: str, count: int, **options: object) -> None:
    for _ in range(count):
        celery_app.send_task("workmail_console.tasks.sweep_stuck", queue=queue, **options)


def test_queue_depth_counts_the_messages_waiting_on_redis(unread_queue):
    assert queue_depth() == 0  # never used: kombu's NOT_FOUND
    send(unread_queue, 5)
    send(unread_queue, 2, priority=9)  # kombu keeps these in a list of their own
    assert queue_depth() == 7


DEPTH = textwrap.dedent(
    """
    from ops.queue import queue_depth
    from workmail_console.celery import app
    before = queue_depth()
    for _ in range(6):
        app.send_task("workmail_console.tasks.sweep_stuck")
    print("depth", before, queue_depth())
    """
)


@pytest.mark.process
def test_queue_depth_counts_the_message_files_of_the_filesystem_broker(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "var", WORKMAIL_QUEUE="unread")
    result = manage(env, "shell", "-c", DEPTH)
    assert "depth 0 6\n" in result.stdout, result.stderr[-2000:]
    assert len(list((tmp_path / "var/broker/queue").glob("*.unread.msg"))) == 6


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers, like a hung Redis."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


UNANSWERED = textwrap.dedent(
    """
    import time
    from ops.queue import queue_depth
    start = time.monotonic()
    print("depth", queue_depth(), round(time.monotonic() - start, 2))
    """
)


@pytest.mark.process
@pytest.mark.parametrize("port", ["closed", "silent"])
def test_queue_depth_is_none_quickly_when_redis_does_not_answer(
    port: str, silent_port: int, tmp_path: Path
) -> None:
    number = free_port() if port == "closed" else silent_port
    env = embedded_env(tmp_path / "var", CELERY_BROKER_URL=f"redis://127.0.0.1:{number}/0")
    result = manage(env, "shell", "-c", UNANSWERED)
    words = result.stdout.split()
    assert words[-3:-1] == ["depth", "None"], result.stderr[-2000:]
    assert float(words[-1]) < 1.5
    assert "Cannot ask the broker" in result.stderr
