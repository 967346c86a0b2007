"""Bulk seeder for the dashboard benchmark: many organizations and their lifecycle events, fast.

`seed(dsn, organizations, events)` fills an already-migrated PostgreSQL database with COPY:
about 20 accounts (one big one holding most organizations), the three WorkMail Regions, and
organizations in every state, each with a legal chain of lifecycle events (organizations.lifecycle
decides what may follow what) spread over the last 30 days:

- mostly Active, having flapped Active <-> Impaired (now and then Active <-> Inactive): most a few
  times, a handful hundreds of times, so that the events add up to exactly `events`;
- some Failed (with an error message), Impaired, Inactive, Deleted and Deleting;
- a few still in Requested, Creating or Validating: half entered it seconds ago, half minutes to
  hours ago (far beyond the default WORKMAIL_STUCK_AFTER of 60 s, so the dashboard shows them
  as stuck);
- a few hundred transitions in the last hour: organizations created in it, deletions running,
  recent flaps, so the dashboard's feed, timings and per-minute chart have something to show.

Within a chain `at` increases, `from_state_seconds` is the gap to the previous event, and the
organization's state and state_changed_at are its last event's. Directory and KMS key columns stay
NULL (the seeded organizations name them only in their events' reasons). It ends with ANALYZE.

From the repository root, on a migrated database:

    .venv/bin/python bench/seed.py --database-url postgres://postgres@127.0.0.1:5432/NAME \
        [--organizations 100000] [--events 1000000]

Progress and the time taken go to stderr.
"""

