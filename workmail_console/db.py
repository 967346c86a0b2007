"""Small database helpers shared by the apps.

Statements on the hottest paths (a lifecycle step, Create organization) are written here once per
shape instead of compiled by the ORM at every call: on this kind of machine the ORM took several
times as long to write a one-row statement as the database took to run it. They load and save
values exactly as the ORM does (its converters, `pre_save`, `get_db_prep_save`, `from_db`), and
anything they don't cover (an expression, a database default) goes back to the ORM.
"""

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery


def savepoint_if_nested() -> AbstractContextManager:
    """A savepoint when a transaction is open, so a statement that fails (a unique key, say)
    doesn't spoil it; nothing otherwise, because one statement in autocommit is atomic alone."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass(frozen=True)
class Columns:
    """Every column of `model` in a hand-written SELECT (`sql`, under a table alias), and how to
    load the slice of a row they fill into an instance, as the ORM's select would."""

    model: type[models.Model]
    sql: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[Callable[..., Any], ...], ...]  # per column, as the ORM applies them
    key: int  # where the primary key is among them: NULL for a LEFT JOIN that found nothing

    def load(self, values: Sequence[Any]) -> models.Model | None:
        values = list(values)
        for index, converters in enumerate(self.converters):
            for convert in converters:
                values[index] = convert(values[index], None, connection)
        if values[self.key] is None:
            return None
        return self.model.from_db(connection.alias, self.attnames, values)


@cache
def _columns(model: type[models.Model], alias: str, vendor: str) -> Columns:
    fields = model._meta.concrete_fields
    return Columns(
        model=model,
        sql=", ".join(f"{alias}.{quote(f.column)}" for f in fields),
        attnames=tuple(f.attname for f in fields),
        converters=tuple(
            (*connection.ops.get_db_converters(f.get_col(alias)), *f.get_db_converters(connection))
            for f in fields
        ),
        key=[f.primary_key for f in fields].index(True),
    )


def columns(model: type[models.Model], alias: str) -> Columns:
    return _columns(model, alias, connection.vendor)


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


@cache
def _joined(
    model: type[models.Model], relations: tuple[str, ...], vendor: str
) -> tuple[str, Parts]:
    """`SELECT … FROM <model> t0 JOIN …`: the row of `model` (as t0) and the rows its foreign keys
    `relations` point at (t1, t2, …; a LEFT JOIN for a nullable one); each table's columns with
    the relation that holds it (None: the model's own)."""
    meta = model._meta
    selected, joins, parts = [], [], []
    for index, relation in enumerate([None, *(meta.get_field(name) for name in relations)]):
        alias = f"t{index}"
        target = model if relation is None else relation.related_model
        parts.append((relation, columns(target, alias)))
        selected.append(parts[-1][1].sql)
        if relation is not None:
            join = "LEFT OUTER JOIN" if relation.null else "INNER JOIN"
            key = relation.target_field.column
            joins.append(
                f"{join} {quote(target._meta.db_table)} {alias}"
                f" ON t0.{quote(relation.column)} = {alias}.{quote(key)}"
            )
    sql = f"SELECT {', '.join(selected)} FROM {quote(meta.db_table)} t0 {' '.join(joins)}"
    return sql.rstrip(), tuple(parts)


def joined(model: type[models.Model], relations: tuple[str, ...] = ()) -> tuple[str, Parts]:
    return _joined(model, relations, connection.vendor)


def load_tables(tables: Sequence[Columns], row: Sequence[Any]) -> list[models.Model | None]:
    """One instance per table from a row that SELECTs each table's columns in turn (None for a
    LEFT JOIN that found nothing)."""
    loaded, start = [], 0
    for table in tables:
        loaded.append(table.load(row[start : start + len(table.attnames)]))
        start += len(table.attnames)
    return loaded


def load_joined(parts: Parts, row: Sequence[Any]) -> models.Model:
    """The model's instance from a row of `joined`, its relations loaded as select_related would."""
    instance, *related = load_tables([table for _, table in parts], row)
    for (relation, _), loaded in zip(parts[1:], related, strict=True):
        relation.set_cached_value(instance, loaded)
    return instance


def fetch_joined(sql: str, parts: Parts, params: Sequence[Any]) -> models.Model | None:
    """The one row a statement built on `joined` finds, loaded; None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else load_joined(parts, row)
