"""What the ops dashboard shows, read in a fixed number of queries however much data there is.

Every figure is an aggregate or a short, indexed, limited list: counts per Region and state (one
GROUP BY), the organizations needing attention (oldest first, at most ATTENTION_ROWS), the latest
transitions, the last hour's timings, and the live workers. Nothing here writes.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMinute
from django.utils import timezone

from domains.models import MailDomain, VerificationStatus
from ops.heartbeats import alive_since
from ops.models import Heartbeat, ProcessKind
from ops.queue import queue_depth
from organizations.lifecycle import LIFECYCLE, State
from organizations.models import LifecycleEvent, Organization, StateCount
from users.models import Group, Resource, ResourceDelegate, User, UserState
from workmail_console import db
from workmail_console.lifecycle import stuck_filter
from workmail_console.live import version_tag
from workmail_console.regions import REGIONS

ATTENTION_ROWS = 20
PENDING_DOMAIN_AFTER = timedelta(days=1)
STATE_ROWS = 20
FEED_ROWS = 20
HOUR = timedelta(hours=1)
# The states whose time the Timings table and the chart report (the creation workflow's).
TIMED_STATES = (State.REQUESTED, State.CREATING, State.VALIDATING)
# The last hour's durations the percentiles are taken over, newest first, at most.
TIMING_SAMPLE = 10_000
# The tiles, in the lifecycle table's order; Deleted is shown apart.
TILE_STATES = [state for state in State if state != State.DELETED]


@dataclass(frozen=True)
class Scope:
    """Whose organizations, and which of them the tables show."""

    account_id: str | None  # None: every account (staff superusers only)
    region: str | None = None
    state: State | None = None

    def organizations(self) -> QuerySet[Organization]:
        rows = Organization.objects.order_by()
        return rows.filter(account_id=self.account_id) if self.account_id else rows

    def events(self) -> QuerySet[LifecycleEvent]:
        rows = LifecycleEvent.objects.order_by()
        return rows.filter(account_id=self.account_id) if self.account_id else rows

    def narrowed(self, rows: QuerySet) -> QuerySet:
        """`rows` (organizations) in the chosen Region and state, if chosen."""
        if self.region:
            rows = rows.filter(region=self.region)
        if self.state:
            rows = rows.filter(state=self.state)
        return rows


@dataclass
class Tile:
    state: State
    total: int = 0
    by_region: dict[str, int] = field(default_factory=dict)


@dataclass
class Timing:
    state: State
    count: int
    p50: float | None
    p95: float | None
    maximum: float | None


@dataclass
class Bar:
    x: float
    y: float
    height: float
    count: int
    minute: datetime


@dataclass
class Chart:
    bars: list[Bar]
    peak: int
    total: int
    width: int = 600
    height: int = 80


def tiles(scope: Scope) -> tuple[list[Tile], Tile]:
    """Counts per state and Region (Deleted apart), from the trigger-kept StateCount rows: a few
    rows per account, however many organizations it has."""
    counts = StateCount.objects.order_by()
    if scope.account_id:
        counts = counts.filter(account_id=scope.account_id)
    by_state = {state: Tile(state) for state in State}
    for tile in by_state.values():
        tile.by_region = dict.fromkeys(REGIONS, 0)
    for row in counts.values("region", "state").annotate(total=Sum("count")):
        tile = by_state[State(row["state"])]
        tile.total += row["total"]
        tile.by_region[row["region"]] = row["total"]
    return [by_state[state] for state in TILE_STATES], by_state[State.DELETED]


def oldest_waiting(scope: Scope) -> Organization | None:
    """The organization in Requested the longest (its wait is the queue's latency)."""
    rows = scope.organizations().filter(state=State.REQUESTED)
    if scope.region:
        rows = rows.filter(region=scope.region)
    return rows.order_by("state_changed_at").only("region", "state_changed_at").first()


def stuck_cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=settings.WORKMAIL_STUCK_AFTER)


def _attention_filter(cutoff: datetime) -> Q:
    broken = Q(state__in=[State.FAILED, State.IMPAIRED])
    stuck = Q(**stuck_filter(LIFECYCLE, cutoff))
    return broken | stuck


# What a row of organizations shows, with its own directory's stage for the emulator's switches
# (one join, no query per row).
ROW_FIELDS = (
    "organization_id", "account_id", "region", "alias", "state", "error_message",
    "state_changed_at", "directory__directory_id", "directory__directory_type",
    "directory__stage",
)  # fmt: skip


