"""Benchmark: the WorkMail API's signed calls under 16 concurrent clients, beside a trivial view on
the same server (the ceiling) and moto's server (the emulator people use today).

gunicorn, as the Procfile runs it (2 workers x 4 threads, here without the access log), on a free
loopback port and a PostgreSQL database of its own, serving the product's settings and URLs plus
one bench-only view (bench/api_settings.py, bench/api_urls.py); and `moto_server` (moto[server])
on another free port. Four runs under the same load:

describe    DescribeOrganization of an Active organization: SigV4-signed by botocore for every
            request, verified by the server (the access key's row, its secret decrypted, the
            signature recomputed), the body checked against the service model, one transaction
list        ListOrganizations (ORGANIZATIONS Active organizations in the key's account and Region:
            one page)
ceiling     the same signed request POSTed to /ceiling/, a view that answers `{}` without looking
            at it: what Django's middleware and gunicorn cost a request, the most the API can reach
moto        KMS DescribeKey against moto_server (it does not verify signatures)

Each run: CLIENTS client threads (default 16) spread over PROCESSES processes, each thread with
one keep-alive connection (urllib3), signing each request with botocore as boto3 does; WARMUP
seconds unmeasured, then DURATION seconds measured. Requests per second, and p50/p95 from the
request sent to the response read (signing is the client's, outside). Rounds alternate the four
runs; the median round of each is reported, with the CPU each part used per request (the server's
processes, the bench database's PostgreSQL backends, the client processes). On a machine shared
with other work the rates move a lot from round to round; the CPU per request is steadier, and
the ratios it predicts (what the rates tend to when the cores are the limit) are printed too. The
targets: DescribeOrganization at least 60 % of the ceiling's rate and at least twice moto's.
bench/api_profile.py says where a call's CPU goes.

It is a measurement, not a test: any answer but 200 stops it. It makes its own database
`<name>_apibench` beside DATABASE_URL's and drops it at the end. Run it with `make bench`
(which installs moto[server], the `bench` extra), or:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \\
    .venv/bin/python bench/api.py [--clients 16] [--processes 4] [--duration 5] [--rounds 5]

Progress goes to stderr, the table to stdout.
"""

