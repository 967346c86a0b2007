"""Loaded into a test's worker (`--include tests.deaf_consumer`): its consumer stops consuming the
default queue the first time it starts, as Celery's consumer does after an unlucky broker
reconnection (ops/consumer_watch.py), while the worker lives on; it consumes again once started
over. Never loaded by the product."""

from celery import bootsteps
from django.conf import settings

from workmail_console.celery import app

_deafened = False


class Deafen(bootsteps.StartStopStep):
    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer) -> None:
        global _deafened
        if not _deafened:
            _deafened = True
            consumer.task_consumer.cancel_by_queue(settings.CELERY_TASK_DEFAULT_QUEUE)
            print("deaf_consumer: the consumer no longer consumes the queue", flush=True)


app.steps["consumer"].add(Deafen)
