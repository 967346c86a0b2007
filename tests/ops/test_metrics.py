"""/metrics: what Prometheus reads matches the database, and only staff or the token may read it.

Every expected figure is counted here, row by row in Python, not by the collector's queries.
"""

import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from ops.models import Heartbeat, ProcessKind
from ops.queue import queue_depth
from organizations.lifecycle import LIFECYCLE, State
from organizations.models import LifecycleEvent, Organization
from tests.conftest import signed_in
from tests.factories import AccountFactory, OrganizationFactory, UserFactory
from workmail_console.models import Membership
from workmail_console.regions import REGIONS

TOKEN = "s3cret-scrape-token-0123456789"
BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, float("inf")]


@pytest.fixture(autouse=True)
def _token(settings) -> None:
    settings.WORKMAIL_METRICS_TOKEN = TOKEN


def scraper() -> Client:
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def scrape(client: Client | None = None) -> dict[str, Metric]:
    response = (client or scraper()).get("/metrics")
    assert response.status_code == 200, response.content
    return {
        family.name: family for family in text_string_to_metric_families(response.content.decode())
    }


def samples(family: Metric, name: str | None = None) -> dict[tuple, float]:
    """{label values, in label-name order: value} of the family's samples called `name`."""
    return {
        tuple(value for _, value in sorted(sample.labels.items())): sample.value
        for sample in family.samples
        if sample.name == (name or family.name)
    }


def move(organization: Organization, *steps: tuple[State, float | None]) -> None:
    """Lifecycle events for `organization` leaving its state after each step's seconds."""
    source = State(organization.state)
    for target, seconds in steps:
        LifecycleEvent.objects.create(
            organization=organization, account_id=organization.account_id,
            region=organization.region, from_state=source, to_state=target,
            from_state_seconds=seconds, reason="test",
        )  # fmt: skip
        source = target
    Organization.objects.filter(pk=organization.pk).update(state=source)
    organization.state = source


@pytest.fixture
def seeded(db) -> None:
    """Two accounts, three Regions, most states, and transitions with known times."""
    accounts = [AccountFactory(), AccountFactory()]
    regions = list(REGIONS)
    for i in range(12):
        organization = OrganizationFactory(account=accounts[i % 2], region=regions[i % 3])
        if i % 4 == 0:
            continue  # still Requested
        move(organization, (State.CREATING, 0.25 + i))  # 1.25 to 11.25 s in Requested
        if i % 4 == 1:
            continue  # still Creating
        if i == 2:
            move(organization, (State.FAILED, 2.5))  # exactly on a bucket bound
            continue
        move(organization, (State.VALIDATING, 1.0), (State.ACTIVE, 30.0 * i))
        if i == 3:
            move(organization, (State.IMPAIRED, 5000.0))  # Active is no working state
        if i == 7:
            move(organization, (State.DELETING, 4000.0), (State.DELETED, 0.5))
    # Two hours in Requested: above the last bound, so counted in +Inf alone.
    move(OrganizationFactory(account=accounts[0], region=regions[0]), (State.CREATING, 7200.0))
    # An event written before events carried their time: no observation.
    move(OrganizationFactory(account=accounts[1], region=regions[2]), (State.CREATING, None))


def test_organizations_are_counted_per_region_and_state_with_zeros_kept(seeded) -> None:
    family = scrape()["workmail_organizations"]
    assert family.type == "gauge"
    expected = {
        (region, state.value): Organization.objects.filter(region=region, state=state).count()
        for region in REGIONS
        for state in State
    }
    assert samples(family) == expected
    assert 0 in expected.values()  # a state nobody is in still has its series
    assert sum(samples(family).values()) == Organization.objects.count() == 14


def test_transitions_are_counted_from_the_events_and_a_first_event_comes_from_none(seeded) -> None:
    family = scrape()["workmail_lifecycle_transitions"]
    assert family.type == "counter"
    counted = Counter(
        (event.from_state or "none", event.to_state) for event in LifecycleEvent.objects.all()
    )
    got = samples(family, "workmail_lifecycle_transitions_total")
    assert {key: n for key, n in got.items() if n} == counted
    assert got["none", "Requested"] == 14
    # Allowed transitions that never happened are there too, at 0, so rate() sees the first one.
    assert got["Impaired", "Active"] == 0


