"""Celery tasks: a message only says "look at organization X, expected in state S"."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from directories.lifecycle import Stage as DirectoryStage
from organizations import health, lifecycle
from organizations.lifecycle import State
from organizations.models import Organization
from organizations.workflow import advance

log = logging.getLogger(__name__)
# Seconds a healthy message may take past its countdown; a step later than that is overdue.
DUE_MARGIN = 2.0


def enqueue_advance(organization_id: str, state: str, countdown: float = 0) -> bool:
    """Ask a worker to move it out of `state`; if the broker is down, the sweep will (False)."""
    try:
        advance_organization.apply_async((organization_id, str(state)), countdown=countdown or None)
    except (OperationalError, OSError) as error:
        log.warning(
            "Could not enqueue %s (%s): %s; the sweep will pick it up.",
            organization_id,
            state,
            error,
        )
        return False
    return True


@shared_task
def advance_organization(organization_id: str, state: str) -> str | None:
    reached = advance(organization_id, State(state))
    if reached is not None and lifecycle.is_working(reached):
        enqueue_advance(organization_id, reached, settings.WORKMAIL_STAGE_DELAY)
    return reached


@shared_task
def sweep_stuck_organizations(older_than: float | None = None) -> list[tuple[str, str]]:
    """Re-enqueue organizations in a working state for more than `older_than` seconds
    (default: WORKMAIL_STUCK_AFTER), oldest first, at most 1000; the (ID, state) pairs sent."""
    seconds = settings.WORKMAIL_STUCK_AFTER if older_than is None else older_than
    cutoff = timezone.now() - timedelta(seconds=seconds)
    stuck = list(
        Organization.objects.filter(state__in=lifecycle.WORKING, state_changed_at__lt=cutoff)
        .order_by("state_changed_at")
        .values_list("organization_id", "state")[:1000]
    )
    for organization_id, state in stuck:
        log.info("Re-enqueueing %s, in %s for over %g s", organization_id, state, seconds)
        enqueue_advance(organization_id, state)
    return stuck


@shared_task
def sweep_health(after: str = "") -> int:
    """Check one batch of Active and Impaired organizations (WORKMAIL_HEALTH_BATCH of them, by
    ID after `after`), then send the next batch as its own task: a sweep of 100,000 is 200 short
    tasks, not one long one. How many moved in this batch."""
    moved, last = health.check_batch(after)
    if last is not None:
        sweep_health.apply_async((last,))
    return moved


@shared_task
def check_organizations_using(key_pk: int | None = None, directory_pk: int | None = None) -> int:
    """A key or directory changed: check the organizations that use it now, not at the sweep."""
    return health.check_using(key_pk=key_pk, directory_pk=directory_pk)


def _send_check(**which: int) -> None:
    try:
        check_organizations_using.apply_async(kwargs=which)
    except (OperationalError, OSError) as error:
        log.warning("Health check of %s not sent (%s); the sweep will do it.", which, error)


def check_after_key_change(sender: type, key: object, **kwargs: object) -> None:
    """keys.signals.key_changed (sent on commit): check the organizations using the key now."""
    _send_check(key_pk=key.pk)


def check_after_directory_change(sender: type, directory: object, **kwargs: object) -> None:
    """directories.signals.directory_changed (sent on commit): check its organizations now, once
    it is somewhere an organization could be on it (not while it is still being set up)."""
    if directory.stage not in (DirectoryStage.REQUESTED, DirectoryStage.CREATING):
        _send_check(directory_pk=directory.pk)


@worker_ready.connect
def sweep_when_a_worker_starts(**kwargs: object) -> None:
    """Re-enqueue the steps a dead worker held (the filesystem broker loses them), without waiting
    for WORKMAIL_STUCK_AFTER: now for those already due, and again once every step that was in
    flight at the start is due. The worker's main process itself never touches the database."""
    due_after = settings.WORKMAIL_STAGE_DELAY + DUE_MARGIN
    try:
        for countdown in (0, due_after):
            sweep_stuck_organizations.apply_async((due_after,), countdown=countdown or None)
    except (OperationalError, OSError) as error:
        log.warning("Start-up sweep not sent (%s); the periodic sweep will catch up.", error)