def needs_attention(scope: Scope, tiles: list[Tile]) -> tuple[list[Organization], int]:
    """Failed and Impaired organizations, and those sitting in a working state for longer than
    WORKMAIL_STUCK_AFTER: the longest-waiting first, and how many there are in all (the broken
    ones from the tiles' counts, the stuck ones counted: few, unless the workers are down)."""
    cutoff = stuck_cutoff()
    rows = scope.narrowed(scope.organizations())
    with db.planned_with_values():  # an account's few broken ones, not all its organizations
        listed = list(
            rows.filter(_attention_filter(cutoff))
            .order_by("state_changed_at", "pk")
            .select_related("directory")
            .only(*ROW_FIELDS)[:ATTENTION_ROWS]
        )  # fmt: skip
    broken = sum(
        (tile.by_region[scope.region] if scope.region else tile.total)
        for tile in tiles
        if tile.state in (State.FAILED, State.IMPAIRED) and scope.state in (None, tile.state)
    )
    stuck = rows.filter(**stuck_filter(LIFECYCLE, cutoff)).count()
    return _mark_stuck(listed, cutoff), broken + stuck


def domains_pending(scope: Scope, now: datetime) -> tuple[list[MailDomain], int]:
    """Domains still pending verification PENDING_DOMAIN_AFTER after they were added, in live
    organizations: the longest-waiting first (at most ATTENTION_ROWS), and how many in all."""
    rows = MailDomain.objects.order_by().filter(
        is_test_domain=False, ownership_status=VerificationStatus.PENDING,
        created_date__lt=now - PENDING_DOMAIN_AFTER,
    ).exclude(organization__state=State.DELETED)  # fmt: skip
    if scope.account_id:
        rows = rows.filter(organization__account_id=scope.account_id)
    if scope.region:
        rows = rows.filter(region=scope.region)
    listed = list(
        rows.select_related("organization")
        .only(
            "name", "region", "created_date", "checked_at", "organization__organization_id",
            "organization__alias", "organization__region", "organization__account_id",
        )
        .order_by("created_date", "pk")[:ATTENTION_ROWS]
    )  # fmt: skip
    return listed, rows.count()


@dataclass(frozen=True)
class Inside:
    """What lives inside the organizations in scope (Active and Inactive ones, in the chosen
    Region), and what of it needs someone: Active organizations without an enabled user (they
    go Inactive), and enabled resources nobody answers (auto-accept off, no enabled delegate)."""

    users: int
    groups: int
    resources: int
    without_users: int
    unanswered: int


def inside(scope: Scope) -> Inside:
    """Four aggregate queries, however many organizations, users, groups and resources."""
    readable = scope.organizations().filter(state__in=[State.ACTIVE, State.INACTIVE])
    if scope.region:
        readable = readable.filter(region=scope.region)
    directories = readable.values("directory_id")
    enabled = {"state": UserState.ENABLED, "directory_id__in": directories}
    answering = ResourceDelegate.objects.filter(resource=OuterRef("pk")).filter(
        Q(user__state=UserState.ENABLED) | Q(group__state=UserState.ENABLED)
    )
    resources = (
        Resource.objects.order_by()
        .filter(**enabled)
        .aggregate(
            total=Count("pk"),
            unanswered=Count("pk", filter=Q(auto_accept_requests=False) & ~Exists(answering)),
        )
    )
    return Inside(
        users=User.objects.order_by().filter(**enabled).count(),
        groups=Group.objects.order_by().filter(**enabled).count(),
        resources=resources["total"],
        without_users=readable.filter(
            state=State.ACTIVE, no_enabled_users_since__isnull=False
        ).count(),
        unanswered=resources["unanswered"],
    )


def _mark_stuck(rows: list[Organization], cutoff: datetime) -> list[Organization]:
    for organization in rows:
        organization.is_stuck = organization.is_working and organization.state_changed_at < cutoff
    return rows


def in_state(scope: Scope) -> list[Organization]:
    """With a state chosen: its organizations, longest in it first."""
    if scope.state is None:
        return []
    rows = scope.narrowed(scope.organizations())
    listed = list(
        rows.order_by("state_changed_at", "pk")
        .select_related("directory")
        .only(*ROW_FIELDS)[:STATE_ROWS]
    )  # fmt: skip
    return _mark_stuck(listed, stuck_cutoff())


