"""The one lifecycle machinery (STYLE: "the lifecycle is a table, not scattered ifs").

A resource with a lifecycle brings three things and nothing else:

1. its table: a `Lifecycle` naming its states (each with its console text, badge, label and the
   states it may leave to), which of them a worker owns, and where its Steps are;
2. its model on `LifecycleModel` (the state and state-changed columns are its own fields, named
   by the lifecycle), and its event model on `LifecycleEventBase` (or none: a user's state);
3. its steps: one `Step` per working state, what a worker does there (see organizations/workflow).

Everything else is here, once: `move()`, the compare-and-set that writes the row and its event
(with the seconds spent in the state it leaves, the account and the Region) in one statement on
PostgreSQL and one transaction on SQLite; `insert()`; `stuck()`; the registry the generic advance
task, the stuck sweep and the `{% status %}` tag look lifecycles up in (workmail_console.tasks).
"""

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache, cached_property
from typing import Any, ClassVar

from django.db import connection, models, transaction
from django.db.models.signals import class_prepared
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.module_loading import import_string

from workmail_console import db
from workmail_console.db import savepoint_if_nested
from workmail_console.models import Account
from workmail_console.regions import REGION_CHOICES


class Badge(StrEnum):
    """The console's status indicator types (Cloudscape): colour and icon go together."""

    SUCCESS = "success"
    IN_PROGRESS = "in-progress"
    PENDING = "pending"
    ERROR = "error"
    WARNING = "warning"
    STOPPED = "stopped"


@dataclass(frozen=True)
class StateInfo:
    description: str
    badge: Badge
    leaves_to: frozenset[str]
    label: str = ""  # the console's word for it, when the stored value is another (IN_PROGRESS)


class InvalidTransition(Exception):
    def __init__(self, noun: str, source: str, target: str) -> None:
        super().__init__(f"{noun} can't go from {source} to {target}.")
        self.source = source
        self.target = target


# What a step decides: the state to move to, the event's reason, and the row's other changes.
type Outcome = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """What a worker does in one working state."""

    run: Callable[[Any], Outcome]
    # The relations the step looks at, fetched with the row; None: it needs no row at all.
    reads: tuple[str, ...] | None = ()
    # Run under the row's lock, with the move, in one transaction: for a step whose work two
    # deliveries at once must not both do (most steps are keyed by the resource instead).
    locks: bool = False


@dataclass(frozen=True)
class Lifecycle:
    """One resource's states: where each may go, what the console says of it, which a worker
    owns, and (`steps`, a dotted path, imported when first needed) what the worker does there."""

    name: str  # how the registry, the tasks and `{% status %}` name it: "organization"
    noun: str  # how an InvalidTransition names the resource: "An organization"
    table: Mapping[str, StateInfo]
    working: frozenset[str] = frozenset()
    steps: str = ""
    state_field: str = "state"
    changed_at_field: str = "state_changed_at"
    word: str = "State"  # what the console calls it: a directory's is its "Status"
    terminal: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        terminal = frozenset(state for state, info in self.table.items() if not info.leaves_to)
        object.__setattr__(self, "terminal", terminal)

    def can_transition(self, source: str, target: str) -> bool:
        return target in self.table[source].leaves_to

    def check_transition(self, source: str, target: str) -> None:
        if not self.can_transition(source, target):
            raise InvalidTransition(self.noun, source, target)

    def entering(self, target: str) -> frozenset[str]:
        """The states from which `target` can be reached."""
        return frozenset(state for state, info in self.table.items() if target in info.leaves_to)

    def describe(self, state: str) -> str:
        return self.table[state].description

    def badge(self, state: str) -> Badge:
        return self.table[state].badge

    def label(self, state: str) -> str:
        return self.table[state].label or str(state)

    def is_working(self, state: str) -> bool:
        return state in self.working

    def step(self, state: str) -> Step | None:
        return self._steps.get(state)

    @cached_property
    def _steps(self) -> Mapping[str, Step]:
        return import_string(self.steps) if self.steps else {}


# --- Models --------------------------------------------------------------------------------------


