"""Celery tasks: a message only says "look at directory X, expected in stage S"."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from directories.lifecycle import COLUMNS, LIFECYCLE, Stage
from directories.models import Directory
from directories.workflow import advance
from workmail_console import lifecycle
from workmail_console.sending import send, sweep_at_worker_start

log = logging.getLogger(__name__)
SWEEP = "the stuck-directory sweep"


def enqueue_advance(directory_id: str, stage: str, countdown: float = 0) -> bool:
    """Ask a worker to move it out of `stage`; if the broker is down, the sweep will (False)."""
    return send(advance_directory, directory_id, str(stage), countdown=countdown, then=SWEEP)


@shared_task
def advance_directory(directory_id: str, stage: str) -> str | None:
    reached = advance(directory_id, Stage(stage))
    if reached is not None and LIFECYCLE.is_working(reached):
        enqueue_advance(directory_id, reached, settings.WORKMAIL_STAGE_DELAY)
    return reached


@shared_task
def sweep_stuck_directories(older_than: float | None = None) -> list[tuple[str, str]]:
    """Re-enqueue directories in a working stage for more than `older_than` seconds (default:
    WORKMAIL_STUCK_AFTER), oldest first, at most 1000; the (ID, stage) pairs sent."""
    seconds = settings.WORKMAIL_STUCK_AFTER if older_than is None else older_than
    rows = lifecycle.stuck(LIFECYCLE, Directory.objects.all(), COLUMNS, older_than=seconds)
    stuck = list(rows.values_list("directory_id", "stage"))
    for directory_id, stage in stuck:
        log.info("Re-enqueueing directory %s, in %s for over %g s", directory_id, stage, seconds)
        enqueue_advance(directory_id, stage)
    return stuck


@worker_ready.connect
def sweep_directories_when_a_worker_starts(**kwargs: object) -> None:
    """Re-enqueue the steps a dead worker held (the filesystem broker loses them), without waiting
    for WORKMAIL_STUCK_AFTER."""
    sweep_at_worker_start(sweep_stuck_directories)