def feed(scope: Scope) -> list[dict]:
    """The latest transitions, newest first, with each organization's alias (one join)."""
    rows = scope.events()
    if scope.region:
        rows = rows.filter(region=scope.region)
    if scope.state:
        rows = rows.filter(to_state=scope.state)
    events = rows.order_by("-at", "-pk").values(
        "pk", "at", "organization_id", "organization__alias", "region", "account_id",
        "from_state", "to_state", "reason",
    )[:FEED_ROWS]  # fmt: skip
    return list(events)


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def timings(scope: Scope, now: datetime) -> list[Timing]:
    """p50, p95 and max of the time spent in each creation state by those that left it within
    the last hour (the newest TIMING_SAMPLE of them)."""
    rows = scope.events().filter(
        at__gte=now - HOUR, from_state__in=TIMED_STATES, from_state_seconds__isnull=False
    )
    if scope.region:
        rows = rows.filter(region=scope.region)
    spent: dict[str, list[float]] = {state: [] for state in TIMED_STATES}
    for state, seconds in rows.order_by("-at").values_list("from_state", "from_state_seconds")[
        :TIMING_SAMPLE
    ]:
        spent[state].append(seconds)
    result = []
    for state in TIMED_STATES:
        ordered = sorted(spent[state])
        if ordered:
            result.append(
                Timing(
                    state,
                    len(ordered),
                    _percentile(ordered, 0.5),
                    _percentile(ordered, 0.95),
                    ordered[-1],
                )
            )
        else:
            result.append(Timing(state, 0, None, None, None))
    return result


def transitions_chart(scope: Scope, now: datetime) -> Chart:
    """Transitions per minute over the last hour, as the bars of a small SVG chart."""
    start = (now - HOUR).replace(second=0, microsecond=0) + timedelta(minutes=1)
    rows = scope.events().filter(at__gte=start)
    if scope.region:
        rows = rows.filter(region=scope.region)
    per_minute: Counter[datetime] = Counter()
    for row in rows.annotate(minute=TruncMinute("at")).values("minute").annotate(n=Count("pk")):
        per_minute[row["minute"]] = row["n"]
    chart = Chart(bars=[], peak=max(per_minute.values(), default=0), total=per_minute.total())
    slot = chart.width / 60
    for index in range(60):
        minute = start + timedelta(minutes=index)
        count = per_minute.get(minute, 0)
        height = (chart.height - 4) * count / chart.peak if chart.peak else 0
        bar = Bar(
            x=round(index * slot + 1, 1), y=round(chart.height - height, 1),
            height=round(height, 1), count=count, minute=minute,
        )  # fmt: skip
        chart.bars.append(bar)
    return chart


@dataclass
class Processes:
    workers: list[Heartbeat]
    beat: Heartbeat | None
    queued: int | None  # None: the broker did not answer

    @property
    def concurrency(self) -> int:
        return sum(worker.concurrency or 0 for worker in self.workers)

    def beat_runs(self) -> list[tuple[str, datetime | None]]:
        if self.beat is None:
            return []
        runs = []
        for name, when in sorted(self.beat.last_runs.items()):
            try:
                runs.append((name, datetime.fromisoformat(when) if when else None))
            except (TypeError, ValueError):
                runs.append((name, None))
        return runs


def processes() -> Processes:
    """Live workers and beat (one query on the heartbeats) and the broker's waiting messages."""
    live = list(Heartbeat.objects.filter(last_seen__gte=alive_since()).order_by("hostname", "pid"))
    workers = [row for row in live if row.kind == ProcessKind.WORKER]
    beats = sorted(
        (row for row in live if row.kind == ProcessKind.BEAT),
        key=lambda row: row.last_seen,
        reverse=True,
    )
    return Processes(workers=workers, beat=beats[0] if beats else None, queued=queue_depth())


def version(scope: Scope, procs: Processes, now: datetime) -> str:
    """A short tag that changes whenever anything the live part shows may have changed: a new
    transition in scope (the newest, and the highest ID of the last few minutes, which catches
    an event committed late with an older time), the live processes, the queue, and the minute
    (durations shown as "for 5 min" age even when nothing happens)."""
    events = scope.events()
    newest = events.order_by("-at", "-pk").values_list("pk", flat=True).first()
    recent = events.filter(at__gte=now - timedelta(minutes=5)).aggregate(Max("pk"))["pk__max"]
    return version_tag(
        newest,
        recent,
        now.strftime("%Y%m%d%H%M"),
        procs.queued,
        [(w.hostname, w.pid, w.concurrency) for w in procs.workers],
        procs.beat and (procs.beat.hostname, procs.beat.pid, sorted(procs.beat.last_runs.items())),
    )