class LifecycleEventBase(models.Model):
    """One move of a resource from one state to another (the first has no `from_state`). The
    account and Region are copied in, so feeds and timings read the event table alone, and
    `from_state_seconds` is how long the resource had been in `from_state`."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=16, choices=REGION_CHOICES, blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    at = models.DateTimeField(default=timezone.now)
    from_state_seconds = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=256)

    subject: ClassVar[str]  # the name of the foreign key to the resource: "organization"

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{getattr(self, f'{self.subject}_id')}: {self.from_state or '∅'} → {self.to_state}"


class LifecycleModel(models.Model):
    """A resource that moves through a `Lifecycle`; its state columns are its own fields."""

    lifecycle: ClassVar[Lifecycle]
    event_model: ClassVar[type[LifecycleEventBase] | None] = None
    region_field: ClassVar[str | None] = "region"  # None: a global resource (a registration)

    class Meta:
        abstract = True

    @property
    def lifecycle_state(self) -> str:
        return getattr(self, self.lifecycle.state_field)

    @property
    def description(self) -> str:
        return self.lifecycle.describe(self.lifecycle_state)

    @property
    def is_working(self) -> bool:
        return self.lifecycle.is_working(self.lifecycle_state)

    def transition(
        self,
        target: str,
        *,
        reason: str,
        source: str | Collection[str] | None = None,
        when: models.Q | None = None,
        **changes: Any,
    ) -> bool:
        """Move to `target` if the row is still in the state read (or one of `source`, and
        matches `when`); False if another moved it. Then `moved()`, once committed."""
        sources = self.lifecycle_state if source is None else source
        moved_at = move(type(self), self.pk, sources, target, reason=reason, when=when, **changes)
        if moved_at is None:
            return False
        setattr(self, self.lifecycle.state_field, target)
        setattr(self, self.lifecycle.changed_at_field, moved_at)
        for name, value in changes.items():
            setattr(self, name, value)
        if type(self).moved is not LifecycleModel.moved:
            transaction.on_commit(self.moved)
        return True

    def moved(self) -> None:
        """Once a move is committed: tell whoever must know (directories do). Not after an
        insert: nothing uses a resource that did not exist a moment ago."""

    def insert(self, *, reason: str, savepoint: bool = True) -> None:
        """Write this new resource with its first event, atomically (see `insert()`)."""
        insert(self, reason=reason, savepoint=savepoint)


REGISTRY: dict[str, type[LifecycleModel]] = {}


def _register(sender: type[models.Model], **kwargs: Any) -> None:
    if issubclass(sender, LifecycleModel) and not sender._meta.abstract:
        REGISTRY[sender.lifecycle.name] = sender


class_prepared.connect(_register)


def registered() -> Iterator[type[LifecycleModel]]:
    return iter(REGISTRY.values())


def model_of(name: str) -> type[LifecycleModel]:
    return REGISTRY[name]


def lifecycle_of(name: str) -> Lifecycle:
    return REGISTRY[name].lifecycle


# --- The moves -----------------------------------------------------------------------------------


def _fitted(model: type[models.Model], name: str, text: str) -> str:
    """`text` cut to its column: a message shown to people, not input to validate."""
    return text[: model._meta.get_field(name).max_length]


def _event(
    model: type[LifecycleModel], pk: Any, target: str, *, at: datetime, reason: str, **known: Any
) -> LifecycleEventBase:
    """The event of resource `pk` of `model` entering `target` at `at`; `known`: the event's
    other columns (account_id, region, from_state, from_state_seconds) that are known here."""
    event_model = model.event_model
    return event_model(
        **{f"{event_model.subject}_id": pk}, to_state=target, at=at,
        reason=_fitted(event_model, "reason", reason), **known,
    )  # fmt: skip


def _region_of(resource: LifecycleModel) -> str:
    """The Region its events are filed under ("" for a global resource)."""
    field = type(resource).region_field
    return getattr(resource, field) if field else ""


def event_of(resource: LifecycleModel, target: str, *, at: datetime, reason: str):
    """The event of `resource`, as read, leaving the state it is in for `target` at `at`, for
    a move written in bulk (the ends of KMS keys' waiting periods)."""
    model = type(resource)
    since = getattr(resource, model.lifecycle.changed_at_field)
    return _event(
        model, resource.pk, target, at=at, reason=reason,
        account_id=resource.account_id,
        region=_region_of(resource),
        from_state=resource.lifecycle_state, from_state_seconds=(at - since).total_seconds(),
    )  # fmt: skip


def move(
    model: type[LifecycleModel],
    pk: Any,
    source: str | Collection[str],
    target: str,
    *,
    reason: str,
    when: models.Q | None = None,
    **changes: Any,
) -> datetime | None:
    """Compare-and-set `source` (or one of several) -> `target` on the row `pk`, writing its
    event in the same statement (PostgreSQL) or transaction (SQLite). Returns when it moved, or
    None: a duplicate or late delivery finds the row moved on, and writes nothing."""
    lifecycle = model.lifecycle
    sources = [source] if isinstance(source, str) else sorted(source)
    for each in sources:
        lifecycle.check_transition(each, target)
    now = timezone.now()
    if (message := changes.get("error_message")) is not None:
        changes["error_message"] = _fitted(model, "error_message", message)
    values = {lifecycle.state_field: target, lifecycle.changed_at_field: now, **changes}

    def matching() -> models.QuerySet:
        rows = model.objects.filter(pk=pk, **{f"{lifecycle.state_field}__in": sources})
        return rows.order_by() if when is None else rows.filter(when).order_by()

    if model.event_model is None:
        return now if matching().update(**values) else None
    if connection.vendor == "postgresql":
        if when is None and not any(hasattr(v, "resolve_expression") for v in values.values()):
            sql, params = _update(model, pk, sources, values)
        else:  # a condition or an expression: the ORM writes it
            rows = matching()
            update = rows.query.chain(UpdateQuery)
            update.add_update_values(values)
            sql, params = update.get_compiler(rows.db).as_sql()
        event = _event(model, pk, target, at=now, reason=reason)  # the rest comes from the row
        moved = _update_and_log(model, pk, sql, params, event)
    else:
        # IMMEDIATE transactions (settings): the write lock is held from the read on.
        columns = [lifecycle.state_field, lifecycle.changed_at_field, "account_id"]
        columns += [model.region_field] if model.region_field else []
        rows = matching()
        with transaction.atomic(savepoint=False):
            before = rows.values(*columns).first()
            moved = rows.update(**values) if before else 0
            if moved:
                since = before[lifecycle.changed_at_field]
                _event(
                    model, pk, target, at=now, reason=reason,
                    account_id=before["account_id"],
                    region=before[model.region_field] if model.region_field else "",
                    from_state=before[lifecycle.state_field],
                    from_state_seconds=(now - since).total_seconds(),
                ).save(force_insert=True)  # fmt: skip
    return now if moved else None


def insert(resource: LifecycleModel, *, reason: str, savepoint: bool = True) -> None:
    """Write a new resource and its first event (no `from_state`) at once. Inside a transaction
    the write has a savepoint of its own, so that the caller may catch its IntegrityError and go
    on; `savepoint=False` when the caller rolls the whole transaction back instead."""
    model = type(resource)
    if model.event_model is None:
        resource.save(force_insert=True)
        return
    subject = f"{model.event_model.subject}_id"
    event = _event(
        model, resource.pk, resource.lifecycle_state, reason=reason,
        at=getattr(resource, model.lifecycle.changed_at_field),
        account_id=resource.account_id,
        region=_region_of(resource),
    )  # fmt: skip
    if connection.vendor == "postgresql":
        meta = model._meta
        sql, params = db.insert_sql(resource)
        with savepoint_if_nested() if savepoint else nullcontext():
            pk = _insert_and_log(sql, params, event, subject, meta.pk.column)
        resource.pk = meta.pk.to_python(pk)
        resource._state.adding, resource._state.db = False, connection.alias
    else:
        with transaction.atomic():
            resource.save(force_insert=True)
            setattr(event, subject, resource.pk)
            event.save(force_insert=True)


def stuck(
    model: type[LifecycleModel], *, older_than: float, limit: int = 1000
) -> list[tuple[Any, str]]:
    """(pk, state) of the rows sitting in a working state for more than `older_than` seconds,
    oldest first."""
    lifecycle = model.lifecycle
    if not lifecycle.working:
        return []
    cutoff = timezone.now() - timedelta(seconds=older_than)
    return list(
        model.objects.filter(**stuck_filter(lifecycle, cutoff))
        .order_by(lifecycle.changed_at_field)
        .values_list("pk", lifecycle.state_field)[:limit]
    )


def stuck_filter(lifecycle: Lifecycle, cutoff: datetime) -> dict[str, Any]:
    """The filter of rows in a working state since before `cutoff` (the sweep's and the ops
    dashboard's "stuck")."""
    return {
        f"{lifecycle.state_field}__in": lifecycle.working,
        f"{lifecycle.changed_at_field}__lt": cutoff,
    }


def advance(model: type[LifecycleModel], pk: Any, expected: str) -> str | None:
    """Do the step for `expected` if the row is still in it; the state reached, or None.

    The step's compare-and-set decides: a duplicate, late or swept message finds the row moved on
    and changes nothing. What a step makes is keyed by the resource, so a step that runs twice,
    or dies before its compare-and-set, finds what it made the first time.
    """
    step = model.lifecycle.step(expected)
    if step is None:
        return None
    if not step.locks:
        return _run(model, pk, expected, step)
    with transaction.atomic():
        return _run(model, pk, expected, step)


def _run(model: type[LifecycleModel], pk: Any, expected: str, step: Step) -> str | None:
    if step.reads is None:
        resource = model(pk=pk, **{model.lifecycle.state_field: expected})
    else:
        resource = _read(model, pk, expected, step)
        if resource is None:
            return None  # moved on already
    target, reason, changes = step.run(resource)
    return target if resource.transition(target, reason=reason, **changes) else None


# --- History -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One event, with how long the resource stayed in the state it entered."""

    event: LifecycleEventBase
    seconds: float | None  # None for a state it never leaves
    so_far: bool  # the state it is still in: `seconds` runs up to now


@dataclass
class StateTime:
    """The time a resource spent in one state, over every time it entered it."""

    state: str
    entered: int = 0
    seconds: float = 0.0
    so_far: bool = False


@dataclass(frozen=True)
class History:
    lifecycle: Lifecycle
    rows: list[HistoryRow]
    state_times: list[StateTime]


def history(resource: LifecycleModel) -> History:
    """The resource's events, oldest first, and the total time per state, from one query.

    The time in a state is the next event's `from_state_seconds` (its `at` difference for events
    written before that column); the state the resource is still in counts up to now.
    """
    lifecycle = resource.lifecycle
    events = list(resource.events.order_by("at", "pk"))
    now, current = timezone.now(), resource.lifecycle_state
    rows = []
    for index, event in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        so_far = False
        if following is not None:
            seconds = following.from_state_seconds
            if seconds is None:
                seconds = (following.at - event.at).total_seconds()
        elif event.to_state == current and current not in lifecycle.terminal:
            since = getattr(resource, lifecycle.changed_at_field)
            seconds, so_far = (now - since).total_seconds(), True
        else:
            seconds = None
        rows.append(HistoryRow(event, seconds, so_far))
    totals: dict[str, StateTime] = {}
    for row in rows:
        if row.seconds is None:
            continue
        total = totals.setdefault(row.event.to_state, StateTime(row.event.to_state))
        total.entered += 1
        total.seconds += row.seconds
        total.so_far |= row.so_far
    return History(lifecycle, rows, list(totals.values()))


# The lifecycle's hottest path, so its statements earn their raw SQL. A step's read and a move's
# UPDATE are written once per shape (resource type, relations, columns) instead of compiled by the
# ORM at every step: compiling cost more CPU than running them. A resource's INSERT or UPDATE and
# its event's INSERT go as one statement (a data-modifying CTE), so one round trip, atomic
# without a transaction of its own; the event is written only if a row was.


@cache
def _read_statement(
    model: type[LifecycleModel], reads: tuple[str, ...], locks: bool, vendor: str
) -> tuple[str, db.Parts]:
    """SELECT the row of `model` with this key and state, joined to its `reads` (foreign keys
    of the row itself), under FOR NO KEY UPDATE if the step `locks`; and each table's columns,
    with the relation that holds it (None: the resource's own)."""
    meta = model._meta
    select, parts = db.joined(model, reads)
    state = meta.get_field(model.lifecycle.state_field).column
    sql = f"{select} WHERE t0.{db.quote(meta.pk.column)} = %s AND t0.{db.quote(state)} = %s"
    if locks and connection.features.has_select_for_no_key_update:
        sql += " FOR NO KEY UPDATE OF t0"
    return sql, parts


def _read(model: type[LifecycleModel], pk: Any, state: str, step: Step) -> LifecycleModel | None:
    """The resource `pk` if it is still in `state`, with the relations `step` reads (as the ORM
    would load them with select_related), or None."""
    sql, parts = _read_statement(model, step.reads, step.locks, connection.vendor)
    return db.fetch_joined(sql, parts, [model._meta.pk.get_db_prep_value(pk, connection), state])


@cache
def _update_statement(
    model: type[LifecycleModel], names: tuple[str, ...], sources: int, vendor: str
) -> tuple[str, tuple[models.Field, ...]]:
    """UPDATE the `names` columns of the row of `model` with this key, in one of `sources`
    states; and the fields whose values it takes, in order."""
    quote = db.quote
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    state = meta.get_field(model.lifecycle.state_field).column
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)}"
        f" WHERE {quote(meta.pk.column)} = %s AND {quote(state)} IN"
        f" ({', '.join(['%s'] * sources)})"
    )
    return sql, fields


