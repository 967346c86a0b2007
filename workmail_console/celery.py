"""The Celery app: `celery -A workmail_console worker` / `beat`."""

import logging
import os

import celery
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


app = celery.Celery("workmail_console", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records its own heartbeat for the ops dashboard (remote control is off: settings).
# By name: the step's module uses the ORM, which is ready only once the worker has set Django up.
app.steps["worker"].add("ops.heartbeats:WorkerHeartbeat")