def test_time_in_each_working_state_is_a_cumulative_histogram(seeded) -> None:
    family = scrape()["workmail_state_seconds"]
    assert family.type == "histogram"
    buckets = samples(family, "workmail_state_seconds_bucket")
    sums = samples(family, "workmail_state_seconds_sum")
    counts = samples(family, "workmail_state_seconds_count")
    assert {state for (state,) in counts} == {state.value for state in LIFECYCLE.working}
    for state in LIFECYCLE.working:
        observed = [
            event.from_state_seconds
            for event in LifecycleEvent.objects.filter(from_state=state)
            if event.from_state_seconds is not None
        ]
        for bound in BUCKETS:
            label = "+Inf" if bound == float("inf") else str(float(bound))
            assert buckets[label, state] == sum(1 for s in observed if s <= bound), (state, label)
        assert counts[(state,)] == len(observed) == buckets["+Inf", state]
        assert sums[(state,)] == pytest.approx(sum(observed))
    # Worked out by hand from the seed, observations on a bound included: not all zeros above.
    assert (buckets["5.0", "Requested"], buckets["3600.0", "Requested"]) == (3, 9)
    assert (buckets["+Inf", "Requested"], counts[("Requested",)]) == (10, 10)
    assert (buckets["1.0", "Creating"], buckets["2.5", "Creating"]) == (5, 6)
    assert (buckets["120.0", "Validating"], buckets["300.0", "Validating"]) == (1, 4)
    assert (buckets["0.5", "Deleting"], counts[("Deleting",)]) == (1, 1)


def test_workers_counts_only_workers_heard_from_within_the_timeout(db) -> None:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.WORKMAIL_HEARTBEAT_TIMEOUT + 5)
    for pid, kind, last_seen in [
        (1, ProcessKind.WORKER, now),
        (2, ProcessKind.WORKER, now - timedelta(seconds=2)),
        (3, ProcessKind.WORKER, stale),
        (4, ProcessKind.BEAT, now),
    ]:
        Heartbeat.objects.create(kind=kind, hostname="celery@host", pid=pid, last_seen=last_seen)
    assert samples(scrape()["workmail_workers"]) == {(): 2}


def test_queue_messages_is_what_the_broker_says_and_left_out_when_it_cannot_say(db) -> None:
    families = scrape()
    depth = queue_depth()
    queued = samples(families["workmail_queue_messages"])
    up = samples(families["workmail_broker_up"])
    if depth is None:  # the broker could not be asked: no sample at all, never a false 0
        assert (queued, up) == ({}, {(): 0})
    else:
        assert (queued, up) == ({(): depth}, {(): 1})


def test_an_empty_database_still_gives_every_series(db) -> None:
    families = scrape()
    assert set(samples(families["workmail_organizations"]).values()) == {0}
    assert len(samples(families["workmail_organizations"])) == len(REGIONS) * len(State)
    counts = samples(families["workmail_state_seconds"], "workmail_state_seconds_count")
    assert counts == {(state.value,): 0 for state in LIFECYCLE.working}


def test_the_query_count_does_not_grow_with_organizations_and_events(db) -> None:
    def queries_for_a_scrape() -> int:
        with CaptureQueriesContext(connection) as queries:
            scrape()
        return len(queries)

    def seed(n: int) -> None:
        for organization in OrganizationFactory.create_batch(n):
            move(organization, (State.CREATING, 1.5), (State.VALIDATING, 3.0))

    seed(10)
    few = queries_for_a_scrape()
    seed(190)
    assert queries_for_a_scrape() == few <= 5


# --- Who may read it -----------------------------------------------------------------------------


def test_a_request_without_credentials_gets_401_with_the_bearer_challenge(db) -> None:
    response = Client().get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="WorkMail Console"'
    assert "workmail_organizations" not in response.content.decode()


def test_a_wrong_token_gets_403(db) -> None:
    for header in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer ", "bearer nope"):
        response = Client(headers={"Authorization": header}).get("/metrics")
        assert response.status_code == 403, header
        assert "workmail_organizations" not in response.content.decode()


def test_an_empty_configured_token_refuses_every_bearer(db, settings) -> None:
    settings.WORKMAIL_METRICS_TOKEN = ""
    for header in ("Bearer ", "Bearer", f"Bearer {TOKEN}", 'Bearer ""'):
        response = Client(headers={"Authorization": header}).get("/metrics")
        assert response.status_code == 403, header


def test_the_right_token_gets_200_in_the_prometheus_format(db) -> None:
    response = scraper().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]
    assert "python_gc_objects_collected_total" not in response.content.decode()  # own registry


def test_an_ops_member_gets_403_not_a_redirect(ops: Membership) -> None:
    assert signed_in(ops).get("/metrics").status_code == 403


def test_a_signed_in_staff_user_gets_200(db) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_only_get_is_allowed(db) -> None:
    assert scraper().post("/metrics").status_code == 405


def test_the_token_is_never_logged(db, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    Client(headers={"Authorization": f"Bearer {TOKEN}-wrong"}).get("/metrics")
    scraper().get("/metrics")
    assert TOKEN not in caplog.text
