"""Benchmark: how fast organizations reach Active, against the floor Celery itself sets.

Two runs against one real worker (`celery worker --concurrency 2`, prefork), PostgreSQL and Redis:

lifecycle   Create N organizations (default 200) through organizations.services.create_organization,
            as the console does, and wait until every one is Active. Reported: organizations per
            second (first created_date to last completed_date) and p50/p95 of
            completed_date - created_date per organization.
floor       N chains of a no-op task (bench/tasks.py), each making as many hops as an organization's
            lifecycle makes tasks (Requested -> Creating -> Validating -> Active: 3). Reported:
            chains per second (first enqueue to last finish) and p50/p95 per-chain latency.

The ratio lifecycle / floor says how much of the throughput the lifecycle's own work (database
round trips, locks, commits) costs on top of Celery's. Both runs are preceded by a small untimed
warm-up so that each worker process has its connections open.

Below the table, CPU milliseconds per organization / chain, split by where they were spent: the
worker (its main process and children), the bench database's PostgreSQL backends, the Redis server
(all of it) and this script (which creates the organizations). Wall-clock rates on a shared
machine are noisy; the CPU split is steadier and says where the time goes. The load average at
the start is printed too: above ~0.5 other processes are competing for the cores.

It is a measurement, not a test: it asserts nothing about time. It never touches a running
console or test run: it makes its own database `<name>_bench` (dropped at the end), sends to its
own queue `bench-<random>`, and runs with WORKMAIL_STAGE_DELAY=0.

Run it with `make bench`, or from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    .venv/bin/python bench/lifecycle.py [--organizations N]

Progress goes to stderr, the table to stdout.
"""

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType

