"""The benchmarks' own PostgreSQL databases, made beside the configured one and dropped after."""

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def bench_database_url(url: str, suffix: str = "bench") -> tuple[str, str, str]:
    """(bench URL, maintenance URL, bench database name) for `<name>_<suffix>` beside `url`'s."""
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
