"""Start and stop real Celery processes and a private Redis (for the tests and bench/), and check
a broker answers."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Self
from urllib.parse import urlparse

from django.conf import settings

from tests.waiting import wait_for
from workmail_console.var import prepare

READY = {"worker": "ready.", "beat": "beat: Starting..."}


def broker_problem(url: str) -> str | None:
    """None if the broker answers, else what is wrong, in words a developer can act on."""
    if not url.startswith("redis://"):
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        host = urlparse(url).netloc
        return f"Redis at {host} does not answer ({error}); run `make services`"
    return None


def free_port() -> int:
    """A loopback TCP port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a checkout that just runs: SQLite and the filesystem broker in
    `var_dir`, none of this test run's database, broker, queue or make settings."""
    unset = {"DATABASE_URL", "CELERY_BROKER_URL", "WORKMAIL_QUEUE", "MAKEFLAGS", "MAKELEVEL"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env.update(WORKMAIL_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="workmail_console.settings")
    env.update(extra)
    prepare(var_dir)  # as `make run` does before it starts anything
    return env


def _proc_stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name: [state, ppid, pgrp, session, ...]."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, whatever session it started (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                children.setdefault(int(_proc_stat(entry.name)[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def is_running(pid: int) -> bool:
    """Exists and is not a zombie (in a container, PID 1 may never reap an orphan)."""
    try:
        return _proc_stat(pid)[0] != "Z"
    except OSError:
        return False


def forget_queue(url: str, queue: str) -> None:
    """Drop what a finished test run left on a Redis broker: its queue, its exchange's bindings,
    and messages that killed workers held unacknowledged (Redis would hand those back to a queue
    nobody reads)."""
    if not url.startswith("redis://"):
        return
    import redis

    client = redis.Redis.from_url(url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, payload in client.hscan_iter("unacked"):
        if json.loads(payload)[-1] == queue:  # [message, exchange, routing_key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


class CeleryProcess:
    """A real `celery` worker or beat in its own process group (the tests and bench/ use it)."""

    def __init__(
        self,
        kind: str,
        args: list[str],
        env: dict[str, str],
        log: Path,
        ready: Callable[[], bool] | None = None,
    ) -> None:
        self.kind = kind
        self.log = log
        self._args = args
        self._env = env
        self._ready = ready  # by default: its "ready" line in the log
        self.process: subprocess.Popen | None = None

    @classmethod
    def worker(
        cls,
        env: dict[str, str],
        log: Path,
        *,
        name: str = "test",
        concurrency: int = 2,
        loglevel: str = "INFO",
        include: Sequence[str] = (),
        ready: Callable[[], bool] | None = None,
    ) -> Self:
        args = [
            "worker",
            *("--concurrency", str(concurrency), "--loglevel", loglevel),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("--hostname", f"{name}-{os.getpid()}@%h"),
        ]
        if include:
            args += ["--include", ",".join(include)]
        return cls("worker", args, env, log, ready)

    @classmethod
    def beat(cls, env: dict[str, str], log: Path, schedule: Path) -> Self:
        return cls("beat", ["beat", "--loglevel", "INFO", "--schedule", str(schedule)], env, log)

    def start(self, timeout: float = 30) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "workmail_console", *self._args],
                cwd=settings.BASE_DIR,
                env=self._env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ready = self._ready or (
            lambda: READY[self.kind] in self.log.read_text(errors="replace")[offset:]
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if ready():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"celery {self.kind} did not start:\n{self.tail()}")

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"celery {self.kind} exited:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"celery {self.kind} has not been started")
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or the OOM killer would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        self.stop()
        try:
            yield
        finally:
            self.start()


class PrivateRedis:
    """A redis-server of the test's own, without persistence: a crash loses every message in it."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            """the private redis-server to answer"""
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        try:
            wait_for(answers, timeout=10)
        except AssertionError:
            self.kill()
            raise
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL, as a crash would: nothing is saved."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