import argparse
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/seed.py` from anywhere

from organizations.lifecycle import LIFECYCLE, State  # noqa: E402

REGIONS = {"us-east-1": 0.5, "us-west-2": 0.25, "eu-west-1": 0.25}
ACCOUNTS = 20
BIG_ACCOUNT_SHARE = 0.6
DAY = 86400.0
WINDOW = 30 * DAY
HOUR = 3600.0

R, C, V, A = State.REQUESTED, State.CREATING, State.VALIDATING, State.ACTIVE
CREATED = (R, C, V, A)
# The lifecycle's transitions, asked once: a million checks against the table cost seconds.
LEGAL = frozenset((a, b) for a in State for b in State if LIFECYCLE.can_transition(a, b))


@dataclass(frozen=True)
class Kind:
    """A shape of history: the states it starts with, the ones it ends with, and how many."""

    name: str
    start: tuple[State, ...]
    end: tuple[State, ...] = ()
    share: float = 0.0  # of all organizations; the rest are plain Active
    minimum: int = 0  # from 100 organizations on, so that a small seed has every state too
    flaps: bool = False  # may go Active -> Impaired/Inactive -> Active in between

    @property
    def length(self) -> int:
        return len(self.start) + len(self.end)


KINDS = [
    Kind("requested", (R,), share=0.0005, minimum=2),
    Kind("creating", (R, C), share=0.0005, minimum=2),
    Kind("validating", (R, C, V), share=0.0005, minimum=2),
    Kind("failed-creating", (R, C, State.FAILED), share=0.01, minimum=1),
    Kind("failed-validating", (R, C, V, State.FAILED), share=0.02, minimum=2),
    Kind("impaired", CREATED, (State.IMPAIRED,), share=0.025, minimum=2, flaps=True),
    Kind("inactive", CREATED, (State.INACTIVE,), share=0.03, minimum=2, flaps=True),
    Kind("deleting", CREATED, (State.DELETING,), share=0.002, minimum=2, flaps=True),
    Kind("deleted", CREATED, (State.DELETING, State.DELETED), share=0.04, minimum=2, flaps=True),
    Kind(
        "deleted-failed",
        (R, C, V, State.FAILED),
        (State.DELETING, State.DELETED),
        share=0.01,
        minimum=1,
    ),
    Kind("new", CREATED, share=0.0005, minimum=3),  # created within the last hour
    Kind("active", CREATED, flaps=True),
]
ACTIVE_KIND = KINDS[-1]
WAITING_KINDS = {"requested", "creating", "validating"}
WORKING_KINDS = {*WAITING_KINDS, "deleting"}  # half of each stuck, half entered seconds ago
RECENT_KINDS = {*WORKING_KINDS, "new"}

# Stage durations: lognormal (median seconds, spread), as a worker with short stage delays makes.
STAGE = {R: (0.4, 0.8), C: (4.0, 0.6), V: (2.5, 0.6), State.DELETING: (3.0, 0.6)}
IMPAIRED_MEAN, INACTIVE_MEAN = 40 * 60.0, 3 * DAY
INACTIVE_FLAP_SHARE = 0.15

WORDS = (
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "wonka",
    "northwind",
    "contoso",
    "fabrikam",
    "tailspin",
    "woodgrove",
    "blue-yonder",
)


@dataclass
class Plan:
    """One organization to write: who owns it, its kind, and its history once timed."""

    organization_id: str
    account_id: str
    region: str
    alias: str
    kind: Kind
    flaps: int = 0
    tail: bool = False  # its last event falls in the last hour
    stuck: bool = False  # in a working state for far longer than WORKMAIL_STUCK_AFTER
    states: list[State] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    error_message: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _counts(organizations: int, events: int) -> dict[Kind, int]:
    """How many organizations of each kind, leaving the rest plain Active."""
    counts = {}
    for kind in KINDS[:-1]:
        wanted = round(organizations * kind.share)
        counts[kind] = max(wanted, kind.minimum) if organizations >= 100 else wanted
    counts[ACTIVE_KIND] = organizations - sum(counts.values())
    base = sum(kind.length * count for kind, count in counts.items())
    if counts[ACTIVE_KIND] < 0 or events < base:
        raise ValueError(
            f"{organizations} organizations need at least {base} events (got {events})."
        )
    return counts


def _balance(counts: dict[Kind, int], events: int) -> int:
    """Flap pairs to add (two events each); an odd remainder moves where one creation fails."""
    extra = events - sum(kind.length * count for kind, count in counts.items())
    if extra % 2:
        by_name = {kind.name: kind for kind in counts}
        early, late = by_name["failed-creating"], by_name["failed-validating"]
        if counts[early]:  # one event more
            counts[early], counts[late], extra = counts[early] - 1, counts[late] + 1, extra - 1
        elif counts[late]:  # one event fewer
            counts[early], counts[late], extra = counts[early] + 1, counts[late] - 1, extra + 1
        else:
            raise ValueError("An odd number of extra events needs a Failed organization.")
    if extra and not any(kind.flaps and count for kind, count in counts.items()):
        raise ValueError("No organization can flap to add the remaining events.")
    return extra // 2


def _accounts(rng: random.Random) -> list[tuple[str, float]]:
    """(account ID, share of the organizations): one big account and many small ones."""
    ids: set[str] = set()
    while len(ids) < ACCOUNTS:
        ids.add(f"{rng.randrange(10**11, 10**12):012d}")
    big, *small = sorted(ids)
    weights = [rng.uniform(0.2, 1.0) for _ in small]
    scale = (1 - BIG_ACCOUNT_SHARE) / sum(weights)
    return [
        (big, BIG_ACCOUNT_SHARE),
        *((a, w * scale) for a, w in zip(small, weights, strict=True)),
    ]


def _plans(
    rng: random.Random, counts: dict[Kind, int], pairs: int, accounts: list[tuple[str, float]]
) -> list[Plan]:
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(kinds)
    total = len(kinds)
    owners = rng.choices([a for a, _ in accounts], [w for _, w in accounts], k=total)
    regions = rng.choices(list(REGIONS), list(REGIONS.values()), k=total)
    run = f"{rng.getrandbits(16):04x}"  # a second seed into the same database gets new aliases
    plans = [
        Plan(
            organization_id=f"m-{rng.getrandbits(128):032x}",
            account_id=owner,
            region=region,
            alias=f"{WORDS[i % len(WORDS)]}-{run}-{i:06d}",
            kind=kind,
        )
        for i, (kind, owner, region) in enumerate(zip(kinds, owners, regions, strict=True))
    ]
    for name in WORKING_KINDS:
        for plan in [plan for plan in plans if plan.kind.name == name][::2]:
            plan.stuck = True
    flappers = [plan for plan in plans if plan.kind.flaps]
    if pairs:
        # Heavy-tailed: most flap a few times, a handful hundreds of times.
        weights = [min(rng.paretovariate(2.0), 150.0) for _ in flappers]
        for index, n in Counter(rng.choices(range(len(flappers)), weights, k=pairs)).items():
            flappers[index].flaps = n
    # About a hundred of the rest have their last event in the last hour (recent kinds always do).
    candidates = [
        p for p in flappers if p.kind.name not in RECENT_KINDS and (p.flaps or p.kind.end)
    ]
    for plan in rng.sample(candidates, min(len(candidates), max(2, min(100, total // 1000)))):
        plan.tail = True
    return plans


def _stage(rng: random.Random, state: State) -> float:
    median, spread = STAGE[state]
    return min(rng.lognormvariate(math.log(median), spread), 30 * median)


def _time(rng: random.Random, plan: Plan, now: float, keys: dict[tuple[str, str], str]) -> None:
    """Lay out the plan's states, times and reasons, ending at or before `now`."""
    kind = plan.kind
    key_arn = keys[plan.account_id, plan.region]
    directory_id = f"d-{rng.getrandbits(40):010x}"
    problems = (
        f"The KMS key {key_arn} is disabled.",
        f"The KMS key {key_arn} is pending deletion.",
        f"The directory {directory_id} is not Active (it is Inoperable).",
    )
    states, times, reasons = plan.states, plan.times, plan.reasons

    def add(state: State, at: float, reason: str) -> None:
        if states:
            if (states[-1], state) not in LEGAL:
                LIFECYCLE.check_transition(states[-1], state)  # raises, saying which
            at = max(at, times[-1] + 0.001)  # strictly increasing, whatever the draws
        states.append(state)
        times.append(at)
        reasons.append(reason)

    # When the last of the creation steps happened; the ones before it are laid out backwards.
    if kind.name in WAITING_KINDS:
        entered = now - (rng.uniform(10 * 60, 6 * HOUR) if plan.stuck else rng.uniform(0.5, 20))
    elif kind.name == "new":
        entered = now - rng.uniform(5 * 60, HOUR - 60)
    else:
        entered = now - rng.uniform(2 * HOUR, WINDOW - 60)
    stages = [_stage(rng, state) for state in kind.start[:-1]]
    at = entered - sum(stages)
    for state, stage in zip(kind.start, [*stages, 0.0], strict=True):
        add(state, at, _creation_reason(state, states, directory_id, key_arn))
        at += stage
    if states[-1] == State.FAILED:
        plan.error_message = (
            rng.choice(problems)
            if states[-2] == V
            else "The directory could not be created: the Directory Service limit was reached."
        )
    # Flaps and the ending, spread between the end of creation and the last hour (or now).
    episodes = plan.flaps + (1 if kind.end else 0)
    if not episodes:
        return
    horizon = now - HOUR
    starts = sorted(rng.uniform(times[-1], horizon) for _ in range(episodes))
    recent = plan.tail or kind.name == "deleting"
    if recent:
        fresh = kind.name == "deleting" and not plan.stuck
        starts[-1] = now - rng.uniform(0.5, 20) if fresh else rng.uniform(horizon, now - 10 * 60)
    bounds = [*starts[1:], now if recent else horizon]
    for index, (start, bound) in enumerate(zip(starts, bounds, strict=True)):
        if index < plan.flaps:
            inactive = rng.random() < INACTIVE_FLAP_SHARE
            mean = INACTIVE_MEAN if inactive else IMPAIRED_MEAN
            back = start + min(rng.expovariate(1 / mean), (bound - start) / 2)
            if inactive:
                add(State.INACTIVE, start, "No enabled user for the grace period")
                add(A, back, "A user was enabled")
            else:
                add(State.IMPAIRED, start, "Health check failed: " + rng.choice(problems))
                add(A, back, "Health check passed")
        else:
            _end(rng, add, kind.end, start, bound, problems)


def _creation_reason(state: State, before: list[State], directory_id: str, key_arn: str) -> str:
    if state == R:
        return "Creation requested"
    if state == C:
        return "Creation workflow started"
    if state == V:
        return f"Provisioned directory {directory_id} and key {key_arn.rsplit('/', 1)[1]}"
    if state == A:
        return "All settings passed validation"
    return "Validation failed" if before[-1] == V else "Provisioning failed"


def _end(
    rng: random.Random,
    add: Callable[[State, float, str], None],
    end: tuple[State, ...],
    start: float,
    bound: float,
    problems: tuple[str, ...],
) -> None:
    reasons = {
        State.IMPAIRED: "Health check failed: " + rng.choice(problems),
        State.INACTIVE: "No enabled user for the grace period",
        State.DELETING: "Deletion requested",
        State.DELETED: "Deleted; the user directory was kept",
    }
    at = start
    for state in end:
        add(state, at, reasons[state])
        at += min(_stage(rng, State.DELETING), (bound - at) / 2)


def _organization_rows(plans: list[Plan]) -> Iterator[tuple]:
    for plan in plans:
        states, times = plan.states, plan.times
        completed = times[states.index(A)] if A in states else None
        yield (
            plan.organization_id, plan.account_id, plan.region, plan.alias, plan.states[-1],
            plan.error_message, "create", "managed",
            f"{plan.alias.lower()}.awsapps.com" if V in states else "",
            False, False, _datetime(times[0]), _datetime(completed), _datetime(times[-1]),
        )  # fmt: skip


def _event_rows(plans: list[Plan]) -> list[tuple]:
    """Every event as a row, in time order, as the live system would have appended them."""
    rows = []
    for plan in plans:
        before, since = "", None
        for state, at, reason in zip(plan.states, plan.times, plan.reasons, strict=True):
            seconds = None if since is None else at - since
            rows.append(
                (at, plan.organization_id, plan.account_id, plan.region, before, state, seconds,
                 reason)
            )  # fmt: skip
            before, since = state, at
    rows.sort(key=lambda row: row[0])
    return rows


def _datetime(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


ACCOUNT_TABLE = "workmail_console_account"
ORGANIZATION_TABLE = "organizations_organization"
EVENT_TABLE = "organizations_lifecycleevent"
ORGANIZATION_COLUMNS = {
    "organization_id": "varchar", "account_id": "varchar", "region": "varchar", "alias": "varchar",
    "state": "varchar", "error_message": "varchar", "directory_choice": "varchar",
    "encryption_choice": "varchar", "default_mail_domain": "varchar",
    "interoperability_enabled": "bool", "delete_directory": "bool", "created_date": "timestamptz",
    "completed_date": "timestamptz", "state_changed_at": "timestamptz",
}  # fmt: skip
EVENT_COLUMNS = {
    "at": "timestamptz", "organization_id": "varchar", "account_id": "varchar",
    "region": "varchar", "from_state": "varchar", "to_state": "varchar",
    "from_state_seconds": "float8", "reason": "varchar",
}  # fmt: skip


# The organization counts per account, Region and state, made again from the table.
RECOUNT = f"""
    DELETE FROM organizations_statecount;
    INSERT INTO organizations_statecount (account_id, region, state, count)
    SELECT account_id, region, state, COUNT(*) FROM {ORGANIZATION_TABLE}
    GROUP BY account_id, region, state
"""


def _copy(cursor: psycopg.Cursor, table: str, columns: dict[str, str], rows: Iterable) -> None:
    """COPY in binary: no text to format in Python nor to parse in PostgreSQL."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.copy(statement) as copy:
        copy.set_types(list(columns.values()))
        for row in rows:
            copy.write_row(row)


def _set_aside(cursor: psycopg.Cursor, table: str) -> list[str]:
    """Drop the table's secondary indexes and foreign keys; return the statements to remake them.

    PostgreSQL's advice for bulk loads ("Populating a Database"): building an index once over a
    million rows is several times faster than updating it row by row, and re-adding a foreign
    key checks it with one join instead of one lookup per row. All of it is in the seed's
    transaction, so a failure leaves the schema as it was. Made for a fresh database: a small
    seed into a big one pays for rebuilding that table's indexes over all its rows.
    """
    quoted = sql.Identifier(table)
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = %s::regclass"
        " AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    for name, _ in foreign_keys:
        cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(quoted, sql.Identifier(name))
        )
    for name, _ in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))  # regclass text: quoted
    add = "ALTER TABLE {} ADD CONSTRAINT {} {}"
    return [definition for _, definition in indexes] + [
        sql.SQL(add).format(quoted, sql.Identifier(name), sql.SQL(definition)).as_string(cursor)
        for name, definition in foreign_keys
    ]


def seed(
    dsn: str,
    organizations: int = 100_000,
    events: int = 1_000_000,
    *,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write `organizations` organizations and exactly `events` lifecycle events into `dsn`."""
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"{time.perf_counter() - started:6.1f} s  {message}")

    rng = random.Random()
    now = time.time()
    counts = _counts(organizations, events)
    pairs = _balance(counts, events)
    accounts = _accounts(rng)
    keys = {
        (account, region): f"arn:aws:kms:{region}:{account}:key/{rng.getrandbits(128):032x}"
        for account, _ in accounts
        for region in REGIONS
    }
    say(f"planning {organizations:,} organizations and {events:,} events")
    plans = _plans(rng, counts, pairs, accounts)
    for plan in plans:
        _time(rng, plan, now, keys)
    rows = _event_rows(plans)
    if len(rows) != events:
        raise RuntimeError(f"planned {len(rows)} events instead of {events}")
    organization_table = sql.Identifier(ORGANIZATION_TABLE)
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        remake = [*_set_aside(cursor, ORGANIZATION_TABLE), *_set_aside(cursor, EVENT_TABLE)]
        say(f"copying {ACCOUNTS} accounts and {organizations:,} organizations")
        created = _datetime(now - WINDOW - DAY)
        _copy(cursor, ACCOUNT_TABLE, {"account_id": "varchar", "created": "timestamptz"},
              ((account, created) for account, _ in accounts))  # fmt: skip
        # The counting triggers (organizations migration 0003) would fire per row: count once.
        cursor.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(organization_table))
        _copy(cursor, ORGANIZATION_TABLE, ORGANIZATION_COLUMNS, _organization_rows(plans))
        cursor.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(organization_table))
        cursor.execute(RECOUNT)
        say(f"copying {events:,} events")
        _copy(cursor, EVENT_TABLE, EVENT_COLUMNS, ((_datetime(r[0]), *r[1:]) for r in rows))
        say(f"building {len(remake)} indexes and foreign keys")
        for statement in remake:
            cursor.execute(statement)
        say("committing")
    say("analyzing")
    with psycopg.connect(dsn, autocommit=True) as connection:
        for table in (ACCOUNT_TABLE, ORGANIZATION_TABLE, EVENT_TABLE):
            connection.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    say("done")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a migrated PostgreSQL database")
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        seed(args.database_url, args.organizations, args.events, progress=log)
    except ValueError as error:
        parser.error(str(error))
    log(f"seeded {args.organizations:,} organizations and {args.events:,} events"
        f" in {time.perf_counter() - started:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