import redis

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/lifecycle.py` from anywhere

from bench.databases import bench_database_url, recreate_database  # noqa: E402
from tests.processes import CeleryProcess  # noqa: E402  (needs ROOT on the path)

# Requested -> Creating, Creating -> Validating, Validating -> Active: one task each.
LIFECYCLE_HOPS = 3
WARMUP = 10
WORKER_PROCESSES = 2
REGION = "us-east-1"
STALL_TIMEOUT = 60.0  # give up when nothing has finished for this long
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Result:
    count: int
    seconds: float
    latencies: list[float]  # seconds
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per component

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def percentile_ms(self, p: int) -> float:
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


# --- the bench database ---------------------------------------------------------------------


# --- the worker -----------------------------------------------------------------------------


# --- CPU accounting -----------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
COMPONENTS = ("worker", "postgres", "redis", "bench")


def process_cpu(pid_filter: Callable[[int, int], bool]) -> dict[int, float]:
    """CPU seconds (user + system) of each process whose (pid, process group) pass the filter."""
    seconds: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone already
        fields = stat[stat.rindex(")") + 2 :].split()
        if pid_filter(int(entry.name), int(fields[2])):
            seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


class CpuMeter:
    """CPU seconds spent by the worker, the bench database's backends, Redis and this script.

    Wall time on a shared machine is noisy; CPU time per item says where the work goes. Redis is
    the whole server, so anything else using it counts too.
    """

    def __init__(self, worker: CeleryProcess, results: redis.Redis, database: str) -> None:
        self.worker = worker
        self.results = results
        self.database = database

    def snapshot(self) -> dict[str, dict[int, float]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database])
            backends = {pid for (pid,) in cursor.fetchall()}
        group = self.worker.pid
        redis_cpu = self.results.info("cpu")
        return {
            "worker": process_cpu(lambda _, pgrp: pgrp == group),
            "postgres": process_cpu(lambda pid, _: pid in backends),
            "redis": {0: float(redis_cpu["used_cpu_user"]) + float(redis_cpu["used_cpu_sys"])},
            "bench": {0: time.process_time()},
        }

    @contextmanager
    def measure(self) -> Iterator[dict[str, float]]:
        """Yields a dict that holds the CPU seconds each component spent, once the block ends."""
        spent: dict[str, float] = {}
        before = self.snapshot()
        yield spent
        after = self.snapshot()
        # Per process, so that one which ended in between (a database backend) can't count
        # negative; a process that started in between counts from zero.
        spent.update(
            {
                name: sum(cpu - before[name].get(pid, 0) for pid, cpu in after[name].items())
                for name in COMPONENTS
            }
        )


# --- waiting --------------------------------------------------------------------------------


def wait_for(what: str, total: int, done: Callable[[], int], worker: CeleryProcess) -> None:
    """Poll `done()` until it reaches `total`, printing a progress line every second."""
    last_done, last_change, last_print = -1, time.monotonic(), 0.0
    while True:
        count = done()
        now = time.monotonic()
        if count != last_done:
            last_done, last_change = count, now
        if count >= total or now - last_print >= 1:
            log(f"  {count:>{len(str(total))}}/{total} {what}")
            last_print = now
        if count >= total:
            return
        if now - last_change > STALL_TIMEOUT:
            raise RuntimeError(f"stalled at {count}/{total} {what}:\n{worker.tail()}")
        worker.check_alive()
        time.sleep(0.1)


# --- the two runs ---------------------------------------------------------------------------


def run_lifecycle(n: int, alias_prefix: str, worker: CeleryProcess) -> Result:
    from django.db.models import Count

    from organizations.lifecycle import State
    from organizations.models import Organization
    from organizations.services import create_organization
    from workmail_console.models import Account

    account = Account.create()
    organizations = Organization.objects.filter(account=account)
    started = time.monotonic()
    for i in range(n):
        create_organization(account=account, region=REGION, alias=f"{alias_prefix}{i}")
    log(f"  created {n} in {time.monotonic() - started:.2f} s")

    def active() -> int:
        states = dict(organizations.values_list("state").annotate(Count("pk")).order_by())
        if states.get(State.FAILED):
            failed = organizations.filter(state=State.FAILED).first()
            raise RuntimeError(f"{failed} failed: {failed and failed.error_message}")
        return states.get(State.ACTIVE, 0)

    wait_for("Active", n, active, worker)
    rows: list[tuple[datetime, datetime]] = list(
        organizations.values_list("created_date", "completed_date")
    )
    first = min(created for created, _ in rows)
    last = max(completed for _, completed in rows)
    return Result(
        count=n,
        seconds=(last - first).total_seconds(),
        latencies=[(completed - created).total_seconds() for created, completed in rows],
    )


def run_floor(n: int, results: redis.Redis, results_key: str, worker: CeleryProcess) -> Result:
    from bench.tasks import hop

    results.delete(results_key)
    for chain_id in range(n):
        hop.apply_async((chain_id, LIFECYCLE_HOPS, time.time(), results_key))
    wait_for("chains done", n, lambda: int(results.llen(results_key)), worker)
    rows = [entry.split() for entry in results.lrange(results_key, 0, -1)]
    results.delete(results_key)
    started = [float(row[1]) for row in rows]
    finished = [float(row[2]) for row in rows]
    return Result(
        count=n,
        seconds=max(finished) - min(started),
        latencies=[end - start for start, end in zip(started, finished, strict=True)],
    )


# --- report ---------------------------------------------------------------------------------


def machine(results: redis.Redis, load: float) -> str:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    redis_version = results.info("server")["redis_version"]
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" PostgreSQL {postgres}, Redis {redis_version}, load average {load:.2f}"
        " at start"
    )


def median_round(results: list[Result]) -> Result:
    """The round with the median rate (the lower middle one for an even count)."""
    return sorted(results, key=lambda result: result.per_second)[(len(results) - 1) // 2]


def table(n: int, lifecycles: list[Result], floors: list[Result], machine_line: str) -> str:
    lifecycle, floor = median_round(lifecycles), median_round(floors)
    ratios = [
        mine.per_second / theirs.per_second for mine, theirs in zip(lifecycles, floors, strict=True)
    ]

    def spread(results: list[Result]) -> str:
        rates = [result.per_second for result in results]
        return f"{min(rates):.0f}-{max(rates):.0f}/s"

    def row(label: str, result: Result) -> str:
        return (
            f"{label:<28}{result.per_second:>10.1f}"
            f"{result.percentile_ms(50):>11.1f}{result.percentile_ms(95):>11.1f}"
        )

    def cpu_row(label: str, result: Result) -> str:
        per_item = [result.cpu[name] * 1000 / result.count for name in COMPONENTS]
        return f"{label:<28}" + "".join(f"{ms:>10.1f}" for ms in [*per_item, sum(per_item)])

    return "\n".join(
        [
            f"WorkMail Console lifecycle benchmark ({n} organizations, 1 worker x"
            f" {WORKER_PROCESSES} processes, PostgreSQL + Redis, stage delay 0;"
            f" median of {len(lifecycles)} rounds)",
            f"{'run':<28}{'per second':>10}{'p50 (ms)':>11}{'p95 (ms)':>11}",
            row("lifecycle to Active", lifecycle),
            row(f"floor: {LIFECYCLE_HOPS}-hop no-op chains", floor),
            f"{'ratio lifecycle / floor':<28}{lifecycle.per_second / floor.per_second:>10.2f}",
            f"rounds: lifecycle {spread(lifecycles)}, floor {spread(floors)},"
            f" ratio {min(ratios):.2f}-{max(ratios):.2f}",
            machine_line,
            "",
            f"{'CPU ms per item':<28}" + "".join(f"{name:>10}" for name in (*COMPONENTS, "total")),
            cpu_row("lifecycle to Active", lifecycle),
            cpu_row(f"floor: {LIFECYCLE_HOPS}-hop no-op chains", floor),
        ]
    )


# --- main -----------------------------------------------------------------------------------


def clean_up(
    worker: CeleryProcess, maintenance_url: str, database: str, results: redis.Redis, queue: str
) -> None:
    """Stop the worker, drop the database, delete the queue's keys; report, never raise."""
    try:
        worker.stop()
        log("Stopped the worker")
    except (OSError, subprocess.SubprocessError) as error:
        log(f"Could not stop the worker: {error}")
    try:
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, database, create=False)
        log(f"Dropped database {database}")
    except Exception as error:  # whatever it is, report it and carry on cleaning up
        log(f"Could not drop database {database}: {error}; drop it by hand")
    try:
        # The queue, its bindings, the ready flag and the floor's results all carry its name.
        keys = list(results.scan_iter(match=f"*{queue}*"))
        if keys:
            results.delete(*keys)
    except redis.RedisError as error:
        log(f"Could not delete the Redis keys of {queue}: {error}")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so the worker and the database are cleaned up."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--organizations",
        type=int,
        default=200,
        metavar="N",
        help="organizations (and no-op chains) per run (default: 200)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        metavar="R",
        help="alternate R lifecycle and floor runs and report the median of each (default: 3)",
    )
    args = parser.parse_args(argv)
    if args.organizations < 1 or args.rounds < 1:
        parser.error("--organizations and --rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    from bench.tasks import READY_KEY_ENV

    args = parse_args(argv)
    n: int = args.organizations
    database_url, maintenance_url, database = bench_database_url("bench")
    broker_url = os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    if not broker_url.startswith("redis://"):
        raise SystemExit(f"The benchmark needs Redis: CELERY_BROKER_URL={broker_url!r}")
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    ready_key = f"{queue}:ready"
    results_key = f"{queue}:floor"

    # Before django.setup(): this process and the worker read the same settings.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "workmail_console.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "WORKMAIL_QUEUE": queue,
            "WORKMAIL_STAGE_DELAY": "0",
            # One account and Region hold all of them (plus the warm-up's).
            "WORKMAIL_ORGANIZATIONS_PER_REGION": str(n + WARMUP),  # per account: one per round
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            READY_KEY_ENV: ready_key,
        }
    )
    results = redis.Redis.from_url(broker_url)
    results.ping()
    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"Load average {load:.2f}: if other processes are busy, expect noisy numbers")

    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        worker = CeleryProcess.worker(
            dict(os.environ),
            Path(tmp) / "worker.log",
            name="bench",
            concurrency=WORKER_PROCESSES,
            loglevel="WARNING",  # no line per task: logging would cost both runs alike
            include=["bench.tasks"],
            ready=lambda: bool(results.exists(ready_key)),
        )
        try:
            log(f"Creating database {database} and migrating it")
            recreate_database(maintenance_url, database)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env=dict(os.environ),
                check=True,
            )
            import django

            django.setup()

            log(f"Starting the worker on queue {queue}")
            worker.start()

            log(f"Warm-up: {WARMUP} organizations and {WARMUP} chains, untimed")
            run_lifecycle(WARMUP, "warmup", worker)
            run_floor(WARMUP, results, results_key, worker)

            meter = CpuMeter(worker, results, database)
            lifecycles: list[Result] = []
            floors: list[Result] = []
            for round_number in range(1, args.rounds + 1):
                log(f"Round {round_number}/{args.rounds}. Lifecycle: {n} organizations")
                with meter.measure() as lifecycle_cpu:
                    lifecycles.append(run_lifecycle(n, f"bench{round_number}x", worker))
                lifecycles[-1].cpu = lifecycle_cpu
                log(f"Round {round_number}/{args.rounds}. Floor: {n} no-op chains")
                with meter.measure() as floor_cpu:
                    floors.append(run_floor(n, results, results_key, worker))
                floors[-1].cpu = floor_cpu
            machine_line = machine(results, load)
        except KeyboardInterrupt:
            log("Interrupted")
            return 130
        finally:
            clean_up(worker, maintenance_url, database, results, queue)

    print(table(n, lifecycles, floors, machine_line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
