"""What every resource's lifecycle shares (STYLE: "the lifecycle is a table"): the table type, the
compare-and-set move that writes its event in the same transaction, and the sweep of stuck rows.

An app describes its states in one `Lifecycle` (see directories/lifecycle.py) and asks it
everything: which moves exist, each state's console text and badge, which states a worker owns.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.utils import timezone


class Badge(StrEnum):
    """The console's status indicator types (Cloudscape): colour and icon go together."""

    SUCCESS = "success"
    IN_PROGRESS = "in-progress"
    ERROR = "error"
    WARNING = "warning"
    STOPPED = "stopped"


@dataclass(frozen=True)
class StateInfo:
    description: str
    badge: Badge
    leaves_to: frozenset[str]


class InvalidTransition(Exception):
    def __init__(self, noun: str, source: str, target: str) -> None:
        super().__init__(f"{noun} can't go from {source} to {target}.")
        self.source = source
        self.target = target


@dataclass(frozen=True)
class Lifecycle:
    """One resource's states: `table` says where each may go, `working` which a worker owns."""

    noun: str  # "A directory": how an InvalidTransition names the resource
    table: Mapping[str, StateInfo]
    working: frozenset[str]
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

    def is_working(self, state: str) -> bool:
        return state in self.working


@dataclass(frozen=True)
class Columns:
    """Where a model keeps its lifecycle: the state column and when it last changed."""

    state: str
    changed_at: str


def move(
    lifecycle: Lifecycle,
    rows: models.QuerySet,
    columns: Columns,
    source: str,
    target: str,
    *,
    event: Callable[[datetime], models.Model],
    changes: Mapping[str, Any] | None = None,
    on_commit: Callable[[], None] | None = None,
) -> datetime | None:
    """Compare-and-set `source` -> `target` on `rows` (one row), writing `event(at)` in the same
    transaction; `on_commit` runs once it is committed. Returns when it moved, or None.

    The UPDATE only matches a row still in `source`, so a duplicate or late delivery moves
    nothing and writes no event.
    """
    lifecycle.check_transition(source, target)
    now = timezone.now()
    values = {columns.state: target, columns.changed_at: now, **(changes or {})}
    with transaction.atomic():
        if not rows.filter(**{columns.state: source}).update(**values):
            return None
        event(now).save(force_insert=True)
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return now


def stuck(
    lifecycle: Lifecycle,
    rows: models.QuerySet,
    columns: Columns,
    *,
    older_than: float,
    limit: int = 1000,
) -> models.QuerySet:
    """Rows sitting in a working state for more than `older_than` seconds, oldest first."""
    cutoff = timezone.now() - timedelta(seconds=older_than)
    return rows.filter(
        **{f"{columns.state}__in": lifecycle.working, f"{columns.changed_at}__lt": cutoff}
    ).order_by(columns.changed_at)[:limit]
