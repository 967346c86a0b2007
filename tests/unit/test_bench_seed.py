"""bench/seed.py: the benchmark's bulk data is what the console itself would have written."""

from collections import Counter, defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.seed import ACCOUNTS, seed
from organizations.aliases import validate_alias_format
from organizations.lifecycle import LIFECYCLE, State
from organizations.models import LifecycleEvent, Organization, StateCount, is_organization_id
from tests.conftest import _database_url
from workmail_console.models import Account
from workmail_console.regions import REGION_CHOICES

TABLES = ("organizations_organization", "organizations_lifecycleevent")


def schema() -> set[tuple[str, str]]:
    """Every index and constraint on the seeded tables, with its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid::regclass::text = ANY(%s)"
            " UNION SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text = ANY(%s)",
            [list(TABLES), list(TABLES)],
        )
        return set(cursor.fetchall())


@pytest.fixture
def seeded(transactional_db, request) -> tuple[int, int]:
    organizations, events = request.param
    before = schema()
    seed(_database_url(), organizations=organizations, events=events)
    assert schema() == before  # the indexes and foreign keys set aside for the load are back
    return organizations, events


SIZES = [(200, 2000), (150, 1001)]  # an odd total takes the other path to balance the events


@pytest.mark.parametrize("seeded", SIZES, indirect=True, ids=["200-2000", "150-1001"])
def test_it_writes_exactly_what_was_asked_in_every_state_region_and_account(seeded) -> None:
    organizations, events = seeded
    assert Organization.objects.count() == organizations
    assert LifecycleEvent.objects.count() == events
    assert Account.objects.count() == ACCOUNTS
    per_account = Counter(Organization.objects.values_list("account_id", flat=True))
    assert per_account.most_common(1)[0][1] > organizations * 0.4  # one big account
    assert set(Organization.objects.values_list("region", flat=True)) == {
        code for code, _ in REGION_CHOICES
    }
    assert set(Organization.objects.values_list("state", flat=True)) == set(State)
    # The counting triggers were off for the load; the counts were made once, and are right.
    counted = {(r.account_id, r.region, r.state): r.count for r in StateCount.objects.all()}
    assert counted == Counter(Organization.objects.values_list("account_id", "region", "state"))
    with connection.cursor() as cursor:  # and the triggers are on again
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled = 'O'"
            " AND NOT tgisinternal",
            [TABLES[0]],
        )
        assert cursor.fetchone()[0] == 2


@pytest.mark.parametrize("seeded", SIZES, indirect=True, ids=["200-2000", "150-1001"])
def test_every_history_is_a_legal_chain_ending_in_the_organizations_state(seeded) -> None:
    chains: dict[str, list[LifecycleEvent]] = defaultdict(list)
    for event in LifecycleEvent.objects.order_by("at", "pk"):
        chains[event.organization_id].append(event)
    for organization in Organization.objects.all():
        chain = chains[organization.organization_id]
        first, last = chain[0], chain[-1]
        assert (first.from_state, first.to_state, first.from_state_seconds) == (
            "",
            "Requested",
            None,
        )
        for before, after in pairwise(chain):
            assert after.from_state == before.to_state
            assert LIFECYCLE.can_transition(after.from_state, after.to_state)
            assert after.at > before.at
            gap = (after.at - before.at).total_seconds()
            assert after.from_state_seconds == pytest.approx(gap, abs=1e-5)
        assert {(e.account_id, e.region) for e in chain} == {
            (organization.account_id, organization.region)
        }
        assert last.to_state == organization.state
        assert last.at == organization.state_changed_at
        assert first.at == organization.created_date
        reached_active = [e.at for e in chain if e.to_state == State.ACTIVE]
        assert organization.completed_date == (reached_active[0] if reached_active else None)


@pytest.mark.parametrize("seeded", SIZES[:1], indirect=True, ids=["200-2000"])
def test_the_rows_look_like_the_consoles_own(seeded) -> None:
    organizations = list(Organization.objects.all())
    assert all(is_organization_id(o.organization_id) for o in organizations)
    for organization in organizations:
        validate_alias_format(organization.alias)
    live = [o.alias.lower() for o in organizations if o.state != State.DELETED]
    assert len(live) == len(set(live))
    failed = [o for o in organizations if o.state == State.FAILED]
    assert all(o.error_message for o in failed)
    assert not any(o.error_message for o in organizations if o.state == State.ACTIVE)


@pytest.mark.parametrize("seeded", SIZES[:1], indirect=True, ids=["200-2000"])
def test_the_times_span_a_month_with_recent_moves_and_stuck_ones(seeded) -> None:
    now = timezone.now()
    events = LifecycleEvent.objects.all()
    assert not events.filter(at__gt=now).exists()
    assert not events.filter(at__lt=now - timedelta(days=30, hours=1)).exists()
    assert events.filter(at__lt=now - timedelta(days=20)).exists()
    last_hour = events.filter(at__gte=now - timedelta(hours=1))
    assert last_hour.filter(from_state=State.VALIDATING, to_state=State.ACTIVE).exists()
    assert last_hour.filter(to_state=State.DELETING).exists()
    assert last_hour.count() >= 20
    waiting = Organization.objects.filter(
        state__in=[State.REQUESTED, State.CREATING, State.VALIDATING]
    )
    stuck_since = now - timedelta(seconds=settings.WORKMAIL_STUCK_AFTER)
    assert waiting.filter(state_changed_at__lt=stuck_since).count() >= 3
    assert waiting.filter(state_changed_at__gte=stuck_since).count() >= 3


def test_it_analyzes_the_tables_it_filled(transactional_db) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        [(started,)] = cursor.fetchall()
        seed(_database_url(), organizations=100, events=1000)
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze >= %s", [started]
        )
        assert {table for (table,) in cursor.fetchall()} >= set(TABLES)


def test_too_few_events_for_the_organizations_is_refused_before_writing() -> None:
    with pytest.raises(ValueError, match="need at least"):
        seed("postgres://nowhere.invalid/none", organizations=100, events=300)
