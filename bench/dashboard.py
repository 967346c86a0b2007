"""Benchmark: the ops dashboard at 100,000 organizations and 1,000,000 lifecycle events.

Times the dashboard server side, in this process (Django's test client, no network): each request
is timed from the client's call to the response, with its SQL queries counted. Every kind of
request is made REQUESTS times (default 200) after a few untimed ones, first on an empty
database, then after bench/seed.py has bulk-loaded ORGANIZATIONS organizations and EVENTS events:

page          the whole dashboard, as a browser opens it
refresh       the live part, as htmx asks for it when something changed (rendered in full)
no change     the live part asked with the version the page has: an empty 204
filtered      the live part filtered to one state and Region (a tile's link)
organizations the Organizations page of the biggest account's busiest Region (its first page,
              newest first, with the count over the table)

each as two people: an ops member of the biggest account, and a staff superuser seeing every
account (the Organizations page shows a person their own account's: the superuser's has none).
It prints p50, p95 and max in milliseconds and the queries per request; the target is a p95 under
100 ms at 100,000 organizations.

It is a measurement, not a test: it asserts nothing about time. It makes its own database
`<name>_dashbench` beside DATABASE_URL's and drops it at the end. Run it with `make bench`, or:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \
    .venv/bin/python bench/dashboard.py [--organizations N] [--events M] [--requests R]

Progress goes to stderr, the table to stdout.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/dashboard.py` from anywhere

from bench.databases import bench_database_url, recreate_database  # noqa: E402

WARMUP = 5


REGION = "us-east-1"  # the Organizations page's Region when there are no organizations


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Timed:
    data: str
    viewer: str
    request: str
    milliseconds: list[float]
    queries: set[int]

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.milliseconds, n=100, method="inclusive")[p - 1]

    def row(self) -> str:
        queries = "/".join(str(q) for q in sorted(self.queries))
        return (
            f"| {self.data} | {self.viewer} | {self.request} | {self.percentile(50):.1f} "
            f"| {self.percentile(95):.1f} | {max(self.milliseconds):.1f} | {queries} |"
        )


def request_kinds(client, url: str, organizations: str) -> dict[str, Callable[[], Callable]]:
    """For each kind of request, a function that prepares it and returns the call to time."""
    htmx = {"HX-Request": "true"}

    def unchanged() -> Callable:
        # The version the page has now: asked just before, as the minute is part of it.
        live = client.get(url, headers=htmx).content.decode()
        version = live.split('data-version="', 1)[1].split('"', 1)[0]
        return lambda: client.get(url, {"since": version}, headers=htmx)

    return {
        "page": lambda: lambda: client.get(url),
        "refresh": lambda: lambda: client.get(url, headers=htmx),
        "no change": unchanged,
        "filtered": lambda: (
            lambda: client.get(url, {"state": "Failed", "region": "us-east-1"}, headers=htmx)
        ),
        "organizations": lambda: lambda: client.get(organizations),
    }


def measure(data: str, requests: int) -> list[Timed]:
    """Time each kind of request for each viewer on the database as it is now."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from organizations.models import Organization
    from tests.factories import MembershipFactory
    from workmail_console.models import Account, Role

    biggest = (
        Organization.objects.values("account_id").annotate(n=Count("pk")).order_by("-n").first()
    )
    account = Account.objects.get(pk=biggest["account_id"]) if biggest else Account.create()
    busiest = (
        Organization.objects.filter(account=account).values("region").annotate(n=Count("pk"))
        .order_by("-n").first()
    )  # fmt: skip
    organizations = reverse("organizations:list", args=[busiest["region"] if busiest else REGION])
    viewers = {
        "ops member": MembershipFactory(role=Role.OPS, account=account),
        "superuser": MembershipFactory(
            role=Role.ADMIN, user__is_staff=True, user__is_superuser=True
        ),
    }
    url = reverse("ops:dashboard")
    results = []
    for viewer, membership in viewers.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(membership.user)
        for kind, prepare in request_kinds(client, url, organizations).items():
            log(f"  {data}, {viewer}: {kind} x {requests}")
            call = prepare()
            for _ in range(WARMUP):
                call()
            timed = Timed(data, viewer, kind, [], set())
            for _ in range(requests):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = call()
                    timed.milliseconds.append((time.perf_counter() - started) * 1000)
                if response.status_code not in (200, 204):
                    raise SystemExit(f"{kind} as {viewer} answered {response.status_code}")
                timed.queries.add(len(queries))
            results.append(timed)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url, maintenance_url, database = bench_database_url("dashbench")
    log(f"==> Database {database}: created and migrated")
    recreate_database(maintenance_url, database)
    try:
        env = {**os.environ, "DATABASE_URL": database_url}
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workmail_console.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")  # no line per sign-in
        import django

        django.setup()
        from django.db import connection

        from bench.seed import seed

        results = measure("empty", args.requests)
        log(f"==> Seeding {args.organizations:,} organizations and {args.events:,} events")
        started = time.perf_counter()
        seed(database_url, organizations=args.organizations, events=args.events)
        seeded_in = time.perf_counter() - started
        log(f"    seeded in {seeded_in:.1f} s")
        connection.close()  # a fresh connection sees the seeded data's statistics
        results += measure(f"{args.organizations:,} orgs", args.requests)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, database, create=False)

    print(
        f"\nDashboard, server side, {args.requests} requests each "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; seeded {args.organizations:,} organizations and "
        f"{args.events:,} events in {seeded_in:.1f} s)\n"
    )
    print("| Data | Viewer | Request | p50 ms | p95 ms | max ms | Queries |")
    print("|---|---|---|---:|---:|---:|---:|")
    for timed in results:
        print(timed.row())
    return 0


if __name__ == "__main__":
    sys.exit(main())
