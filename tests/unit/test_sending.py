"""The one broker-safe send: a message the broker takes is sent as asked; with the broker down,
the caller goes on (False) and the log says which task and what will send it again."""

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from celery import Celery, Task

from tests.processes import free_port
from workmail_console.sending import send


@pytest.fixture(autouse=True)
def _own_broker_only(monkeypatch) -> None:
    """Celery lets CELERY_BROKER_URL override any app's broker: these apps keep their own."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


def probe(**conf: object) -> Task:
    """A task of a Celery app of its own, on the broker `conf` describes."""
    app = Celery("probe", set_as_current=False, **conf)

    @app.task(name="probe.look_at")
    def look_at(pk: int, kind: str = "") -> None:
        """Never run: these tests only send."""

    return look_at


def filesystem(folder_in: Path, folder_out: Path) -> dict[str, object]:
    """The project's filesystem broker (workmail_console.broker) on these folders."""
    return {
        "broker": "filesystem://localhost/",
        "broker_transport": "workmail_console.broker:Transport",
        "broker_transport_options": {
            "data_folder_in": str(folder_in),
            "data_folder_out": str(folder_out),
        },
    }


BROKERS_DOWN: dict[str, Callable[[Path], dict[str, object]]] = {
    "redis-on-a-closed-port": lambda tmp: {"broker": f"redis://127.0.0.1:{free_port()}/0"},
    "filesystem-folder-gone": lambda tmp: filesystem(tmp / "gone", tmp / "gone"),
    "filesystem-cannot-write": lambda tmp: filesystem(tmp, tmp / "gone"),
}


def test_a_message_the_broker_takes_is_sent_with_its_arguments_and_countdown(tmp_path) -> None:
    assert send(probe(**filesystem(tmp_path, tmp_path)), 7, kind="x", countdown=30) is True
    [message] = [json.loads(file.read_text()) for file in tmp_path.glob("*.msg")]
    args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
    assert (message["headers"]["task"], args, kwargs) == ("probe.look_at", [7], {"kind": "x"})
    assert message["headers"]["eta"] is not None


@pytest.mark.parametrize("broker", BROKERS_DOWN.values(), ids=BROKERS_DOWN.keys())
def test_a_broker_that_is_down_is_logged_and_left_to_the_sweep(broker, tmp_path, caplog) -> None:
    task = probe(**broker(tmp_path))
    assert send(task, 7, kind="x", then="the probe sweep") is False
    [record] = [r for r in caplog.records if r.name == "workmail_console.sending"]
    assert record.levelname == "WARNING"
    assert record.getMessage().startswith("Could not send probe.look_at(7, kind='x'): ")
    assert record.getMessage().endswith("; the probe sweep will pick it up.")
