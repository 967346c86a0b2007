"""Celery tasks: a message only says "look at organization X, expected in state S"."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from directories.lifecycle import Stage as DirectoryStage
from organizations import health, lifecycle
from organizations.lifecycle import State
from organizations.models import Organization
from organizations.workflow import advance
from workmail_console.sending import send, sweep_at_worker_start

log = logging.getLogger(__name__)
SWEEP = "the stuck-organization sweep"


def enqueue_advance(organization_id: str, state: str, countdown: float = 0) -> bool:
    """Ask a worker to move it out of `state`; if the broker is down, the sweep will (False)."""
    return send(advance_organization, organization_id, str(state), countdown=countdown, then=SWEEP)


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
        send(sweep_health, last, then="beat's next health sweep")
    return moved


@shared_task
def check_organizations_using(key_pk: int | None = None, directory_pk: int | None = None) -> int:
    """A key or directory changed: check the organizations that use it now, not at the sweep."""
    return health.check_using(key_pk=key_pk, directory_pk=directory_pk)


def check_after_key_change(sender: type, key: object, **kwargs: object) -> None:
    """keys.signals.key_changed (sent on commit): check the organizations using the key now."""
    send(check_organizations_using, key_pk=key.pk, then="the health sweep")


def check_after_directory_change(sender: type, directory: object, **kwargs: object) -> None:
    """directories.signals.directory_changed (sent on commit): check its organizations now, once
    it is somewhere an organization could be on it (not while it is still being set up)."""
    if directory.stage not in (DirectoryStage.REQUESTED, DirectoryStage.CREATING):
        send(check_organizations_using, directory_pk=directory.pk, then="the health sweep")


@worker_ready.connect
def sweep_when_a_worker_starts(**kwargs: object) -> None:
    """Re-enqueue the steps a dead worker held (the filesystem broker loses them), without waiting
    for WORKMAIL_STUCK_AFTER. The worker's main process itself never touches the database."""
    sweep_at_worker_start(sweep_stuck_organizations)
