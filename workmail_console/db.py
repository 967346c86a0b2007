"""Small database helpers shared by the apps.

Statements on the hottest paths (a lifecycle step, Create organization) are written here once per
shape instead of compiled by the ORM at every call: on this kind of machine the ORM took several
times as long to write a one-row statement as the database took to run it. They load and save
values exactly as the ORM does (its converters, `pre_save`, `get_db_prep_save`; instances as
`from_db` makes them), and anything they don't cover (an expression, a database default) goes
back to the ORM.
"""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.sql import InsertQuery


def savepoint_if_nested() -> AbstractContextManager:
    """A savepoint when a transaction is open, so a statement that fails (a unique key, say)
    doesn't spoil it; nothing otherwise, because one statement in autocommit is atomic alone."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass(frozen=True)
class Columns:
    """The columns of `model` in a hand-written SELECT (`sql`, under a table alias), and how to
    load the slice of a row they fill into an instance, as the ORM's select would: all of them,
    or some (`only`), the others then deferred as `QuerySet.only` leaves them."""

    model: type[models.Model]
    sql: str
    attnames: tuple[str, ...]
    # (index, converters) for each column the ORM converts after reading, in order
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...]], ...]
    key: int  # where the primary key is among them: NULL for a LEFT JOIN that found nothing

    def load(self, values: Sequence[Any]) -> models.Model | None:
        if values[self.key] is None:
            return None
        values = list(values)
        for index, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], None, connection)
        return instance(self.model, self.attnames, values)


def instance(model: type[models.Model], attnames: Sequence[str], values: Sequence[Any]) -> Any:
    """`model.from_db(alias, attnames, values)`, without running `Model.__init__` when nothing
    could tell: the values go straight into the instance's `__dict__` (the fields left out are
    deferred, as from_db leaves them), as unpickling makes an instance. `__init__` costs more
    than the rest of a small read here (it sends pre_init and post_init, and sets every field
    through its descriptor); it still runs for a model with pre_init or post_init receivers or
    with a field whose descriptor does more than store the value."""
    if (
        not _plainly_stored(model)
        or (signals.pre_init.receivers and signals.pre_init.has_listeners(model))
        or (signals.post_init.receivers and signals.post_init.has_listeners(model))
    ):
        return model.from_db(DEFAULT_DB_ALIAS, attnames, values)
    new = model.__new__(model)
    new.__dict__.update(zip(attnames, values, strict=True))
    state = new._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS  # `connection`'s, looked up for nothing
    return new


@cache
def _plainly_stored(model: type[models.Model]) -> bool:
    """Whether each field of `model` keeps its value as `__init__` would leave it in `__dict__`
    (Django's own deferred-loading descriptors; a foreign key's only clears a cached related
    instance, which a new one has none of), and the model has no `__init__` of its own."""
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    return model.__init__ is models.Model.__init__ and all(
        type(model.__dict__.get(field.attname)) in plain for field in model._meta.concrete_fields
    )


@cache
def _columns(
    model: type[models.Model], alias: str, only: tuple[str, ...] | None, vendor: str
) -> Columns:
    fields = [
        f
        for f in model._meta.concrete_fields
        if only is None or f.primary_key or f.name in only or f.attname in only
    ]
    named = {name for f in fields for name in (f.name, f.attname)}
    if only is not None and (unknown := set(only) - named):
        # else a mistyped name would be silently deferred, and read by one query per instance
        raise ImproperlyConfigured(f"{model.__name__} has no columns {sorted(unknown)}.")
    converters = (
        (*connection.ops.get_db_converters(f.get_col(alias)), *f.get_db_converters(connection))
        for f in fields
    )
    return Columns(
        model=model,
        sql=", ".join(f"{alias}.{quote(f.column)}" for f in fields),
        attnames=tuple(f.attname for f in fields),
        converters=tuple((i, found) for i, found in enumerate(converters) if found),
        key=[f.primary_key for f in fields].index(True),
    )


def columns(model: type[models.Model], alias: str, only: tuple[str, ...] | None = None) -> Columns:
    return _columns(model, alias, only, connection.vendor)


@cache
def _insert_statement(
    model: type[models.Model], generated: bool, ignore_conflicts: bool, vendor: str
) -> tuple[str, tuple[models.Field, ...]]:
    fields = tuple(f for f in model._meta.concrete_fields if not (generated and f.primary_key))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return sql + (" ON CONFLICT DO NOTHING" if ignore_conflicts else ""), fields


def insert_sql(instance: models.Model, *, ignore_conflicts: bool = False) -> tuple[str, list]:
    """The INSERT of the new row `instance` (without its key if it has none yet: the database
    gives it) and its parameters, each value as the ORM saves it (now, for an auto_now_add)."""
    model = type(instance)
    generated = instance.pk is None
    sql, fields = _insert_statement(model, generated, ignore_conflicts, connection.vendor)
    values = [f.pre_save(instance, True) for f in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        # A database default or an expression: the ORM writes it.
        query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
        query.insert_values(fields, [instance])
        [(sql, params)] = query.get_compiler(connection=connection).as_sql()
        return sql, list(params)
    return sql, [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]


Parts = tuple[tuple[models.ForeignKey | None, Columns], ...]


# A relation to load with a model's row: its name, or its name and the only fields to read of it.
Relation = str | tuple[str, tuple[str, ...]]


@cache
def _related(
    model: type[models.Model], relations: tuple[Relation, ...], outer: bool, vendor: str
) -> tuple[str, str, Parts]:
    """The columns of `model`'s row (as t0) and of the rows its foreign keys `relations` point at
    (t1, t2, …), the JOINs that reach those from t0 (LEFT for a nullable one, or for all when
    `outer`), and each table's columns with the relation that holds it (None: the model's own)."""
    meta = model._meta
    selected, joins, parts = [], [], []
    named = [(None, None), *((r, None) if isinstance(r, str) else r for r in relations)]
    for index, (name, only) in enumerate(named):
        alias = f"t{index}"
        relation = None if name is None else meta.get_field(name)
        target = model if relation is None else relation.related_model
        parts.append((relation, columns(target, alias, only)))
        selected.append(parts[-1][1].sql)
        if relation is not None:
            join = "LEFT OUTER JOIN" if outer or relation.null else "INNER JOIN"
            key = relation.target_field.column
            joins.append(
                f"{join} {quote(target._meta.db_table)} {alias}"
                f" ON t0.{quote(relation.column)} = {alias}.{quote(key)}"
            )
    return ", ".join(selected), " ".join(joins), tuple(parts)


def related(
    model: type[models.Model], relations: tuple[Relation, ...] = (), *, outer: bool = False
) -> tuple[str, str, Parts]:
    return _related(model, relations, outer, connection.vendor)


def joined(model: type[models.Model], relations: tuple[Relation, ...] = ()) -> tuple[str, Parts]:
    """`SELECT … FROM <model> t0 JOIN …`: `model`'s row and its `relations`' (see `related`)."""
    selected, joins, parts = related(model, relations)
    return f"SELECT {selected} FROM {quote(model._meta.db_table)} t0 {joins}".rstrip(), parts


def load_tables(tables: Sequence[Columns], row: Sequence[Any]) -> list[models.Model | None]:
    """One instance per table from a row that SELECTs each table's columns in turn (None for a
    LEFT JOIN that found nothing)."""
    loaded, start = [], 0
    for table in tables:
        loaded.append(table.load(row[start : start + len(table.attnames)]))
        start += len(table.attnames)
    return loaded


def load_joined(parts: Parts, row: Sequence[Any]) -> models.Model | None:
    """The model's instance from a row of `joined` (or of `related`'s columns), its relations
    loaded as select_related would; None when an outer join found no row of the model."""
    instance, *loaded_relations = load_tables([table for _, table in parts], row)
    if instance is None:
        return None
    for (relation, _), loaded in zip(parts[1:], loaded_relations, strict=True):
        relation.set_cached_value(instance, loaded)
    return instance


def fetch_joined(sql: str, parts: Parts, params: Sequence[Any]) -> models.Model | None:
    """The one row a statement built on `joined` finds, loaded; None when there is none."""
    row = _fetch_one(sql, params)
    return None if row is None else load_joined(parts, row)


def fetch_first(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The one row of a read that is a request's first statement, which is its connection check
    too.

    With CONN_HEALTH_CHECKS, Django pings a kept connection (`SELECT 1`) before a request's first
    statement, so that one PostgreSQL cut since the last request (a restart, a terminated session)
    is replaced rather than failing the request. A read can be that check itself: it runs, and
    when it fails because the connection is gone, the connection is opened again and the read
    runs once more. One round trip where there were two, on every WorkMail API call.
    """
    this = connections[DEFAULT_DB_ALIAS]  # `connection`, looked up once
    if (
        this.connection is not None
        and this.health_check_enabled
        and not this.health_check_done
        and not this.in_atomic_block
    ):
        this.health_check_done = True  # this read is the check
        try:
            return _fetch_one_kept(this, sql, params)
        except (OperationalError, InterfaceError):
            if this.is_usable():  # the read failed, not the connection
                raise
            this.close()  # the next cursor connects again
    return _fetch_one(sql, params)


