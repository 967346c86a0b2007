"""The lifecycle's Celery tasks, one for every resource (workmail_console.lifecycle's registry): a
message only says "look at resource X of this lifecycle, expected in state S"."""

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import transaction

from workmail_console import lifecycle
from workmail_console.sending import send, sweep_at_worker_start

log = logging.getLogger(__name__)
SWEEP = "the stuck sweep"


def enqueue(name: str, pk: Any, state: str, countdown: float = 0) -> bool:
    """Ask a worker to move resource `pk` of lifecycle `name` out of `state`; if the broker is
    down, the stuck sweep will (False)."""
    return send(advance, name, str(pk), str(state), countdown=countdown, then=SWEEP)


def advance_once_committed(resource: lifecycle.LifecycleModel) -> None:
    """Once the transaction commits, ask a worker for the step of the state `resource` is in now,
    WORKMAIL_STAGE_DELAY seconds on (its time in that state)."""
    name, pk, state = resource.lifecycle.name, resource.pk, resource.lifecycle_state
    delay = settings.WORKMAIL_STAGE_DELAY
    transaction.on_commit(lambda: enqueue(name, pk, state, delay))


@shared_task
def advance(name: str, pk: str, state: str) -> str | None:
    """Do the step for `state`; once moved to another working state, ask for the next step."""
    reached = lifecycle.advance(lifecycle.model_of(name), pk, state)
    if reached is not None and lifecycle.lifecycle_of(name).is_working(reached):
        enqueue(name, pk, reached, settings.WORKMAIL_STAGE_DELAY)
    return reached


@shared_task
def sweep_stuck(older_than: float | None = None) -> list[tuple[str, str, str]]:
    """Re-send every resource in a working state for more than `older_than` seconds (default:
    WORKMAIL_STUCK_AFTER), oldest first, at most 1000 of each kind; (lifecycle, pk, state)."""
    seconds = settings.WORKMAIL_STUCK_AFTER if older_than is None else older_than
    sent = []
    for model in lifecycle.registered():
        name = model.lifecycle.name
        for pk, state in lifecycle.stuck(model, older_than=seconds):
            log.info("Re-sending %s %s, in %s for over %g s", name, pk, state, seconds)
            enqueue(name, pk, state)
            sent.append((name, str(pk), state))
    return sent


@worker_ready.connect
def sweep_when_a_worker_starts(**kwargs: object) -> None:
    """Re-send the steps a dead worker held (the filesystem broker loses them) without waiting
    for WORKMAIL_STUCK_AFTER. The worker's main process itself never touches the database."""
    sweep_at_worker_start(sweep_stuck)
