"""The ops dashboard: counts, attention list, feed, timings and workers for a seeded mix of
states, Regions and accounts; who sees what; Retry now; the cheap refresh."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ops.dashboard import FEED_ROWS
from ops.models import Heartbeat, ProcessKind
from organizations.lifecycle import State
from organizations.models import LifecycleEvent, Organization
from tests.conftest import signed_in
from tests.factories import MembershipFactory, OrganizationFactory
from tests.html import text, texts
from workmail_console.models import Account, Membership, Role

DASHBOARD = reverse("ops:dashboard")
PATHS = {
    State.ACTIVE: [State.CREATING, State.VALIDATING, State.ACTIVE],
    State.FAILED: [State.CREATING, State.FAILED],
    State.IMPAIRED: [State.CREATING, State.VALIDATING, State.ACTIVE, State.IMPAIRED],
    State.CREATING: [State.CREATING],
    State.REQUESTED: [],
    State.DELETED: [State.CREATING, State.VALIDATING, State.ACTIVE, State.DELETING, State.DELETED],
}


def make(account: Account, state: State, region: str = "us-east-1", **fields) -> Organization:
    """An organization taken to `state` through the lifecycle's own moves (events and all)."""
    organization = OrganizationFactory(account=account, region=region)
    for target in PATHS[state]:
        changes = {"error_message": fields.pop("error_message")} if target == State.FAILED else {}
        assert organization.transition(target, reason=f"to {target}", **changes)
    if fields:
        Organization.objects.filter(pk=organization.pk).update(**fields)
        organization.refresh_from_db()
    return organization


def ago(**kwargs: float):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def world(admin: Membership, ops: Membership, stranger: Membership) -> dict:
    """Account A (admin and ops) and account B (stranger), with organizations in every kind of
    state; one of A's Creating organizations has sat there for an hour."""
    a, b = admin.account, stranger.account
    return {
        "a_active": [
            make(a, State.ACTIVE),
            make(a, State.ACTIVE),
            make(a, State.ACTIVE, "eu-west-1"),
        ],
        "a_failed": make(
            a, State.FAILED, error_message="The directory d-1234567890 is not Active."
        ),
        "a_impaired": make(a, State.IMPAIRED),
        "a_stuck": make(a, State.CREATING, state_changed_at=ago(hours=1)),
        "a_fresh": make(a, State.REQUESTED),
        "a_deleted": make(a, State.DELETED, "eu-west-1"),
        "b_failed": make(b, State.FAILED, error_message="Key arn:aws:kms:stranger is disabled."),
        "b_active": make(b, State.ACTIVE, "us-west-2"),
    }


def page(client: Client, **params: str) -> str:
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_tiles_count_each_state_per_region_in_the_members_account(world, ops) -> None:
    html = page(signed_in(ops))
    assert text(html, "count-Active") == "3"
    assert text(html, "count-Active-us-east-1") == "2"
    assert text(html, "count-Active-eu-west-1") == "1"
    assert text(html, "count-Active-us-west-2") == "0"  # the other account's is not counted
    assert text(html, "count-Failed") == "1"
    assert text(html, "count-Impaired") == "1"
    assert text(html, "count-Creating") == "1"
    assert text(html, "count-Requested") == "1"
    assert text(html, "count-Validating") == "0"
    assert text(html, "count-Deleted") == "1"  # apart from the tiles


def test_needs_attention_lists_failed_impaired_and_stuck_with_their_reason(world, ops) -> None:
    html = page(signed_in(ops))
    rows = texts(html, "organization")
    listed = {org.alias for org in Organization.objects.all() if any(org.alias in r for r in rows)}
    assert listed == {world["a_failed"].alias, world["a_impaired"].alias, world["a_stuck"].alias}
    failed_row = next(row for row in rows if world["a_failed"].alias in row)
    assert "The directory d-1234567890 is not Active." in failed_row
    stuck_row = next(row for row in rows if world["a_stuck"].alias in row)
    assert "1 h" in stuck_row  # for how long
    assert world["a_stuck"].get_absolute_url() in html