def _update(
    model: type[LifecycleModel], pk: Any, sources: Sequence[str], values: dict[str, Any]
) -> tuple[str, list[Any]]:
    """The UPDATE of a move (as the ORM would write `values`: a related object by its key)."""
    sql, fields = _update_statement(model, tuple(values), len(sources), connection.vendor)
    params = []
    for column, value in zip(fields, values.values(), strict=True):
        if hasattr(value, "prepare_database_save"):
            value = value.prepare_database_save(column)
        params.append(column.get_db_prep_save(value, connection))
    key = model._meta.pk.get_db_prep_value(pk, connection)
    return sql, [*params, key, *sources]


def _event_columns(event: LifecycleEventBase, computed: Sequence[str]) -> tuple[list[str], list]:
    """The event's columns and values to insert, leaving out the `computed` ones and the key."""
    fields = [
        f
        for f in type(event)._meta.concrete_fields
        if not f.primary_key and f.attname not in computed
    ]
    columns = [connection.ops.quote_name(f.column) for f in fields]
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    return columns, values


def _insert_and_log(
    sql: str, params: Sequence[Any], event: LifecycleEventBase, subject: str, key: str
) -> Any:
    """The INSERT and its event's, as one statement; the new row's key (the event takes it)."""
    quote = connection.ops.quote_name
    columns, values = _event_columns(event, computed=(subject,))
    statement = (
        f"WITH written AS ({sql} RETURNING {quote(key)}) "
        f"INSERT INTO {quote(type(event)._meta.db_table)} "
        f"({', '.join([*columns, quote(subject)])}) "
        f"SELECT {', '.join(['%s'] * len(values))}, written.{quote(key)} FROM written "
        f"RETURNING {quote(subject)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, *values))
        return cursor.fetchone()[0]


def _update_and_log(
    model: type[LifecycleModel], pk: Any, sql: str, params: Sequence[Any], event: LifecycleEventBase
) -> int:
    """As _insert_and_log, for an UPDATE: the event takes the account and Region from the row,
    and the state it leaves and the time spent in it from the row as it was (every CTE sees the
    statement's snapshot, so `before` reads it ahead of the update)."""
    lifecycle = model.lifecycle
    computed = ("account_id", "region", "from_state", "from_state_seconds")
    columns, values = _event_columns(event, computed=computed)
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    state, since = quote(lifecycle.state_field), quote(lifecycle.changed_at_field)
    region = f"written.{quote(model.region_field)}" if model.region_field else "''"
    returning = ", ".join(
        quote(column) for column in ("account_id", model.region_field) if column is not None
    )
    statement = (
        f"WITH before AS (SELECT {state} AS state, {since} AS since FROM {table}"
        f" WHERE {key} = %s), "
        f"written AS ({sql} RETURNING {returning}) "
        f"INSERT INTO {quote(type(event)._meta.db_table)} "
        f"({', '.join([*columns, *(quote(c) for c in computed)])}) "
        f"SELECT {', '.join(['%s'] * len(values))}, written.{quote('account_id')}, {region}, "
        "(SELECT state FROM before), EXTRACT(EPOCH FROM %s - (SELECT since FROM before)) "
        "FROM written"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (pk, *params, *values, event.at))
        return cursor.rowcount
