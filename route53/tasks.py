"""Celery tasks of the emulated registrar: a registration completing (its public hosted zone, the
name delegated to it), and the sweep that re-sends the registrations left In progress."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from route53.models import DomainRegistration, HostedZone, RegistrationStatus
from route53.services import create_hosted_zone
from workmail_console.sending import send, sweep_at_worker_start

log = logging.getLogger(__name__)


@shared_task
def complete_registration(registration_pk: int) -> str | None:
    """The registration's public hosted zone (the one it is delegated to, or the account's
    oldest of that name, or a new one), the name delegated to it, then Successful; a second
    delivery finds it done and changes nothing."""
    with transaction.atomic():
        registration = (
            DomainRegistration.objects.select_for_update().filter(pk=registration_pk).first()
        )
        if registration is None:
            return None  # its account is gone
        if registration.status == RegistrationStatus.SUCCESSFUL:
            return registration.status
        account = registration.account
        zone = registration.zone or (
            HostedZone.objects.public()
            .filter(account=account, name=registration.name)
            .order_by("created", "pk")
            .first()
        )
        if zone is None:
            zone = create_hosted_zone(
                account=account, name=registration.name,
                comment="HostedZone created by Route53 Registrar",
            )  # fmt: skip
        registration.zone, registration.name_servers = zone, zone.name_servers
        registration.status = RegistrationStatus.SUCCESSFUL
        registration.save(update_fields=["zone", "name_servers", "status"])
        return registration.status


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
