"""Heartbeats of workers and beat (ops.models.Heartbeat): recording them, and who is alive."""

from datetime import timedelta

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ops.models import Heartbeat, ProcessKind


def alive_since() -> "timezone.datetime":
    """A process heard from at or after this time is alive."""
    return timezone.now() - timedelta(seconds=settings.WORKMAIL_HEARTBEAT_TIMEOUT)


def live_workers() -> QuerySet[Heartbeat]:
    """The workers heard from within WORKMAIL_HEARTBEAT_TIMEOUT, by host and PID."""
    return Heartbeat.objects.filter(kind=ProcessKind.WORKER, last_seen__gte=alive_since())


def live_beat() -> Heartbeat | None:
    """The beat heard from most recently within the timeout, if any."""
    return (
        Heartbeat.objects.filter(kind=ProcessKind.BEAT, last_seen__gte=alive_since())
        .order_by("-last_seen")
        .first()
    )


class HeartbeatScheduler(PersistentScheduler):
    """Beat's scheduler, recording beat's heartbeat and the last run of each entry (TODO)."""
