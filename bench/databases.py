"""The benchmarks' own PostgreSQL databases, made beside the configured one and dropped after."""

import os
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
