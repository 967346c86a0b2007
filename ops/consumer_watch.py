"""A worker whose consumer went deaf: noticed, and made to connect again.

Celery's consumer can come back from a broker reconnection without its subscription: the worker
lives, records its heartbeat and runs what it holds, but takes no new message while they pile up
in the queue, until someone restarts it (celery/celery#8030, #10205; kombu#2492, #2629: races in
kombu's Redis transport, mended more than once and seen again here with kombu 5.7 after a Redis
restart). Nothing in Celery notices. The watch does, from a thread of the worker's main process:
every WORKMAIL_HEARTBEAT_INTERVAL it counts the messages this worker received (Celery's
task_received signal) and, when none came and its channel had room for more, asks the broker how
many wait (ops.queue). Messages waiting for WORKMAIL_CONSUMER_STALL_TIMEOUT seconds that a worker
with room never took mean a deaf consumer: the watch raises a connection error in the worker's
event loop, and Celery starts the consumer over as after any lost connection (a new connection,
the queues consumed again; what it held unacknowledged goes back to the queue, and every task
may run twice).
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from celery import bootsteps
from celery.bootsteps import RUN
from celery.signals import task_received
from celery.worker import WorkController
from django.conf import settings

log = logging.getLogger(__name__)


class ConsumerStalled(ConnectionError):
    """Raised in the worker's event loop: a connection error, which Celery's consumer recovers
    from by connecting again."""


class ConsumerWatch:
    """One worker's watch: `check()` once an interval, from one thread."""

    def __init__(
        self,
        worker: WorkController,
        *,
        stall_timeout: float,
        waiting: Callable[[], int | None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.worker = worker
        self.stall_timeout = stall_timeout
        self._waiting = waiting  # messages waiting in the queue; None when the broker can't say
        self._clock = clock
        self._received = 0  # task messages this worker received (the event loop's thread adds)
        self._seen = 0  # _received at the last check
        self._stalled_since: float | None = None
        self.restarts = 0

    def start(self) -> None:
        task_received.connect(self._on_received, weak=False, dispatch_uid=id(self))

    def stop(self) -> None:
        task_received.disconnect(self._on_received, dispatch_uid=id(self))

    def _on_received(self, **kwargs: Any) -> None:
        self._received += 1

    def check(self) -> bool:
        """One look; whether the consumer was made to connect again."""
        received, self._seen = self._received != self._seen, self._received
        consumer = getattr(self.worker, "consumer", None)
        if received or not _has_room(consumer) or not self._waiting():
            self._stalled_since = None
            return False
        now = self._clock()
        if self._stalled_since is None:
            self._stalled_since = now
            return False
        stalled_for = now - self._stalled_since
        if stalled_for < self.stall_timeout:
            return False
        self._stalled_since = None
        return self._restart(consumer, stalled_for)

    def _restart(self, consumer: Any, stalled_for: float) -> bool:
        hub = getattr(consumer, "hub", None)
        if hub is None or not issubclass(ConsumerStalled, consumer.connection_errors):
            log.error(
                "This worker has taken no message for %.0f s while messages wait for it, and"
                " its consumer can't be restarted from here: restart the worker.",
                stalled_for,
            )
            return False
        log.error(
            "This worker has taken no message for %.0f s while messages wait and it has room"
            " for them: its consumer lost its subscription (a known fault of Celery's Redis"
            " transport after a reconnection). Connecting again.",
            stalled_for,
        )
        self.restarts += 1
        hub.call_soon(_stalled, stalled_for)
        return True


def _has_room(consumer: Any) -> bool:
    """Whether the worker's consumer runs and its channel would take another message now (kombu's
    own test before it asks the broker for one); False when it can't be told."""
    if consumer is None or getattr(consumer.blueprint, "state", None) != RUN:
        return False
    channel = getattr(getattr(consumer, "task_consumer", None), "channel", None)
    can_consume = getattr(getattr(channel, "qos", None), "can_consume", None)
    return can_consume is not None and bool(can_consume())


def _stalled(stalled_for: float) -> None:
    raise ConsumerStalled(f"no message taken for {stalled_for:.0f} s while messages waited")


class _Watching:
    """The watch's thread; the default queue's depth asked with ops.queue's short timeouts."""

    def __init__(self, worker: WorkController) -> None:
        from ops.queue import queue_depth

        self.interval = settings.WORKMAIL_HEARTBEAT_INTERVAL
        self.watch = ConsumerWatch(
            worker, stall_timeout=settings.WORKMAIL_CONSUMER_STALL_TIMEOUT, waiting=queue_depth
        )
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.watch.start()
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, name="workmail-consumer-watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.watch.stop()
        if self._thread is not None:
            self._thread.join(timeout=max(5.0, self.interval))
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.watch.check()
            except Exception:  # a bug: logged, and the next interval looks again
                log.exception("The consumer watch failed")


class WatchConsumer(bootsteps.StartStopStep):
    """The consumer watch (workmail_console/celery.py adds it to the worker's blueprint), for a
    worker with an event loop: the one where Celery's consumer can go deaf, and where it can be
    made to connect again."""

    requires = ("celery.worker.components:Pool",)

    def include_if(self, worker: WorkController) -> bool:
        watched = settings.CELERY_TASK_DEFAULT_QUEUE in worker.app.amqp.queues.consume_from
        return (
            bool(worker.use_eventloop) and watched and settings.WORKMAIL_CONSUMER_STALL_TIMEOUT > 0
        )

    def create(self, worker: WorkController) -> _Watching:
        return _Watching(worker)