@contextmanager
def planned_with_values() -> Iterator[None]:
    """The statements sent inside are planned by PostgreSQL with their parameters' values every
    time, never kept as prepared statements.

    With DATABASE_PREPARED_STATEMENTS a statement sent five times is prepared, and after five
    runs PostgreSQL may plan it once for any values. For a query whose best plan depends on them,
    that plan can be ten times slower: the ops dashboard's Needs attention list of one account,
    when accounts differ a thousandfold in size, went from 4 ms to 30 ms (the generic plan scans
    the whole account instead of its few broken organizations). Planning costs ~0.2 ms."""
    this = connections[DEFAULT_DB_ALIAS]
    if this.vendor != "postgresql":
        yield
        return
    this.ensure_connection()
    driver = this.connection
    threshold, driver.prepare_threshold = driver.prepare_threshold, None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def _fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class _Kept(threading.local):
    cursor: Any = None


_kept = _Kept()


def _fetch_one_kept(this: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> Any:
    """`_fetch_one` on a PostgreSQL cursor kept for the connection's life: psycopg builds a new
    cursor's adapters and loaders each time, a third of a small read's cost in this process.
    Django's own cursor when it records statements (DEBUG, assertNumQueries) or wraps them."""
    if this.vendor != "postgresql" or this.queries_logged or this.execute_wrappers:
        return _fetch_one(sql, params)
    cursor = _kept.cursor
    if cursor is None or cursor.closed or cursor.connection is not this.connection:
        cursor = _kept.cursor = this.create_cursor()
    with this.wrap_database_errors:
        cursor.execute(sql, params)
        return cursor.fetchone()
