"""The benchmarks' own PostgreSQL databases, made beside the configured one and dropped after."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# Where the benchmarks make their databases when DATABASE_URL is not set: make test's database.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/workmail_console"


def bench_database_url(suffix: str) -> tuple[str, str, str]:
    """(bench URL, maintenance URL, bench database name) for `<name>_<suffix>` beside the one
    DATABASE_URL names."""
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"The benchmark needs PostgreSQL: DATABASE_URL={url!r}")
    name = parts.path.lstrip("/") or "workmail_console"
    bench = f"{name}_{suffix}"
    return (
        urlunsplit(parts._replace(path=f"/{bench}")),
        urlunsplit(parts._replace(path="/postgres")),
        bench,
    )


def recreate_database(maintenance_url: str, name: str, *, create: bool = True) -> None:
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        identifier = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))


def migrated_and_set_up(maintenance_url: str, name: str) -> None:
    """Make database `name` afresh, migrate it (`manage.py migrate`, with this environment's
    DATABASE_URL, which names it) and set Django up in this process."""
    recreate_database(maintenance_url, name)
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"]
    subprocess.run(migrate, cwd=Path(__file__).resolve().parent.parent, check=True)
    import django

    django.setup()
