"""Profile: where a worker's CPU goes in the organization lifecycle's steps, without Celery.

Creates N organizations (default 200) in one account and Region of its own database
`<name>_profile`, then runs each one's steps (Requested, Creating, Validating) in this process
as a worker's task runs them (autocommit, one connection kept), under cProfile. Prints the time
per step and the functions that take the most of it, ours first: the README's summary of the
lifecycle's profile comes from here.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \
    .venv/bin/python bench/profile_steps.py [--organizations N] [--top K]
"""

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.databases import bench_database_url, recreate_database  # noqa: E402

REGION = "us-east-1"
STEPS = ("Requested", "Creating", "Validating")
# The project's own modules, for the profile's first table.
APPS = ("workmail_console", "organizations", "directories", "domains", "keys", "users", "route53")
OURS = "|".join(f"{ROOT.name}/{app}/" for app in APPS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--no-profile", action="store_true", help="time the steps only (cProfile slows them)"
    )
    args = parser.parse_args(argv)
    database_url, maintenance_url, database = bench_database_url("profile")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="workmail_console.settings",
        DATABASE_URL=database_url,
        WORKMAIL_STAGE_DELAY="0",
        WORKMAIL_ORGANIZATIONS_PER_REGION=str(args.organizations + 1),
        CELERY_BROKER_URL="memory://",  # the steps send nothing; nothing is sent from here
        LOG_LEVEL="WARNING",
    )
    print(f"Creating database {database}", file=sys.stderr)
    recreate_database(maintenance_url, database)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=dict(os.environ), check=True,
        )  # fmt: skip
        import django

        django.setup()
        return profile(args.organizations, args.top, enabled=not args.no_profile)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, database, create=False)


CREATE = "create"  # create_organization, as the console calls it


class Backend:
    """This process's PostgreSQL backend: the CPU it spends and the statements it is sent."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            [(self.pid,)] = cursor.fetchall()
        self.count = 0
        connection.execute_wrappers.append(self._counting)

    def _counting(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def stop_counting(self) -> None:
        """No more counting: a wrapped connection sends even a kept cursor's statements through
        Django's cursor (workmail_console.db), so CPU is measured without it."""
        from django.db import connection

        connection.execute_wrappers.remove(self._counting)

    def cpu(self) -> float:
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @contextmanager
    def measure(self, name: str, mine: dict, theirs: dict, statements: dict) -> Iterator[None]:
        """CPU seconds of this process and of the backend, and statements sent, under `name`."""
        here, there, count = time.process_time(), self.cpu(), self.count
        yield
        mine[name] = time.process_time() - here
        theirs[name] = self.cpu() - there
        statements[name] = self.count - count


def profile(n: int, top: int, *, enabled: bool = True) -> int:
    from organizations.models import Organization
    from organizations.services import create_organization
    from workmail_console import lifecycle
    from workmail_console.models import Account

    account = Account.create()
    backend = Backend()
    mine, theirs, statements = {}, {}, {}
    with backend.measure(CREATE, mine, theirs, statements):
        ids = [
            create_organization(account=account, region=REGION, alias=f"profile{i}").pk
            for i in range(n)
        ]
    profiler = cProfile.Profile()
    for state in STEPS:
        with backend.measure(state, mine, theirs, statements):
            for pk in ids:
                if enabled:
                    profiler.enable()
                lifecycle.advance(Organization, pk, state)
                if enabled:
                    profiler.disable()
    active = Organization.objects.filter(pk__in=ids, state="Active").count()
    print(f"{active} of {n} organizations Active; per organization:")
    print(f"  {'':<11}{'CPU ms here':>12}{'PostgreSQL':>12}{'statements':>12}")
    for name in (CREATE, *STEPS):
        print(
            f"  {name:<11}{1000 * mine[name] / n:>12.2f}{1000 * theirs[name] / n:>12.2f}"
            f"{statements[name] / n:>12.1f}"
        )
    print(
        f"  {'all steps':<11}{1000 * sum(mine[s] for s in STEPS) / n:>12.2f}"
        f"{1000 * sum(theirs[s] for s in STEPS) / n:>12.2f}"
        f"{sum(statements[s] for s in STEPS) / n:>12.1f}\n"
    )
    if not enabled:
        return 0
    stats = pstats.Stats(profiler)
    print("Ours, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(OURS, top)
    print("Everything, by own time:")
    stats.sort_stats("tottime").print_stats(top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
