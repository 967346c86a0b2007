"""Celery tasks for mail domains (verification: domains.checks; Verify now) and the sweep that
re-sends the registrar's registrations left In progress."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from domains import checks
from domains.models import DomainRegistration, RegistrationStatus
from domains.registrar import complete_registration
from workmail_console.sending import send, sweep_at_worker_start

log = logging.getLogger(__name__)


@shared_task
def verify_domain(domain_pk: int) -> str | None:
    """Verify now: check one domain's records at once; its ownership status after."""
    return checks.check_domain(domain_pk)


@shared_task
def verify_due_domains() -> int:
    """Beat: check one batch of due domains (pending often, verified rarely); a full batch
    sends the next one as its own task, so thousands of checks are several short tasks."""
    checked = checks.check_due()
    if checked >= settings.WORKMAIL_DNS_CHECK_BATCH:
        send(verify_due_domains, then="beat's next domain check")
    return checked


@shared_task
def sweep_stuck_registrations(older_than: float | None = None) -> list[int]:
    """Re-send the registrations In progress for more than `older_than` seconds (default:
    WORKMAIL_STUCK_AFTER), oldest first, at most 1000; their IDs. A registration's one step
    takes WORKMAIL_STAGE_DELAY, and completing one twice changes nothing."""
    seconds = settings.WORKMAIL_STUCK_AFTER if older_than is None else older_than
    cutoff = timezone.now() - timedelta(seconds=seconds)
    stuck = list(
        DomainRegistration.objects.filter(status=RegistrationStatus.IN_PROGRESS, created__lt=cutoff)
        .order_by("created")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in stuck:
        log.info("Re-sending registration %s, in progress for over %g s", pk, seconds)
        send(complete_registration, pk, then="the stuck-registration sweep")
    return stuck


@worker_ready.connect
def sweep_registrations_when_a_worker_starts(**kwargs: object) -> None:
    """Re-send the registrations a dead worker held (the filesystem broker loses them), without
    waiting for WORKMAIL_STUCK_AFTER."""
    sweep_at_worker_start(sweep_stuck_registrations)
