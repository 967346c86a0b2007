"""`make run` on the embedded default, stopped with Ctrl-C as a terminal sends it: web, worker and
beat each get one SIGTERM and shut down warm, and nothing is SIGKILLed."""

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import descendants, embedded_env, free_port, is_running
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.process]

STOPS_WITHIN = 15  # seconds; about 5 on an idle machine (the worker's loop drains every 2 s)


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.HTTPError:
        return True  # an answer all the same
    except OSError:
        return False
    return True


def test_ctrl_c_stops_web_worker_and_beat_warm_without_sigkill(tmp_path: Path) -> None:
    bind = f"127.0.0.1:{free_port()}"
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        # Its own session and process group, like a job in the foreground of a terminal.
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=settings.BASE_DIR, env=embedded_env(
                tmp_path / "var", WEB_BIND=bind, WORKMAIL_DNS_PORT=str(free_port())
            ),
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    stack: set[int] = set()
    try:

        def up() -> bool:
            """the page to answer, the worker to be ready and beat to start"""
            output = log.read_text(errors="replace")
            assert make.poll() is None, output[-3000:]
            ready = "ready." in output and "beat: Starting" in output
            return ready and answers(f"http://{bind}/")

        wait_for(up, timeout=120, interval=0.2)
        stack = descendants(make.pid)
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C: SIGINT to the terminal's foreground group
        started = time.monotonic()
        make.wait(timeout=60)

        def all_gone() -> bool:
            """every process of the stack to exit"""
            return not any(is_running(pid) for pid in stack)

        wait_for(all_gone, timeout=60, interval=0.1)
        took = time.monotonic() - started
    finally:
        for pid in stack | descendants(make.pid):  # whatever a failure left running
            if is_running(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        if make.poll() is None:
            make.kill()
        print(log.read_text(errors="replace")[-6000:])  # shown when the test fails

    output = log.read_text(errors="replace")
    assert "worker: Warm shutdown" in output
    assert "SIGKILL" not in output
    assert "exited with 'signal" not in output  # a pool child killed by a signal
    assert dict(re.findall(r"(\w+)\.1 stopped \(rc=(-?\d+)\)", output)) == {
        "web": "0",
        "worker": "0",
        "beat": "0",
        "dns": "0",
    }
    assert took < STOPS_WITHIN, f"took {took:.1f} s"
