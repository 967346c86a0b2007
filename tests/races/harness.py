"""Twenty requests at once, with every write held back until all of them have read.

Lining up the threads' start makes a race likely; holding the writes makes it certain: each
request reads, then finds its first write blocked, and only once every request is waiting (or
done) do the writes go. A check-then-write without a lock or a constraint fails every run.

- PostgreSQL: another session holds `LOCK TABLE … IN SHARE ROW EXCLUSIVE MODE` (reads run,
  INSERT/UPDATE/DELETE wait) until pg_stat_activity shows every request waiting for a lock; a
  request queued on a row lock (the account row, say) counts as waiting too.
- SQLite: another connection holds the write lock (`BEGIN IMMEDIATE`) until every request has
  asked for it: SQLite can't say who waits, so each request's connection notes its first
  statement that writes (`BEGIN IMMEDIATE` under the settings' transaction mode).
"""

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Self

from django.db import connection, connections, models
from django.test import Client

from workmail_console.models import Membership

COUNT = 20
WAIT_LIMIT = 60.0  # seconds for every request to reach its first write, on a loaded machine


def clients_for(membership: Membership, count: int = COUNT) -> list[Client]:
    """Clients signed in as `membership`, one per thread; a 500 comes back as a response."""
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(membership.user)
        clients.append(client)
    return clients


def race[T](
    action: Callable[[int], T], *, writes_to: type[models.Model], count: int = COUNT
) -> list[T]:
    """action(0), …, action(count - 1) at once, each in its own thread with its own database
    connection, writes to `writes_to` held until all of them are waiting; their results."""
    start = threading.Barrier(count + 1)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    finished: list[int] = []

    hold = _hold_writes(writes_to)

    def run(index: int) -> None:
        try:
            start.wait()
            with hold.request(index):
                results[index] = action(index)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()
            finished.append(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    try:
        with hold:
            for thread in threads:
                thread.start()
            start.wait()
            hold.until_waiting(count, finished)
    finally:
        for thread in threads:
            if thread.ident is not None:
                thread.join()
    if errors:
        raise errors[0]
    return results


class _PostgresHold:
    def __init__(self, table: str) -> None:
        self.table = table

    def __enter__(self) -> Self:
        self.session = connection.get_new_connection(connection.get_connection_params())
        self.session.autocommit = True
        self.session.execute("BEGIN")
        self.session.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
        return self

    def request(self, index: int) -> AbstractContextManager:
        return contextlib.nullcontext()  # pg_stat_activity says who waits

    def until_waiting(self, count: int, finished: list[int]) -> None:
        deadline = time.monotonic() + WAIT_LIMIT
        waiting = 0
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                waiting = cursor.fetchone()[0]
            if waiting + len(finished) >= count:
                return
            time.sleep(0.02)
        raise AssertionError(
            f"After {WAIT_LIMIT:.0f} s only {waiting} requests wait for a lock and"
            f" {len(finished)} are done, of {count}."
        )

    def __exit__(self, *exc_info: object) -> None:
        self.session.execute("COMMIT")
        self.session.close()


class _SQLiteHold:
    READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA")

    def __init__(self) -> None:
        self.asked: set[int] = set()  # the requests that asked for the write lock

    def __enter__(self) -> Self:
        self.session = sqlite3.connect(
            connection.settings_dict["NAME"], isolation_level=None, timeout=30
        )
        self.session.execute("BEGIN IMMEDIATE")
        return self

    def request(self, index: int) -> AbstractContextManager:
        """Note when request `index`, on this thread's connection, asks for the write lock."""

        def note(execute, sql: str, params, many: bool, context: dict):
            if not sql.lstrip().upper().startswith(self.READS):
                self.asked.add(index)
            return execute(sql, params, many, context)

        return connection.execute_wrapper(note)

    def until_waiting(self, count: int, finished: list[int]) -> None:
        deadline = time.monotonic() + WAIT_LIMIT
        while time.monotonic() < deadline:
            if len(self.asked | set(finished)) >= count:
                return
            time.sleep(0.02)
        raise AssertionError(
            f"After {WAIT_LIMIT:.0f} s only {len(self.asked)} requests asked for the write lock"
            f" and {len(finished)} are done, of {count}."
        )

    def __exit__(self, *exc_info: object) -> None:
        self.session.execute("COMMIT")
        self.session.close()


def _hold_writes(model: type[models.Model]) -> _PostgresHold | _SQLiteHold:
    if connection.vendor == "postgresql":
        return _PostgresHold(connection.ops.quote_name(model._meta.db_table))
    return _SQLiteHold()  # SQLite has one write lock for the whole database