import argparse
import json
import multiprocessing
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/api.py` from anywhere

from bench.databases import (  # noqa: E402
    bench_database_url,
    migrated_and_set_up,
    recreate_database,
)
from bench.lifecycle import process_cpu, sigterm_as_interrupt  # noqa: E402

REGION = "us-east-1"
CONTENT_TYPE = "application/x-amz-json-1.1"
GUNICORN = ["--workers", "2", "--threads", "4"]  # the Procfile's
RUNS = ("describe", "list", "ceiling", "moto")
LABELS = {
    "describe": "DescribeOrganization",
    "list": "ListOrganizations",
    "ceiling": "ceiling: trivial JSON view",
    "moto": "moto_server: KMS DescribeKey",
}
COMPONENTS = ("server", "postgres", "clients")
TARGET_OF_CEILING = 0.6
TARGET_OF_MOTO = 2.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the clients ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One signed POST, as boto3 sends it: an AWS JSON 1.1 operation."""

    url: str
    service: str
    amz_target: str
    body: bytes
    key_id: str
    secret: str


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)  # seconds, send to response read
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0


def drive(request: Request, threads: int, measure_from: float, until: float, out) -> None:
    """A client process: `threads` threads send `request` until `until` (wall clock), each over
    its own keep-alive connection; latencies count from `measure_from`."""
    import urllib3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signer = SigV4Auth(Credentials(request.key_id, request.secret), request.service, REGION)
    parts = urlsplit(request.url)
    measured = Measured()
    lock = threading.Lock()

    def client() -> None:
        connection = urllib3.HTTPConnectionPool(
            parts.hostname, parts.port, maxsize=1, retries=urllib3.Retry(connect=2, read=0)
        )
        mine: list[float] = []
        while (now := time.time()) < until:
            signed = AWSRequest(
                method="POST",
                url=request.url,
                data=request.body,
                headers={"Content-Type": CONTENT_TYPE, "X-Amz-Target": request.amz_target},
            )
            signer.add_auth(signed)
            started = time.perf_counter()
            try:
                response = connection.urlopen(
                    "POST", parts.path, body=request.body, headers=dict(signed.headers)
                )
            except urllib3.exceptions.HTTPError as error:
                with lock:
                    measured.errors.append(repr(error))
                continue
            took = time.perf_counter() - started
            if response.status != 200:
                with lock:
                    measured.errors.append(f"{response.status} {response.data[:300]!r}")
            elif now >= measure_from and time.time() <= until:
                mine.append(took)
        with lock:
            measured.latencies += mine

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(max(0.0, measure_from - time.time()))
    cpu_from = time.process_time()
    time.sleep(max(0.0, until - time.time()))
    measured.client_cpu = time.process_time() - cpu_from
    for worker in workers:
        worker.join()
    out.put(measured)


@dataclass
class Result:
    run: str
    per_second: float
    latencies: list[float]
    cpu: dict[str, float]  # CPU seconds per component over the measured window

    def percentile_ms(self, percent: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1] * 1000

    def cpu_ms(self, component: str) -> float:
        return self.cpu[component] * 1000 / len(self.latencies)

    def cpu_ms_total(self) -> float:
        return sum(self.cpu_ms(component) for component in COMPONENTS)


class Load:
    """CLIENTS threads over PROCESSES forked processes, started together for each run."""

    def __init__(self, clients: int, processes: int, warmup: float, duration: float) -> None:
        self.clients, self.processes = clients, processes
        self.warmup, self.duration = warmup, duration
        self.context = multiprocessing.get_context("fork")

    def run(self, name: str, request: Request, server: "Server") -> Result:
        from django.db import connections

        connections.close_all()  # nothing of this process's database connection goes with a fork
        out = self.context.Queue()
        start = time.time() + 0.5
        measure_from, until = start + self.warmup, start + self.warmup + self.duration
        shares = [self.clients // self.processes + (n < self.clients % self.processes)
                  for n in range(self.processes)]  # fmt: skip
        children = [
            self.context.Process(target=drive, args=(request, share, measure_from, until, out))
            for share in shares
            if share
        ]
        for child in children:
            child.start()
        time.sleep(max(0.0, measure_from - time.time()))
        before = server.cpu()
        time.sleep(max(0.0, until - time.time()))
        after = server.cpu()
        measured = [out.get(timeout=60 + self.duration) for _ in children]
        for child in children:
            child.join()
        errors = [error for one in measured for error in one.errors]
        if errors:
            raise SystemExit(f"{LABELS[name]}: {len(errors)} failed requests, first: {errors[0]}")
        latencies = [latency for one in measured for latency in one.latencies]
        cpu = {name: after[name] - before[name] for name in ("server", "postgres")}
        cpu["clients"] = sum(one.client_cpu for one in measured)
        return Result(name, len(latencies) / self.duration, latencies, cpu)


# --- the servers ----------------------------------------------------------------------------


class Server:
    """A server process in a session of its own (its process group: its workers' CPU counts)."""

    def __init__(
        self, command: list[str], env: dict[str, str], database: str = "", cwd: Path = ROOT
    ) -> None:
        self.command, self.env, self.database, self.cwd = command, env, database, cwd
        self.process: subprocess.Popen | None = None

    def start(self, ready_url: str) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{self.command[0:3]} did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of the server's processes and of the bench database's backends."""
        backends: set[int] = set()
        if self.database:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database],
                )
                backends = {pid for (pid,) in cursor.fetchall()}
            connection.close()
        group = self.process.pid
        return {
            "server": sum(process_cpu(lambda _, pgrp: pgrp == group).values()),
            "postgres": sum(process_cpu(lambda pid, _: pid in backends).values()),
        }


def seed(organizations: int) -> tuple[str, str, str]:
    """An admin's access key and ORGANIZATIONS Active organizations in one account and Region:
    (key id, secret, the first organization's ID)."""
    from tests.factories import MembershipFactory, active_organization
    from workmail_console.access_keys import create_access_key

    admin = MembershipFactory()
    made = [
        active_organization(account=admin.account, region=REGION, alias=f"apibench{n}")
        for n in range(organizations)
    ]
    access_key, secret = create_access_key(admin.user)
    from django.db import connection

    with connection.cursor() as cursor:  # statistics, as a database in use has: stable plans
        cursor.execute("ANALYZE")
    return access_key.key_id, secret, made[0].organization_id


def moto_key(endpoint: str) -> str:
    """A KMS key made in moto, for its DescribeKey."""
    import boto3

    kms = boto3.client(
        "kms", region_name=REGION, endpoint_url=endpoint,
        aws_access_key_id="AKIAMOTOBENCH0000000", aws_secret_access_key="moto-bench-secret",
    )  # fmt: skip
    return kms.create_key(Description="bench")["KeyMetadata"]["KeyId"]


# --- report ---------------------------------------------------------------------------------


def machine(load: float) -> str:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    from importlib.metadata import version

    return (
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" PostgreSQL {postgres}, gunicorn {version('gunicorn')}, moto {version('moto')},"
        f" load average {load:.2f} at start"
    )


def median_round(results: list[Result]) -> Result:
    return sorted(results, key=lambda result: result.per_second)[(len(results) - 1) // 2]


def table(args: argparse.Namespace, rounds: dict[str, list[Result]], machine_line: str) -> str:
    chosen = {name: median_round(results) for name, results in rounds.items()}
    describe, ceiling, moto = chosen["describe"], chosen["ceiling"], chosen["moto"]

    def ratios(other: str) -> list[float]:
        pairs = zip(rounds["describe"], rounds[other], strict=True)
        return [mine.per_second / theirs.per_second for mine, theirs in pairs]

    def verdict(ratio: float, target: float) -> str:
        return f"target >= {target:.2f}: {'met' if ratio >= target else 'NOT met'}"

    def row(name: str) -> str:
        result = chosen[name]
        label = LABELS[name] + (f" ({args.organizations})" if name == "list" else "")
        return (
            f"{label:<36}{result.per_second:>10.1f}"
            f"{result.percentile_ms(50):>11.1f}{result.percentile_ms(95):>11.1f}"
        )

    def spread(name: str) -> str:
        rates = [result.per_second for result in rounds[name]]
        return f"{name} {min(rates):.0f}-{max(rates):.0f}/s"

    def cpu_row(name: str) -> str:
        per_request = [chosen[name].cpu_ms(component) for component in COMPONENTS]
        return f"{LABELS[name]:<36}" + "".join(
            f"{ms:>10.2f}" for ms in [*per_request, chosen[name].cpu_ms_total()]
        )

    def by_cpu(other: str) -> float:
        """DescribeOrganization's ratio to `other` as their CPU per request predicts it."""
        return chosen[other].cpu_ms_total() / describe.cpu_ms_total()

    of_ceiling = describe.per_second / ceiling.per_second
    of_moto = describe.per_second / moto.per_second
    spans = {other: ratios(other) for other in ("ceiling", "moto")}
    return "\n".join(
        [
            f"WorkMail API benchmark ({args.clients} clients in {args.processes} processes,"
            " keep-alive, SigV4 signed per request; gunicorn 2 workers x 4 threads, PostgreSQL;"
            f" median of {args.rounds} rounds of {args.duration:g} s after {args.warmup:g} s"
            " of warm-up)",
            f"{'run':<36}{'per second':>10}{'p50 (ms)':>11}{'p95 (ms)':>11}",
            *(row(name) for name in RUNS),
            f"{'ratio DescribeOrganization / ceiling':<36}{of_ceiling:>10.2f}"
            f"   ({verdict(of_ceiling, TARGET_OF_CEILING)})",
            f"{'ratio DescribeOrganization / moto':<36}{of_moto:>10.2f}"
            f"   ({verdict(of_moto, TARGET_OF_MOTO)})",
            f"{'ratio ceiling / moto':<36}{ceiling.per_second / moto.per_second:>10.2f}"
            "   (the most DescribeOrganization / moto can be on this server)",
            f"by CPU per request (all processes: where the rates tend when the cores are the"
            f" limit): / ceiling {by_cpu('ceiling'):.2f}, / moto {by_cpu('moto'):.2f}",
            f"rounds: {', '.join(spread(name) for name in RUNS)};"
            f" ratios / ceiling {min(spans['ceiling']):.2f}-{max(spans['ceiling']):.2f},"
            f" / moto {min(spans['moto']):.2f}-{max(spans['moto']):.2f}",
            machine_line,
            "",
            f"{'CPU ms per request':<36}"
            + "".join(f"{name:>10}" for name in (*COMPONENTS, "total")),
            *(cpu_row(name) for name in RUNS),
        ]
    )


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--processes", type=int, default=4, help="client processes (4)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds unmeasured (2)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured (5)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the four runs (5)")
    parser.add_argument(
        "--organizations", type=int, default=10, help="listed by ListOrganizations (10)"
    )
    args = parser.parse_args(argv)
    if min(args.clients, args.processes, args.rounds, args.organizations) < 1:
        parser.error("--clients, --processes, --rounds and --organizations must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url, maintenance_url, database = bench_database_url("apibench")
    os.environ.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="workmail_console.settings",
        DEBUG="false", LOG_LEVEL="WARNING",
    )  # fmt: skip
    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"Load average {load:.2f}: if other processes are busy, expect noisy numbers")
    from tests.processes import free_port

    web_port, moto_port = free_port(), free_port()
    web = Server(
        [sys.executable, "-m", "gunicorn", "workmail_console.wsgi", *GUNICORN,
         "--no-control-socket", "--bind", f"127.0.0.1:{web_port}"],
        {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.api_settings"},
        database,
    )  # fmt: skip
    moto = Server(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p",
         str(moto_port)],
        dict(os.environ),
    )  # fmt: skip
    with sigterm_as_interrupt():
        try:
            log(f"==> Database {database}: created and migrated")
            migrated_and_set_up(maintenance_url, database)
            log(f"==> Seeding an admin's access key and {args.organizations} organizations")
            key_id, secret, organization_id = seed(args.organizations)
            log(f"==> gunicorn on 127.0.0.1 port {web_port}, moto_server on port {moto_port}")
            web.start(f"http://127.0.0.1:{web_port}/signin/")
            moto.start(f"http://127.0.0.1:{moto_port}/moto-api/")
            moto_endpoint = f"http://127.0.0.1:{moto_port}/"
            api = f"http://127.0.0.1:{web_port}/"
            describe = json.dumps({"OrganizationId": organization_id}).encode()
            requests = {
                "describe": Request(api, "workmail", "WorkMailService.DescribeOrganization",
                                    describe, key_id, secret),
                "list": Request(api, "workmail", "WorkMailService.ListOrganizations", b"{}",
                                key_id, secret),
                "ceiling": Request(f"{api}ceiling/", "workmail",
                                   "WorkMailService.DescribeOrganization", describe, key_id,
                                   secret),
                "moto": Request(moto_endpoint, "kms", "TrentService.DescribeKey",
                                json.dumps({"KeyId": moto_key(moto_endpoint)}).encode(),
                                "AKIAMOTOBENCH0000000", "moto-bench-secret"),
            }  # fmt: skip
            servers = {"describe": web, "list": web, "ceiling": web, "moto": moto}
            loader = Load(args.clients, args.processes, args.warmup, args.duration)
            rounds: dict[str, list[Result]] = {name: [] for name in RUNS}
            for number in range(1, args.rounds + 1):
                for name in RUNS:
                    result = loader.run(name, requests[name], servers[name])
                    rounds[name].append(result)
                    log(
                        f"    round {number}/{args.rounds} {LABELS[name]}:"
                        f" {result.per_second:.0f}/s, p95 {result.percentile_ms(95):.1f} ms"
                    )
            machine_line = machine(load)
        except KeyboardInterrupt:
            log("Interrupted")
            return 130
        finally:
            web.stop()
            moto.stop()
            from django.db import connections

            connections.close_all()
            recreate_database(maintenance_url, database, create=False)
    print()
    print(table(args, rounds, machine_line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
