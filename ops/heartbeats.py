"""Heartbeats of workers and beat (ops.models.Heartbeat): recording them, and who is alive.

Celery's remote control is off (settings), so nobody can ask a worker whether it lives. Each
process says so itself, in the database, which works with any broker: a worker from a bootstep
with a thread of its own, beat from its scheduler's tick. A row not refreshed within
WORKMAIL_HEARTBEAT_TIMEOUT is a process gone (killed, or its machine lost); a clean stop deletes it.
"""

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from celery import bootsteps
from celery.beat import PersistentScheduler
from celery.worker import WorkController
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import QuerySet
from django.utils import timezone

from ops.models import Heartbeat, ProcessKind

log = logging.getLogger(__name__)

PRUNE_AFTER = timedelta(days=1)  # rows of processes gone this long are deleted
PRUNE_EVERY = 3600.0  # seconds: how often one process looks for them
_next_prune = 0.0  # time.monotonic() of this process's next look


def alive_since() -> datetime:
    """A process heard from at or after this time is alive."""
    return timezone.now() - timedelta(seconds=settings.WORKMAIL_HEARTBEAT_TIMEOUT)


def live_workers() -> QuerySet[Heartbeat]:
    """The workers heard from within WORKMAIL_HEARTBEAT_TIMEOUT, by host and PID."""
    return Heartbeat.objects.filter(kind=ProcessKind.WORKER, last_seen__gte=alive_since())


def live_beat() -> Heartbeat | None:
    """The beat heard from most recently within the timeout, if any."""
    return (
        Heartbeat.objects.filter(kind=ProcessKind.BEAT, last_seen__gte=alive_since())
        .order_by("-last_seen")
        .first()
    )


def record(
    kind: ProcessKind,
    hostname: str,
    pid: int,
    *,
    started: datetime,
    concurrency: int | None = None,
    queues: str = "",
    last_runs: dict[str, str] | None = None,
) -> None:
    """Say that this process is alive now: one upsert of its row.

    `started` is written on every beat too: a restarted container's worker has the same host and
    PID (often 1) as the one before it, and the row must show the new start."""
    row = Heartbeat(
        kind=kind,
        hostname=hostname[:255],
        pid=pid,
        concurrency=concurrency,
        queues=queues[:255],
        started=started,
        last_seen=timezone.now(),
        last_runs=last_runs or {},
    )
    Heartbeat.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["kind", "hostname", "pid"],
        update_fields=["concurrency", "queues", "started", "last_seen", "last_runs"],
    )
    _prune()


def forget(kind: ProcessKind, hostname: str, pid: int) -> None:
    """Delete this process's row: it stops cleanly, so it is gone at once, not after the timeout."""
    Heartbeat.objects.filter(kind=kind, hostname=hostname[:255], pid=pid).delete()


def _prune() -> None:
    """Delete rows of processes not heard from for PRUNE_AFTER; at most once per PRUNE_EVERY."""
    global _next_prune
    if time.monotonic() < _next_prune:
        return
    _next_prune = time.monotonic() + PRUNE_EVERY
    Heartbeat.objects.filter(last_seen__lt=timezone.now() - PRUNE_AFTER).delete()


def _close_connection() -> None:
    """Drop this thread's database connection (after a failure: the next beat opens a new one)."""
    with contextlib.suppress(DatabaseError):
        connection.close()


def _record_or_warn(kind: ProcessKind, hostname: str, pid: int, **fields: Any) -> None:
    """record(), framed as Django frames a request, and never raising: the next beat retries.

    Old or broken connections are dropped before and after, so with CONN_MAX_AGE=0 (SQLite) no
    connection stays open between beats, none a forked pool child could find half-used."""
    try:
        close_old_connections()
        record(kind, hostname, pid, **fields)
        close_old_connections()
    except Exception as error:
        log.warning(
            "%s heartbeat not recorded (retrying in %ss): %s",
            kind.label,
            settings.WORKMAIL_HEARTBEAT_INTERVAL,
            error,
            exc_info=not isinstance(error, DatabaseError),  # a bug, not the database: show where
        )
        _close_connection()


class _Beating:
    """A daemon thread that records one worker's heartbeat every interval and forgets it on stop.

    A thread, not the worker's event loop, so a slow database never stalls the hub; it owns the
    only database connection it uses (Django's are per thread) and lives in the worker's main
    process: the pool's children neither inherit a running thread nor use that connection."""

    def __init__(self, worker: WorkController) -> None:
        self.worker = worker
        self.pid = os.getpid()  # the main process: create() runs there, before any fork
        self.started = timezone.now()
        self.interval = settings.WORKMAIL_HEARTBEAT_INTERVAL
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="workmail-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and delete the row; a database that doesn't answer can't hold up exit."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=max(5.0, self.interval))
            self._thread = None

    def _run(self) -> None:
        self._beat()
        while not self._stopping.wait(self.interval):
            self._beat()
        try:
            forget(ProcessKind.WORKER, self.worker.hostname, self.pid)
        except Exception as error:
            log.warning("Worker heartbeat not deleted on stop: %s", error)
        _close_connection()

    def _beat(self) -> None:
        _record_or_warn(
            ProcessKind.WORKER,
            self.worker.hostname,
            self.pid,
            started=self.started,
            concurrency=self.worker.concurrency,
            queues=",".join(sorted(self.worker.app.amqp.queues.consume_from)),
        )


class WorkerHeartbeat(bootsteps.StartStopStep):
    """The worker's heartbeat (workmail_console/celery.py adds it to the worker's blueprint).

    After the pool, so the pool's children are forked before the thread starts."""

    requires = ("celery.worker.components:Pool",)

    def create(self, worker: WorkController) -> _Beating:
        return _Beating(worker)


class HeartbeatScheduler(PersistentScheduler):
    """Beat's scheduler: records beat's heartbeat, with when it last sent each entry.

    From tick(), which beat calls at least every CELERY_BEAT_MAX_LOOP_INTERVAL (the heartbeat
    interval): at most once per interval, and a failure is logged, never fatal to beat."""

    INTERNAL_ENTRIES = {"celery.backend_cleanup"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.hostname = socket.gethostname()
        self.pid = os.getpid()
        self.started = timezone.now()
        self._next_beat = 0.0  # time.monotonic() when the next heartbeat is due
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        if time.monotonic() >= self._next_beat:
            self._next_beat = time.monotonic() + settings.WORKMAIL_HEARTBEAT_INTERVAL
            self._beat()
        return interval

    def last_runs(self) -> dict[str, str]:
        """{entry name: ISO time it was last sent}, for the entries sent at least once."""
        return {
            name: entry.last_run_at.isoformat()
            for name, entry in self.schedule.items()
            if name not in self.INTERNAL_ENTRIES and entry.total_run_count
        }

    def _beat(self) -> None:
        _record_or_warn(
            ProcessKind.BEAT,
            self.hostname,
            self.pid,
            started=self.started,
            last_runs=self.last_runs(),
        )

    def close(self) -> None:
        try:
            super().close()
        finally:
            try:
                forget(ProcessKind.BEAT, self.hostname, self.pid)
            except Exception as error:
                log.warning("Beat heartbeat not deleted on stop: %s", error)
            _close_connection()
