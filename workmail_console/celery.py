"""The Celery app: `celery -A workmail_console worker` / `beat`."""

import logging
import os

import celery
from celery.signals import worker_init
from django.conf import settings
from django.db import DatabaseError, connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workmail_console.settings")

log = logging.getLogger(__name__)


class Task(celery.Task):
    """A task that outlives a database connection cut while the worker sat idle (PostgreSQL
    restarted, a failover, an idle timeout): the worker keeps its connection between tasks
    (CELERY_DB_REUSE_MAX), so the first statement of the next task is the first to find it dead.
    That task runs once more on a new connection instead of failing; every task may run twice."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        try:
            return super().__call__(*args, **kwargs)
        except DatabaseError:
            if not _close_lost_connections():
                raise
            log.warning("%s lost its database connection; running it again on a new one", self.name)
            return super().__call__(*args, **kwargs)


def _close_lost_connections() -> bool:
    """Close the connections that no longer answer (outside a transaction); whether any did."""
    lost = False
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()
            lost = True
    return lost


@worker_init.connect
def _commit_without_waiting_for_the_flush(**kwargs: object) -> None:
    """A worker's PostgreSQL sessions use WORKMAIL_WORKER_SYNCHRONOUS_COMMIT (settings). Set in
    the worker's main process before its pool starts: every process of it connects this way."""
    for alias in connections:
        database = connections.settings[alias]
        if database["ENGINE"] != "django.db.backends.postgresql":
            continue
        options = database.setdefault("OPTIONS", {})
        wait = "on" if settings.WORKMAIL_WORKER_SYNCHRONOUS_COMMIT else "off"
        setting = f"-c synchronous_commit={wait}"
        options["options"] = f"{options.get('options', '')} {setting}".strip()
        connections[alias].close()  # the next statement connects with it


app = celery.Celery("workmail_console", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records its own heartbeat for the ops dashboard (remote control is off: settings).
# By name: the step's module uses the ORM, which is ready only once the worker has set Django up.
app.steps["worker"].add("ops.heartbeats:WorkerHeartbeat")
# And watches its consumer, which can go deaf after a broker reconnection (ops/consumer_watch.py).
app.steps["worker"].add("ops.consumer_watch:WatchConsumer")
