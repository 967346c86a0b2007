"""Profile: where the server's CPU goes in a signed WorkMail API call, without gunicorn.

On a database of its own (`<name>_apiprofile`), seeded as bench/api.py seeds its own, signs N
requests of each kind first (botocore, as boto3 does), then sends them one after another through
Django's whole stack in this process (its WSGI handler, called as gunicorn calls it, with the
request_started/finished signals that let a request's first read be its connection check;
bench/api_settings.py: every middleware, the endpoint, SigV4 verification): the ceiling's trivial
view, DescribeOrganization and
ListOrganizations. Prints, per request, this process's CPU, the PostgreSQL backend's CPU and the
statements sent (counted on a first few requests: counting wraps the cursor, which the CPU's run
leaves as the server does), then DescribeOrganization again under cProfile: ours by cumulative
time, and everything by own time. The README's account of where bench/api.py's time goes comes
from here.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \\
    .venv/bin/python bench/api_profile.py [--requests N] [--top K]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.api import CONTENT_TYPE, REGION, seed  # noqa: E402
from bench.databases import (  # noqa: E402
    bench_database_url,
    migrated_and_set_up,
    recreate_database,
)
from bench.profile_steps import OURS, Backend  # noqa: E402

HOST = "127.0.0.1"
COUNTED = 20  # requests of each kind whose statements are counted


def signed(path: str, operation: str, body: bytes, key_id: str, secret: str) -> dict[str, str]:
    """The headers boto3 would send for `operation` with `body`, signed now."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST", url=f"http://{HOST}{path}", data=body,
        headers={"Content-Type": CONTENT_TYPE, "X-Amz-Target": f"WorkMailService.{operation}"},
    )  # fmt: skip
    SigV4Auth(Credentials(key_id, secret), "workmail", REGION).add_auth(request)
    return {"Host": HOST, **dict(request.headers)}


def profile(n: int, top: int) -> int:
    from django.core.handlers.wsgi import WSGIHandler

    key_id, secret, organization_id = seed(10)
    describe = json.dumps({"OrganizationId": organization_id}).encode()
    kinds = {
        "ceiling": ("/ceiling/", "DescribeOrganization", describe),
        "describe": ("/", "DescribeOrganization", describe),
        "list": ("/", "ListOrganizations", b"{}"),
    }
    handler = WSGIHandler()  # not the test client, which leaves out close_old_connections

    def send(path: str, body: bytes, headers: dict[str, str]) -> None:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": HOST, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
        }  # fmt: skip
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        status: list[str] = []
        response = handler(environ, lambda line, _headers: status.append(line))
        content = b"".join(response)
        response.close()  # request_finished, as a WSGI server sends it
        assert status[0].startswith("200"), content

    send("/", describe, signed("/", "DescribeOrganization", describe, key_id, secret))  # warm
    backend = Backend()
    mine, theirs, statements = {}, {}, {}
    for name, (path, operation, body) in kinds.items():  # the statements, counted on a few
        with backend.measure(name, {}, {}, statements):
            for _ in range(COUNTED):
                send(path, body, signed(path, operation, body, key_id, secret))
    backend.stop_counting()  # the CPU, measured as the server runs: nothing wraps the cursor
    for name, (path, operation, body) in kinds.items():
        requests = [signed(path, operation, body, key_id, secret) for _ in range(n)]
        with backend.measure(name, mine, theirs, {}):
            for headers in requests:
                send(path, body, headers)
    print(f"Per request, {n} of each, one after another through Django's stack in-process:")
    print(f"  {'':<10}{'CPU ms here':>12}{'PostgreSQL':>12}{'statements':>12}")
    for name in kinds:
        print(
            f"  {name:<10}{1000 * mine[name] / n:>12.2f}{1000 * theirs[name] / n:>12.2f}"
            f"{statements[name] / COUNTED:>12.1f}"
        )
    path, operation, body = kinds["describe"]
    requests = [signed(path, operation, body, key_id, secret) for _ in range(n)]
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for headers in requests:
        send(path, body, headers)
    profiler.disable()
    print(f"\nDescribeOrganization under cProfile: {1000 * (time.process_time() - started) / n:.2f}"
          " ms of CPU per request\n")  # fmt: skip
    stats = pstats.Stats(profiler)
    print("Ours, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(OURS, top)
    print("Everything, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print("Everything, by own time:")
    stats.sort_stats("tottime").print_stats(top)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    database_url, maintenance_url, database = bench_database_url("apiprofile")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.api_settings", DATABASE_URL=database_url,
        DEBUG="false", LOG_LEVEL="WARNING",
    )  # fmt: skip
    print(f"Creating database {database}", file=sys.stderr)
    try:
        migrated_and_set_up(maintenance_url, database)
        return profile(args.requests, args.top)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, database, create=False)


if __name__ == "__main__":
    sys.exit(main())
