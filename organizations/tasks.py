"""Celery tasks: a message only says "look at organization X, expected in state S"."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from organizations import lifecycle
from organizations.lifecycle import State
from organizations.models import Organization
from organizations.workflow import advance

log = logging.getLogger(__name__)


def enqueue_advance(organization_id: str, state: str, countdown: float = 0) -> None:
    """Ask a worker to move it out of `state`; if the broker is down, the sweep will."""
    try:
        advance_organization.apply_async((organization_id, str(state)), countdown=countdown or None)
    except (OperationalError, OSError) as error:
        log.warning(
            "Could not enqueue %s (%s): %s; the sweep will pick it up.",
            organization_id,
            state,
            error,
        )


@shared_task
def advance_organization(organization_id: str, state: str) -> str | None:
    reached = advance(organization_id, State(state))
    if reached is not None and lifecycle.is_working(reached):
        enqueue_advance(organization_id, reached, settings.WORKMAIL_STAGE_DELAY)
    return reached


@shared_task
def sweep_stuck_organizations() -> int:
    """Re-enqueue organizations sitting in a working state too long (lost message, dead worker)."""
    cutoff = timezone.now() - timedelta(seconds=settings.WORKMAIL_STUCK_AFTER)
    stuck = list(
        Organization.objects.filter(state__in=lifecycle.WORKING, state_changed_at__lt=cutoff)
        .order_by("state_changed_at")
        .values_list("organization_id", "state")[:1000]
    )
    for organization_id, state in stuck:
        log.info("Re-enqueueing %s, stuck in %s", organization_id, state)
        enqueue_advance(organization_id, state)
    return len(stuck)
