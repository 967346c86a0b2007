"""The consumer watch (ops/consumer_watch.py): when a worker that has room takes no message
while messages wait, for WORKMAIL_CONSUMER_STALL_TIMEOUT, its consumer is made to connect again;
never otherwise. A real worker made deaf is in tests/integration/test_faults.py."""

import logging
from types import SimpleNamespace

import pytest
from celery.bootsteps import CLOSE, RUN
from celery.signals import task_received
from kombu.transport import redis

from ops.consumer_watch import ConsumerStalled, ConsumerWatch

TIMEOUT = 60.0


class Hub:
    """The event loop's call_soon, recording what the watch hands it."""

    def __init__(self) -> None:
        self.soon: list = []

    def call_soon(self, callback, *args) -> None:
        self.soon.append((callback, args))


class Clock:
    """Seconds since the test began."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def worker(*, room: bool = True, state: int = RUN, hub: Hub | None = None) -> SimpleNamespace:
    channel = SimpleNamespace(qos=SimpleNamespace(can_consume=lambda: room))
    consumer = SimpleNamespace(
        blueprint=SimpleNamespace(state=state),
        task_consumer=SimpleNamespace(channel=channel),
        hub=hub,
        connection_errors=redis.Transport.connection_errors,
    )
    return SimpleNamespace(consumer=consumer)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def watched(clock):
    """A watch over a worker with room, 3 messages waiting; (watch, its hub, the waiting box)."""
    hub, waiting = Hub(), {"count": 3}
    watch = ConsumerWatch(
        worker(hub=hub), stall_timeout=TIMEOUT, waiting=lambda: waiting["count"], clock=clock
    )
    watch.start()
    yield watch, hub, waiting
    watch.stop()


def checks(watch: ConsumerWatch, clock: Clock, *seconds: float) -> list[bool]:
    """check() at each of these times (seconds since the test began)."""
    results = []
    for at in seconds:
        clock.now = at
        results.append(watch.check())
    return results


def test_messages_waiting_that_a_worker_with_room_never_takes_make_it_connect_again(
    watched, clock, caplog
):
    watch, hub, _ = watched
    with caplog.at_level(logging.ERROR, logger="ops.consumer_watch"):
        assert checks(watch, clock, 0, 30, 59, 60) == [False, False, False, True]
    assert len(hub.soon) == 1 and watch.restarts == 1
    assert "Connecting again" in caplog.text
    callback, args = hub.soon[0]
    # Raised in the event loop, it is one of the transport's connection errors: Celery's consumer
    # recovers from those by connecting again.
    with pytest.raises(redis.Transport.connection_errors) as raised:
        callback(*args)
    assert isinstance(raised.value, ConsumerStalled)
    # Then it waits a whole timeout again before the next restart.
    assert checks(watch, clock, 61, 90, 121) == [False, False, True]
    assert len(hub.soon) == 2


def test_a_message_received_starts_the_wait_over(watched, clock):
    watch, hub, _ = watched
    assert checks(watch, clock, 0, 50) == [False, False]
    task_received.send(sender=None, request=None)  # as Celery's consumer sends it
    assert checks(watch, clock, 55) == [False]  # it took one: the wait is over
    assert checks(watch, clock, 56, 100, 115) == [False, False, False]
    assert checks(watch, clock, 116) == [True]  # 60 s after the first look with nothing taken
    assert len(hub.soon) == 1


@pytest.mark.parametrize("count", [0, None], ids=["empty queue", "broker can't say"])
def test_nothing_waiting_is_no_stall(watched, clock, count):
    watch, hub, waiting = watched
    waiting["count"] = count
    assert checks(watch, clock, 0, 61, 200, 500) == [False] * 4
    assert hub.soon == []


def test_a_queue_emptied_for_a_moment_starts_the_wait_over(watched, clock):
    watch, _, waiting = watched
    assert checks(watch, clock, 0, 40) == [False, False]
    waiting["count"] = 0
    assert checks(watch, clock, 41) == [False]
    waiting["count"] = 2
    assert checks(watch, clock, 42, 70, 101, 102) == [False, False, False, True]  # 42 + 60


@pytest.mark.parametrize(
    "kwargs", [{"room": False}, {"state": CLOSE}], ids=["prefetch full", "consumer stopped"]
)
def test_a_worker_with_no_room_or_no_running_consumer_is_left_alone(clock, kwargs):
    hub = Hub()
    watch = ConsumerWatch(worker(hub=hub, **kwargs), stall_timeout=TIMEOUT, waiting=lambda: 9,
                          clock=clock)  # fmt: skip
    assert checks(watch, clock, 0, 61, 200) == [False] * 3
    assert hub.soon == []


def test_without_an_event_loop_it_says_to_restart_the_worker(clock, caplog):
    watch = ConsumerWatch(worker(hub=None), stall_timeout=TIMEOUT, waiting=lambda: 9, clock=clock)
    with caplog.at_level(logging.ERROR, logger="ops.consumer_watch"):
        assert checks(watch, clock, 0, 61) == [False, False]
    assert "restart the worker" in caplog.text
    assert watch.restarts == 0


def test_a_stopped_watch_no_longer_counts_messages(clock):
    watch = ConsumerWatch(worker(hub=Hub()), stall_timeout=TIMEOUT, waiting=lambda: 1, clock=clock)
    watch.start()
    watch.stop()
    task_received.send(sender=None, request=None)
    assert checks(watch, clock, 0, 61) == [False, True]
