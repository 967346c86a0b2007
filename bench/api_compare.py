"""Benchmark: DescribeOrganization and the ceiling of two versions of the code, side by side.

On this shared 2-core machine a round of bench/api.py moves by ±20 % and a run's median by ±5 %,
more than most changes are worth. This compares two trees under the same load at the same time:
the working tree and REV (checked out into a temporary git worktree), each served by its own
gunicorn (bench/api.py's, 2 workers x 4 threads) on one database that this tree migrates and seeds,
the rounds alternating them (the order flipped each round). It prints, for each tree, the median
rate and the CPU per request of DescribeOrganization and of the ceiling, and their ratio. REV must
share this tree's migrations (the database is migrated once, by this tree).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \\
    .venv/bin/python bench/api_compare.py REV [--rounds 8]

Progress goes to stderr, the table to stdout.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.api import GUNICORN, Load, Request, Result, Server, log, seed  # noqa: E402
from bench.databases import (  # noqa: E402
    bench_database_url,
    migrated_and_set_up,
    recreate_database,
)
from bench.lifecycle import sigterm_as_interrupt  # noqa: E402

KINDS = ("describe", "ceiling")


def compare(
    rev: str, trees: dict[str, Path], database: str, rounds: int
) -> dict[tuple[str, str], list[Result]]:
    from tests.processes import free_port

    key_id, secret, organization_id = seed(10)
    body = json.dumps({"OrganizationId": organization_id}).encode()
    target = "WorkMailService.DescribeOrganization"
    servers: dict[str, Server] = {}
    requests: dict[tuple[str, str], Request] = {}
    try:
        for name, tree in trees.items():
            port = free_port()
            servers[name] = Server(
                [sys.executable, "-m", "gunicorn", "workmail_console.wsgi", *GUNICORN,
                 "--no-control-socket", "--bind", f"127.0.0.1:{port}"],
                {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.api_settings",
                 "PYTHONPATH": str(tree)},
                database,
                cwd=tree,
            )  # fmt: skip
            servers[name].start(f"http://127.0.0.1:{port}/signin/")
            api = f"http://127.0.0.1:{port}/"
            requests[name, "describe"] = Request(api, "workmail", target, body, key_id, secret)
            requests[name, "ceiling"] = Request(
                f"{api}ceiling/", "workmail", target, body, key_id, secret
            )
        log(f"==> {rounds} rounds, each: DescribeOrganization and the ceiling of {rev} and of"
            " this tree")  # fmt: skip
        load = Load(clients=16, processes=4, warmup=2.0, duration=5.0)
        results: dict[tuple[str, str], list[Result]] = {key: [] for key in requests}
        for number in range(rounds):
            for name in list(trees) if number % 2 == 0 else reversed(list(trees)):
                for kind in KINDS:
                    result = load.run(kind, requests[name, kind], servers[name])
                    results[name, kind].append(result)
                    server_ms = result.cpu_ms("server")
                    log(f"    round {number + 1}/{rounds} {name} {kind}:"
                        f" {result.per_second:.0f}/s, server {server_ms:.3f} ms")  # fmt: skip
        return results
    finally:
        for server in servers.values():
            server.stop()


def table(rev: str, results: dict[tuple[str, str], list[Result]], rounds: int) -> str:
    def median(name: str, kind: str, measure) -> float:
        return statistics.median(measure(result) for result in results[name, kind])

    lines = [
        f"DescribeOrganization beside the ceiling, {rev} and this tree side by side (median of"
        f" {rounds} rounds of 5 s, 16 clients; CPU ms per request)",
        f"{'tree':<12}{'describe/s':>12}{'server':>9}{'postgres':>9}{'total':>8}"
        f"{'ceiling/s':>12}{'server':>9}{'total':>8}{'ratio':>8}{'by CPU':>8}",
    ]
    for name in ("before", "after"):
        ratios = [
            describe.per_second / ceiling.per_second
            for describe, ceiling in zip(
                results[name, "describe"], results[name, "ceiling"], strict=True
            )
        ]
        describe_total = median(name, "describe", Result.cpu_ms_total)
        ceiling_total = median(name, "ceiling", Result.cpu_ms_total)
        lines.append(
            f"{name:<12}{median(name, 'describe', lambda r: r.per_second):>12.0f}"
            f"{median(name, 'describe', lambda r: r.cpu_ms('server')):>9.3f}"
            f"{median(name, 'describe', lambda r: r.cpu_ms('postgres')):>9.3f}"
            f"{describe_total:>8.3f}"
            f"{median(name, 'ceiling', lambda r: r.per_second):>12.0f}"
            f"{median(name, 'ceiling', lambda r: r.cpu_ms('server')):>9.3f}"
            f"{ceiling_total:>8.3f}{statistics.median(ratios):>8.3f}"
            f"{ceiling_total / describe_total:>8.3f}"
        )
    lines.append(f"before: {rev}; after: this working tree")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the version to compare with (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=8, help="rounds (8)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    database_url, maintenance_url, database = bench_database_url("apicompare")
    secret_key = (ROOT / "var" / "secret_key").read_text().strip()
    os.environ.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="workmail_console.settings",
        DEBUG="false", LOG_LEVEL="WARNING",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secret_key,  # one key: both read the secret
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="api-compare-") as scratch, sigterm_as_interrupt():
        before = Path(scratch) / "before"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--quiet", "--detach", str(before), args.rev],
                       check=True)  # fmt: skip
        try:
            log(f"==> Database {database}: created and migrated")
            migrated_and_set_up(maintenance_url, database)
            results = compare(args.rev, {"before": before, "after": ROOT}, database, args.rounds)
        except KeyboardInterrupt:
            log("Interrupted")
            return 130
        finally:
            from django.db import connections

            connections.close_all()
            recreate_database(maintenance_url, database, create=False)
            subprocess.run([*git, "worktree", "remove", "--force", str(before)], check=False)
    print()
    print(table(args.rev, results, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
