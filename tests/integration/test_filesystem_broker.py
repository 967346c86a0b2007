"""The embedded broker (workmail_console.broker) under concurrent producers and consumers: no
message is lost, garbled, delivered twice or out of order, and a bad file never stops a consumer."""

import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from kombu import Connection

TRANSPORT = "workmail_console.broker:Transport"
PRODUCERS = 4
MESSAGES_EACH = 300
CONSUMERS = 4
WAITING = 1000


def connect(folder: str) -> Connection:
    """What Celery opens with the embedded default's settings: one folder in and out."""
    options = {
        "data_folder_in": os.path.join(folder, "queue"),
        "data_folder_out": os.path.join(folder, "queue"),
        "processed_folder": os.path.join(folder, "processed"),
        "control_folder": os.path.join(folder, "control"),
    }
    return Connection("filesystem://localhost/", transport=TRANSPORT, transport_options=options)


@pytest.fixture
def folder(tmp_path: Path) -> str:
    for name in ("queue", "processed", "control"):
        (tmp_path / name).mkdir()
    return str(tmp_path)


@pytest.fixture
def name() -> str:
    """A queue name of the test's own: kombu keeps bindings per process, not per folder."""
    return f"race-{uuid.uuid4().hex[:8]}"


def produce(folder: str, name: str, producer: int) -> None:
    """One web process: sends its messages one by one, as requests come."""
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        for n in range(MESSAGES_EACH):
            queue.put({"id": f"{producer}-{n}", "body": "x" * n})
            time.sleep(0.001)


@pytest.mark.slow
@pytest.mark.process
def test_producers_racing_a_consumer_lose_garble_and_duplicate_nothing(
    folder: str, name: str
) -> None:
    spawn = multiprocessing.get_context("spawn")  # separate processes, like web and worker
    producers = [spawn.Process(target=produce, args=(folder, name, p)) for p in range(PRODUCERS)]
    received: Counter[str] = Counter()
    errors: list[str] = []
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        for producer in producers:
            producer.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                message = queue.get_nowait()
            except queue.Empty:
                if not any(p.is_alive() for p in producers) and not queue.qsize():
                    break
                continue
            except Exception as error:  # what stopped the worker's consumer
                errors.append(repr(error))
                continue
            number = int(message.payload["id"].partition("-")[2])
            assert message.payload["body"] == "x" * number, "a garbled message"
            received[message.payload["id"]] += 1
            message.ack()
    for producer in producers:
        producer.join(10)
    assert errors == []
    sent = {f"{p}-{n}" for p in range(PRODUCERS) for n in range(MESSAGES_EACH)}
    assert set(received) == sent
    assert set(received.values()) == {1}


class SlowToEncode:
    """A header whose encoding pauses until the test has looked at the queue."""

    def __init__(self) -> None:
        self.encoding = threading.Event()
        self.looked = threading.Event()

    def __json__(self) -> str:
        self.encoding.set()
        self.looked.wait(10)
        return "slow"


def test_a_message_is_invisible_until_it_is_completely_written(folder: str, name: str) -> None:
    header = SlowToEncode()

    def send() -> None:
        with connect(folder) as connection:
            connection.SimpleQueue(name).put({"id": "whole"}, headers={"h": header})

    sender = threading.Thread(target=send)
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        sender.start()
        assert header.encoding.wait(10)
        try:
            with pytest.raises(queue.Empty):
                queue.get_nowait()
        finally:
            header.looked.set()
            sender.join(10)
        assert queue.get(timeout=5).payload == {"id": "whole"}


def test_an_undecodable_file_is_set_aside_and_the_next_message_delivered(
    folder: str, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    bad = Path(folder, "queue", f"{0:016d}_bad.{name}.msg")  # older than any message sent now
    bad.write_bytes(b"")  # what a producer killed between creating and writing would leave
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        queue.put({"id": "after"})
        with caplog.at_level(logging.ERROR, logger="workmail_console.broker"):
            assert queue.get(timeout=5).payload == {"id": "after"}
    assert not bad.exists()
    assert Path(folder, "queue", f".{bad.name}.undecodable").exists()
    assert "undecodable message file" in caplog.text


def test_messages_are_received_in_the_order_sent_when_the_clock_gains_a_digit(
    folder: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([9.998, 9.999, 10.0, 10.001])  # 9998 ms to 10001 ms: 4 digits, then 5
    monkeypatch.setattr("workmail_console.broker.monotonic", lambda: next(clock))
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        for n in range(4):
            queue.put({"id": n})
        received = [queue.get(timeout=5).payload["id"] for _ in range(4)]
    assert received == [0, 1, 2, 3]


def consume(folder: str, name: str, start, results) -> None:
    """One worker process: takes messages until the queue is empty; reports what it took."""
    received: list[int] = []
    errors: list[str] = []
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        start.wait(30)
        while True:
            try:
                message = queue.get_nowait()
            except queue.Empty:
                break
            except Exception as error:  # what would stop a worker's consumer
                errors.append(repr(error))
                continue
            received.append(message.payload["id"])
            message.ack()
    results.put((received, errors))


@pytest.mark.slow
@pytest.mark.process
def test_consumers_racing_for_the_same_messages_each_get_one_once(folder: str, name: str) -> None:
    with connect(folder) as connection:
        queue = connection.SimpleQueue(name)
        for n in range(WAITING):
            queue.put({"id": n})
    spawn = multiprocessing.get_context("spawn")  # separate processes, like worker children
    start, results = spawn.Barrier(CONSUMERS), spawn.Queue()
    consumers = [
        spawn.Process(target=consume, args=(folder, name, start, results)) for _ in range(CONSUMERS)
    ]
    for consumer in consumers:
        consumer.start()
    reports = [results.get(timeout=60) for _ in consumers]
    for consumer in consumers:
        consumer.join(10)
    assert sum(1 for received, _ in reports if received) > 1  # they did race
    assert [error for _, errors in reports for error in errors] == []
    assert sorted(n for received, _ in reports for n in received) == list(range(WAITING))
