"""Organization details page, History: every lifecycle event in order and the time in each state."""

from dataclasses import dataclass, field
from datetime import UTC, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.lifecycle import State
from organizations.models import LifecycleEvent, Organization
from tests.conftest import signed_in
from tests.factories import OrganizationFactory
from tests.html import key_values
from workmail_console.models import Account

HX = {"HX-Request": "true"}


@dataclass
class Cell:
    text: str = ""
    badges: list[tuple[str, str]] = field(default_factory=list)  # (state, status class)


class _HistoryTable(HTMLParser):
    """The body rows of the History table, each a list of cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[Cell]] = []
        self._in_table = self._in_body = False
        self._cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("data-testid") == "history":
            self._in_table = True
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = Cell()
            self.rows[-1].append(self._cell)
        elif self._cell is not None and "data-state" in attributes:
            status = next(c for c in attributes["class"].split() if c.startswith("status-"))
            self._cell.badges.append((attributes["data-state"], status))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._in_table = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data


def history(html: str) -> list[list[Cell]]:
    parser = _HistoryTable()
    parser.feed(html)
    return parser.rows


def state_times(html: str) -> dict[str, str]:
    """{state: total time} from the summary above the table."""
    start = html.index('data-testid="state-times"')
    return key_values(html[start : html.index("</dl>", start)])


def organization_with_history(
    account: Account, steps: list[tuple[State, str, float | None]], *, since: timedelta
) -> Organization:
    """An organization that went through `steps`: (state entered, reason, seconds it had spent in
    the state before, as the event records it). It entered the last state `since` ago."""
    organization = OrganizationFactory(account=account)
    organization.events.all().delete()
    at = timezone.now() - since
    times = [at]
    for _, _, seconds in reversed(steps[1:]):
        at -= timedelta(seconds=seconds or 60)
        times.insert(0, at)
    previous = ""
    for (state, reason, seconds), at in zip(steps, times, strict=True):
        LifecycleEvent.objects.create(
            organization=organization, account=account, region=organization.region,
            from_state=previous, to_state=state, at=at, reason=reason, from_state_seconds=seconds,
        )  # fmt: skip
        previous = state
    Organization.objects.filter(pk=organization.pk).update(state=previous, state_changed_at=at)
    organization.refresh_from_db()
    return organization


CREATED = [
    (State.REQUESTED, "Creation requested", None),
    (State.CREATING, "Picked up by a worker", 2.5),
    (State.VALIDATING, "Directory and key provisioned", 42),
    (State.ACTIVE, "All checks passed", 252),
]


def page(client: Client, organization: Organization, **headers: str) -> str:
    response = client.get(organization.get_absolute_url(), headers=headers)
    assert response.status_code in (200, 286)
    return response.content.decode()


def test_it_lists_every_event_oldest_first_with_states_and_reasons(admin_client, admin) -> None:
    organization = organization_with_history(admin.account, CREATED, since=timedelta(hours=1))
    rows = history(page(admin_client, organization))
    assert [row[1].badges for row in rows] == [
        [("Requested", "status-in-progress")],
        [("Creating", "status-in-progress")],
        [("Validating", "status-in-progress")],
        [("Active", "status-success")],
    ]
    assert [row[2].badges for row in rows] == [
        [],
        [("Requested", "status-in-progress")],
        [("Creating", "status-in-progress")],
        [("Validating", "status-in-progress")],
    ]
    assert rows[0][2].text == "-"
    assert [row[3].text for row in rows] == [reason for _, reason, _ in CREATED]


def test_each_event_shows_its_time_in_utc(admin_client, admin) -> None:
    organization = organization_with_history(admin.account, CREATED, since=timedelta(hours=1))
    html = page(admin_client, organization)
    first = organization.events.order_by("at").first().at.astimezone(UTC)
    assert history(html)[0][0].text == first.strftime("%b %-d, %Y, %H:%M:%S UTC")
    assert f'<time datetime="{first.isoformat()}">' in html


def test_the_time_in_a_state_is_what_the_next_event_recorded(admin_client, admin) -> None:
    organization = organization_with_history(admin.account, CREATED, since=timedelta(hours=1))
    rows = history(page(admin_client, organization))
    assert [row[4].text for row in rows[:3]] == ["2.5 s", "42 s", "4 min 12 s"]


def test_the_recorded_seconds_win_over_the_gap_between_events(admin_client, admin) -> None:
    """`at` is when the move committed; the seconds were measured from the row itself."""
    organization = organization_with_history(admin.account, CREATED, since=timedelta(hours=1))
    organization.events.filter(to_state=State.CREATING).update(from_state_seconds=0.85)
    assert history(page(admin_client, organization))[0][4].text == "850 ms"


def test_the_current_state_counts_up_to_now(admin_client, admin) -> None:
    since = timedelta(hours=3, minutes=20)
    organization = organization_with_history(admin.account, CREATED, since=since)
    html = page(admin_client, organization)
    assert history(html)[-1][4].text == "3 h 20 min so far"
    assert state_times(html)["Active"] == "3 h 20 min so far"


def test_events_recorded_without_seconds_use_the_time_between_them(admin_client, admin) -> None:
    organization = organization_with_history(
        admin.account,
        [(State.REQUESTED, "Creation requested", None), (State.CREATING, "Picked up", None)],
        since=timedelta(minutes=5),
    )
    # organization_with_history spaces events without seconds 60 s apart.
    assert history(page(admin_client, organization))[0][4].text == "1 min"


def test_a_deleted_organization_has_no_time_in_deleted(admin_client, admin) -> None:
    steps = [
        *CREATED,
        (State.DELETING, "Delete requested", 7200),
        (State.DELETED, "Resources released", 30),
    ]
    organization = organization_with_history(admin.account, steps, since=timedelta(days=2))
    html = page(admin_client, organization)
    rows = history(html)
    assert rows[-1][1].badges == [("Deleted", "status-stopped")]
    assert rows[-1][4].text == "-"
    assert rows[-2][4].text == "30 s"
    assert "so far" not in html
    assert "Deleted" not in state_times(html)


def test_the_summary_adds_up_every_visit_to_a_state(admin_client, admin) -> None:
    steps = [
        *CREATED,
        (State.IMPAIRED, "KMS key disabled", 3600),
        (State.ACTIVE, "KMS key enabled", 600),
        (State.IMPAIRED, "Directory inoperable", 7200),
        (State.ACTIVE, "Directory repaired", 1200),
    ]
    organization = organization_with_history(admin.account, steps, since=timedelta(minutes=30))
    html = page(admin_client, organization)
    assert state_times(html) == {
        "Requested": "2.5 s",
        "Creating": "42 s",
        "Validating": "4 min 12 s",
        "Active": "3 h 30 min so far (3 times)",  # 1 h + 2 h + the last 30 min
        "Impaired": "30 min (2 times)",
    }
    assert len(history(html)) == 8
    assert 'History <span class="count">(8)</span>' in html


def test_another_accounts_organization_history_is_not_found(stranger, admin) -> None:
    organization = organization_with_history(admin.account, CREATED, since=timedelta(hours=1))
    client = signed_in(stranger)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 404
    assert "All checks passed" not in response.content.decode()
    assert client.get(organization.get_absolute_url(), headers=HX).status_code == 404


def test_the_live_fragment_brings_new_events(admin_client, admin) -> None:
    organization = organization_with_history(admin.account, CREATED[:2], since=timedelta(seconds=3))
    fragment = page(admin_client, organization, **HX)
    assert "<html" not in fragment
    assert 'hx-trigger="every 2s"' in fragment
    assert len(history(fragment)) == 2

    organization.transition(State.VALIDATING, reason="Directory and key provisioned")
    rows = history(page(admin_client, organization, **HX))
    assert [row[3].text for row in rows][-1] == "Directory and key provisioned"
    assert rows[-1][4].text.endswith("so far")
    assert rows[-2][4].text != "-"  # Creating's time, recorded by the move


def _queries(client: Client, organization: Organization, **headers: str) -> list[str]:
    page(client, organization, **headers)  # warm up: the session and the membership
    with CaptureQueriesContext(connection) as captured:
        page(client, organization, **headers)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "live fragment"])
def test_the_query_count_does_not_grow_with_the_events(
    admin_client, admin, headers, django_assert_num_queries
) -> None:
    few = organization_with_history(admin.account, CREATED, since=timedelta(minutes=1))
    flaps = [(State.IMPAIRED, "flap", 60), (State.ACTIVE, "flap", 60)] * 18
    many = organization_with_history(admin.account, [*CREATED, *flaps], since=timedelta(minutes=1))
    assert many.events.count() == 40
    expected = len(_queries(admin_client, few, **headers))
    with django_assert_num_queries(expected):
        html = page(admin_client, many, **headers)
    assert len(history(html)) == 40
    event_queries = [
        sql for sql in _queries(admin_client, many, **headers) if "lifecycleevent" in sql
    ]
    assert len(event_queries) == 1