def test_needs_attention_is_planned_for_the_account_each_time(world, ops) -> None:
    """The list is never a prepared statement: after five runs PostgreSQL plans one of those for
    any account, and that plan read all of a big account's organizations to find its few broken
    ones (30 ms instead of 4 at 60,000 organizations, bench/dashboard.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    client = signed_in(ops)
    for _ in range(8):
        assert world["a_failed"].alias in page(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("organizations_statecount" in statement for statement in prepared)  # the tiles'
    listing = '"state_changed_at" ASC, "organizations_organization"."organization_id" ASC LIMIT'
    assert not [statement for statement in prepared if listing in statement]


def test_a_member_never_sees_another_accounts_organizations_or_events(world, ops) -> None:
    html = page(signed_in(ops))
    for organization in (world["b_failed"], world["b_active"]):
        assert organization.alias not in html
        assert organization.organization_id not in html
    assert "arn:aws:kms:stranger" not in html
    # Filtering by another account is not a member's to choose: the parameter is ignored.
    filtered = page(signed_in(ops), account=world["b_failed"].account_id)
    assert world["b_failed"].alias not in filtered


def test_the_feed_shows_the_latest_transitions_newest_first(world, ops) -> None:
    newest = world["a_impaired"]
    LifecycleEvent.objects.filter(organization=newest, to_state=State.IMPAIRED).update(
        at=timezone.now() + timedelta(seconds=1)
    )
    html = page(signed_in(ops))
    rows = texts(html, "event")
    assert len(rows) == FEED_ROWS  # from A's 40 events
    assert newest.alias in rows[0]
    assert "Active → Impaired" in rows[0]
    assert "to Impaired" in rows[0]  # the reason
    assert newest.get_absolute_url() in html


def test_staff_superusers_see_every_account_and_can_filter_by_one(world, admin) -> None:
    superuser = MembershipFactory(role=Role.ADMIN, user__is_staff=True, user__is_superuser=True)
    client = signed_in(superuser)
    html = page(client)
    assert text(html, "count-Failed") == "2"
    assert text(html, "count-Active-us-west-2") == "1"
    assert world["b_failed"].alias in html
    only_b = page(client, account=world["b_failed"].account_id)
    assert text(only_b, "count-Failed") == "1"
    assert world["a_failed"].alias not in only_b
    assert text(only_b, "scope-account") == world["b_failed"].account_id


def staff_admin(account: Account) -> Membership:
    """An admin of `account` who is staff but not a superuser: staff alone sees no other account."""
    return MembershipFactory(
        role=Role.ADMIN, account=account, user__is_staff=True, user__is_superuser=False
    )


def test_a_staff_user_who_is_not_a_superuser_sees_only_their_accounts_organizations(
    world, admin
) -> None:
    html = page(signed_in(staff_admin(admin.account)))
    assert text(html, "count-Failed") == "1"
    assert text(html, "count-Active-us-west-2") == "0"
    for organization in (world["b_failed"], world["b_active"]):
        assert organization.alias not in html
    assert "arn:aws:kms:stranger" not in html


def test_a_staff_user_who_is_not_a_superuser_can_not_filter_by_another_account(
    world, admin
) -> None:
    html = page(signed_in(staff_admin(admin.account)), account=world["b_failed"].account_id)
    assert world["b_failed"].alias not in html
    assert world["a_failed"].alias in html  # the parameter is ignored, as for any member


def test_another_accounts_activity_is_not_news_to_a_staff_user_who_is_not_a_superuser(
    world, admin
) -> None:
    client = signed_in(staff_admin(admin.account))
    version = version_of(live(client).content.decode())
    make(world["b_failed"].account, State.ACTIVE)
    assert live(client, version).status_code == 204


def test_a_tile_filters_the_tables_below_by_a_url_to_share(world, ops) -> None:
    html = page(signed_in(ops), state="Active", region="us-east-1")
    in_state = texts(html, "in-state")[0]
    actives = [org for org in world["a_active"] if org.region == "us-east-1"]
    assert all(org.alias in in_state for org in actives)
    assert world["a_active"][2].alias not in in_state  # eu-west-1
    assert world["a_failed"].alias not in texts(html, "attention")[0]
    feed = texts(html, "event")
    assert feed and all("→ Active" in row for row in feed)
    assert f"?{urlencode({'state': 'Failed'})}" in html  # the tiles are links


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"state": "Sleeping"}, "Select a valid choice."),
        ({"region": "mars-north-1"}, "Select a valid choice."),
        ({"state": "Active\x00"}, "Select a valid choice."),
    ],
)
def test_a_bad_filter_is_a_clear_error_not_a_crash(world, ops, params, message) -> None:
    response = signed_in(ops).get(DASHBOARD, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_bad_account_filter_says_what_an_account_id_is(world) -> None:
    superuser = MembershipFactory(role=Role.ADMIN, user__is_staff=True, user__is_superuser=True)
    response = signed_in(superuser).get(DASHBOARD, {"account": "12345<script>"})
    assert response.status_code == 400
    assert "An account ID is 12 digits." in response.content.decode()
    assert "<script>" not in response.content.decode().split("</form>")[0].split("<form")[-1]


def test_signed_out_people_go_to_sign_in_and_polls_get_403(db) -> None:
    response = Client().get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().get(DASHBOARD, headers={"HX-Request": "true"}).status_code == 403


def test_the_navigation_has_a_dashboard_link(ops) -> None:
    html = signed_in(ops).get(reverse("organizations:list", args=["us-east-1"])).content.decode()
    assert f'href="{DASHBOARD}"' in html and ">Dashboard</a>" in html


# --- Retry now -----------------------------------------------------------------------------------


def retry_url(organization: Organization) -> str:
    return reverse("ops:retry", args=[organization.region, organization.organization_id])


def test_an_admin_retries_a_stuck_organizations_step(world, admin, published_tasks) -> None:
    stuck = world["a_stuck"]
    client = signed_in(admin)
    assert "Retry now" in texts(page(client), "attention")[0]
    back = f"{DASHBOARD}?state=Creating"
    response = client.post(retry_url(stuck), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert published_tasks == [
        ("workmail_console.tasks.advance", ["organization", stuck.organization_id, "Creating"])
    ]
    assert f"Retry sent: a worker will take {stuck.alias} on from Creating." in page(client)


def test_retry_refuses_ops_and_get_and_other_accounts(world, ops, admin, published_tasks) -> None:
    stuck = world["a_stuck"]
    assert "Retry now" not in page(signed_in(ops))
    assert signed_in(ops).post(retry_url(stuck)).status_code == 403
    assert signed_in(admin).get(retry_url(stuck)).status_code == 405
    stranger_stuck = make(world["b_failed"].account, State.CREATING, state_changed_at=ago(hours=1))
    assert signed_in(admin).post(retry_url(stranger_stuck)).status_code == 404
    wrong_region = reverse("ops:retry", args=["eu-west-1", stuck.organization_id])
    assert signed_in(admin).post(wrong_region).status_code == 404
    assert published_tasks == []


def test_a_staff_user_who_is_not_a_superuser_can_not_retry_another_accounts_organization(
    world, admin, published_tasks
) -> None:
    theirs = make(world["b_failed"].account, State.CREATING, state_changed_at=ago(hours=1))
    client = signed_in(staff_admin(admin.account))
    assert client.post(retry_url(theirs)).status_code == 404
    assert published_tasks == []


def test_a_staff_superuser_retries_any_accounts_organization(world, published_tasks) -> None:
    theirs = make(world["b_failed"].account, State.CREATING, state_changed_at=ago(hours=1))
    superuser = MembershipFactory(role=Role.ADMIN, user__is_staff=True, user__is_superuser=True)
    assert signed_in(superuser).post(retry_url(theirs)).status_code == 302
    assert published_tasks == [
        ("workmail_console.tasks.advance", ["organization", theirs.organization_id, "Creating"])
    ]


def test_retry_is_csrf_protected(world, admin) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    assert client.post(retry_url(world["a_stuck"])).status_code == 403


def test_retrying_an_organization_no_longer_working_sends_nothing(
    world, admin, published_tasks
) -> None:
    client = signed_in(admin)
    response = client.post(retry_url(world["a_failed"]), follow=True)
    assert "is Failed: no step is waiting" in response.content.decode()
    assert published_tasks == []


def test_retry_goes_back_only_to_the_dashboard(world, admin, published_tasks) -> None:
    response = signed_in(admin).post(retry_url(world["a_stuck"]), {"next": "https://evil.test/"})
    assert response["Location"] == DASHBOARD


# --- Timings, workers, queue ---------------------------------------------------------------------


def test_timings_are_p50_p95_and_max_over_the_last_hour(admin, ops) -> None:
    organization = OrganizationFactory(account=admin.account)
    for seconds in range(1, 21):  # 1..20 s in Creating, within the hour
        LifecycleEvent.objects.create(
            organization=organization, account=admin.account, region="us-east-1",
            from_state=State.CREATING, to_state=State.VALIDATING, at=ago(minutes=seconds),
            from_state_seconds=seconds, reason="x",
        )  # fmt: skip
    LifecycleEvent.objects.create(
        organization=organization, account=admin.account, region="us-east-1",
        from_state=State.CREATING, to_state=State.VALIDATING, at=ago(hours=2),
        from_state_seconds=999, reason="too old to count",
    )  # fmt: skip
    html = page(signed_in(ops))
    assert text(html, "timing-Creating") == "Creating 20 10 s 19 s 20 s"
    assert text(html, "timing-Validating") == "Validating 0 - - -"
    assert text(html, "transitions-last-hour") == "21"  # 20 + the creation event


def test_queue_latency_is_the_age_of_the_oldest_request(admin, ops) -> None:
    make(admin.account, State.REQUESTED, state_changed_at=ago(seconds=95))
    make(admin.account, State.REQUESTED, "eu-west-1", state_changed_at=ago(seconds=5))
    html = page(signed_in(ops))
    assert text(html, "queue-latency").startswith(
        "Queue latency (oldest organization still in Requested): 1 min 35 s (us-east-1)"
    )
    html = page(signed_in(ops), region="eu-west-1")
    assert "(eu-west-1)" in text(html, "queue-latency")


def heartbeat(kind: str, pid: int, seen_ago: float, **fields) -> Heartbeat:
    return Heartbeat.objects.create(
        kind=kind, hostname=f"celery@host{pid}", pid=pid, last_seen=ago(seconds=seen_ago), **fields
    )


def test_the_workers_tile_lists_live_workers_and_turns_red_without_any(ops) -> None:
    client = signed_in(ops)
    html = page(client)
    assert "No workers running" in text(html, "no-workers")
    assert "container-error" in html
    heartbeat(ProcessKind.WORKER, 101, seen_ago=2, concurrency=4, queues="workmail")
    heartbeat(ProcessKind.WORKER, 102, seen_ago=600, concurrency=8)  # long gone
    heartbeat(
        ProcessKind.BEAT, 103, seen_ago=1,
        last_runs={"sweep-stuck": ago(seconds=12).isoformat()},
    )  # fmt: skip
    html = page(client)
    assert texts(html, "no-workers") == []
    [worker] = texts(html, "worker")
    assert worker.startswith("celery@host101 101 4 workmail")
    assert "1 worker, concurrency 4" in html
    assert texts(html, "beat-run") == ["sweep-stuck : last ran 12 s ago"]


# --- Live without waste ---------------------------------------------------------------------


def live(client: Client, since: str | None = None, **params: str):
    query = {**params, **({"since": since} if since else {})}
    return client.get(DASHBOARD, query, headers={"HX-Request": "true"})


def version_of(html: str) -> str:
    return html.split('data-version="', 1)[1].split('"', 1)[0]


def test_a_refresh_with_nothing_new_is_an_empty_204(world, ops) -> None:
    client = signed_in(ops)
    first = live(client)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-live"')  # the fragment, not the page
    version = version_of(html)
    unchanged = live(client, version)
    assert unchanged.status_code == 204 and unchanged.content == b""
    moved = make(ops.account, State.FAILED, error_message="Something new")
    changed = live(client, version)
    assert changed.status_code == 200
    assert moved.alias in changed.content.decode()


def test_an_event_committed_late_with_an_older_time_is_news(world, ops) -> None:
    client = signed_in(ops)
    version = version_of(live(client).content.decode())
    organization = world["a_fresh"]
    LifecycleEvent.objects.create(
        organization=organization, account=ops.account, region=organization.region,
        from_state=State.REQUESTED, to_state=State.CREATING, at=ago(seconds=30), reason="late",
    )  # fmt: skip
    assert live(client, version).status_code == 200


def test_another_accounts_activity_is_not_news_to_a_member(world, ops) -> None:
    client = signed_in(ops)
    version = version_of(live(client).content.decode())
    make(world["b_failed"].account, State.ACTIVE)
    assert live(client, version).status_code == 204


def test_the_refresh_url_keeps_the_filters(world, ops) -> None:
    html = live(signed_in(ops), state="Failed", region="us-east-1").content.decode()
    refresh = html.split('hx-get="', 1)[1].split('"', 1)[0]
    assert "state=Failed" in refresh and "region=us-east-1" in refresh and "since=" in refresh


def seed(account: Account, count: int) -> None:
    """`count` organizations across states and Regions, each with its events, written in bulk."""
    states = [State.ACTIVE, State.FAILED, State.IMPAIRED, State.CREATING, State.REQUESTED]
    regions = ["us-east-1", "us-west-2", "eu-west-1"]
    organizations = [
        Organization(
            account=account,
            region=regions[n % 3],
            alias=f"bulk{count}-{account.pk}x{n}",
            state=states[n % len(states)],
            state_changed_at=ago(minutes=n % 120),
            error_message="broken" if states[n % len(states)] == State.FAILED else "",
        )
        for n in range(count)
    ]
    Organization.objects.bulk_create(organizations)
    LifecycleEvent.objects.bulk_create(
        LifecycleEvent(
            organization=organization,
            account=account,
            region=organization.region,
            from_state=State.CREATING if step else "",
            to_state=organization.state,
            at=ago(minutes=step * 7),
            from_state_seconds=step or None,
            reason="seeded",
        )
        for organization in organizations
        for step in range(3)
    )


@pytest.mark.parametrize("role", [Role.OPS, "superuser"])
def test_the_query_count_does_not_grow_with_the_organizations(
    admin: Membership, ops: Membership, role: str
) -> None:
    if role == "superuser":
        viewer = MembershipFactory(role=Role.ADMIN, user__is_staff=True, user__is_superuser=True)
    else:
        viewer = ops
    client = signed_in(viewer)
    heartbeat(ProcessKind.WORKER, 1, seen_ago=1, concurrency=2)

    def measure(request) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code in (200, 204)
        return len(queries)

    def counts() -> list[int]:
        measured = [
            measure(lambda: client.get(DASHBOARD)),
            measure(lambda: live(client)),
            measure(lambda: live(client, state="Failed", region="us-east-1")),
        ]
        # The version the page shows now, read just before asking with it: it counts the minute
        # and the queue, which may move while the requests above run (a flake seen in CI).
        version = version_of(live(client).content.decode())
        return [*measured, measure(lambda: live(client, version))]

    seed(admin.account, 10)
    small = counts()
    seed(admin.account, 2000)
    assert counts() == small
    assert small[-1] < small[1]  # nothing new: the version's few queries, no render
