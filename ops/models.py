"""What the ops dashboard reads that no other app owns: the heartbeats of workers and beat."""

from django.db import models
from django.utils import timezone


class ProcessKind(models.TextChoices):
    WORKER = "worker", "Worker"
    BEAT = "beat", "Beat"


class Heartbeat(models.Model):
    """A Celery worker or beat process saying "still here", every few seconds.

    Celery's remote control is off (settings), so nobody can ask a worker; each process records
    itself instead, in the database, which works with any broker. One row per process (host and
    PID); a row whose `last_seen` is older than WORKMAIL_HEARTBEAT_TIMEOUT is a process gone.
    """

    kind = models.CharField(max_length=8, choices=ProcessKind.choices)
    hostname = models.CharField(max_length=255)  # the worker's node name (celery@host), or host
    pid = models.PositiveIntegerField()
    concurrency = models.PositiveIntegerField(null=True, blank=True)
    queues = models.CharField(max_length=255, blank=True)
    started = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    # Beat only: when it last sent each entry of its schedule, {name: ISO 8601 time}.
    last_runs = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["kind", "hostname", "pid"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "hostname", "pid"], name="one_heartbeat_per_process"
            )
        ]
        indexes = [models.Index(fields=["kind", "-last_seen"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.hostname} (pid {self.pid})"
