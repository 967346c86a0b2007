"""The one way app code sends a Celery task: broker-safe (DESIGN §3).

The database is the source of truth and a message only says "look at this row", so a message that
can't be sent is not an error for the caller: the row stays in its working state, and a beat sweep
sends it again once it has sat there too long.
"""

import logging

from celery import Task
from django.conf import settings
from kombu.exceptions import ChannelError, OperationalError

log = logging.getLogger(__name__)

# Redis unreachable (kombu's OperationalError, once its retries are spent); the filesystem broker
# unable to write a message (workmail_console.broker raises ChannelError, which kombu 5.7 re-raises
# as OperationalError) or to list its folder (OSError).
BROKER_DOWN = (OperationalError, ChannelError, OSError)
# Seconds a healthy message may take past its countdown; a step later than that is overdue.
DUE_MARGIN = 2.0


def send(
    task: Task, *args: object, countdown: float = 0, then: str = "the sweep", **kwargs: object
) -> bool:
    """Send `task(*args, **kwargs)` in `countdown` seconds. If the broker is down, log which task
    was not sent and what (`then`) will send it again, and return False."""
    try:
        task.apply_async(args, kwargs or None, countdown=countdown or None)
    except BROKER_DOWN as error:
        call = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        log.warning("Could not send %s(%s): %s; %s will pick it up.", task.name, call, error, then)
        return False
    return True


def sweep_at_worker_start(sweep: Task) -> None:
    """A worker started: send `sweep(due_after)` now and again in `due_after` seconds, so the steps
    a dead worker held (the filesystem broker loses them) run again without waiting for
    WORKMAIL_STUCK_AFTER, those in flight at the start included once they are due."""
    due_after = settings.WORKMAIL_STAGE_DELAY + DUE_MARGIN
    for countdown in (0, due_after):
        send(sweep, due_after, countdown=countdown, then="beat's periodic sweep")
