"""`/metrics` in the Prometheus text format, for the monitoring ops already runs.

Every figure is read from the database when Prometheus scrapes, by one collector on a registry of
its own (no process or GC series): each gunicorn process answers alike, and nothing is lost when a
process restarts. A constant number of queries, however many organizations and events exist.
"""

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.utils import floatToGoString

from ops.heartbeats import live_workers
from ops.queue import queue_depth
from organizations.lifecycle import LIFECYCLE, State
from organizations.models import LifecycleEvent, StateCount
from workmail_console.regions import REGIONS

# Upper bounds (seconds) of workmail_state_seconds' buckets: from a zero-delay test run's
# sub-second stages to an hour stuck in a working state. +Inf is added after them.
STATE_SECONDS_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
NO_STATE = "none"  # the from_state label of an organization's first event


class DatabaseCollector:
    """The console's series, computed from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        yield _organizations()
        yield _transitions()
        yield _state_seconds()
        yield from _queue()
        workers = GaugeMetricFamily(
            "workmail_workers", "Celery workers heard from within the heartbeat timeout."
        )
        workers.add_metric([], live_workers().count())
        yield workers


def _organizations() -> GaugeMetricFamily:
    counts = dict.fromkeys(((region, state.value) for region in REGIONS for state in State), 0)
    # The trigger-kept counts: a few rows per account, not a scan of the organizations.
    rows = StateCount.objects.order_by().values_list("region", "state").annotate(n=Sum("count"))
    for region, state, n in rows:
        counts[region, state] = n
    family = GaugeMetricFamily(
        "workmail_organizations",
        "Organizations in each Region and lifecycle state.",
        labels=["region", "state"],
    )
    for labels, n in counts.items():
        family.add_metric(labels, n)
    return family


def _transitions() -> CounterMetricFamily:
    # Every allowed transition is there from the start, so rate() sees its first increase.
    allowed = [(NO_STATE, State.REQUESTED.value)] + [
        (source.value, target.value)
        for source, info in LIFECYCLE.table.items()
        for target in sorted(info.leaves_to)
    ]
    counts = dict.fromkeys(allowed, 0)
    rows = (
        LifecycleEvent.objects.order_by()
        .values_list("from_state", "to_state")
        .annotate(n=Count("*"))
    )
    for source, target, n in rows:
        counts[source or NO_STATE, target] = n
    family = CounterMetricFamily(
        "workmail_lifecycle_transitions",
        "Lifecycle transitions of organizations, by the state left and the state entered.",
        labels=["from_state", "to_state"],
    )
    for labels, n in counts.items():
        family.add_metric(labels, n)
    return family


def _state_seconds() -> HistogramMetricFamily:
    """Time spent in each working state, from the events that left it: one grouped query whose
    conditional counts are the buckets, already cumulative as Prometheus wants them."""
    bounds = {f"le{i}": bound for i, bound in enumerate(STATE_SECONDS_BUCKETS)}
    rows = (
        LifecycleEvent.objects.order_by()
        .filter(from_state__in=LIFECYCLE.working, from_state_seconds__isnull=False)
        .values("from_state")
        .annotate(
            **{key: Count("pk", filter=Q(from_state_seconds__lte=b)) for key, b in bounds.items()},
            total=Count("pk"),
            seconds=Sum("from_state_seconds"),
        )
    )
    by_state = {row["from_state"]: row for row in rows}
    family = HistogramMetricFamily(
        "workmail_state_seconds",
        "Seconds organizations spent in a working state, observed when they left it.",
        labels=["state"],
    )
    for state in sorted(LIFECYCLE.working):
        row = by_state.get(state, {})
        buckets = [(floatToGoString(b), row.get(key, 0)) for key, b in bounds.items()]
        buckets.append(("+Inf", row.get("total", 0)))
        family.add_metric([state.value], buckets, row.get("seconds") or 0.0)
    return family


def _queue() -> Iterator[GaugeMetricFamily]:
    depth = queue_depth()
    up = GaugeMetricFamily("workmail_broker_up", "1 if the broker answered how many messages wait.")
    up.add_metric([], 0 if depth is None else 1)
    yield up
    messages = GaugeMetricFamily(
        "workmail_queue_messages", "Messages waiting in the broker's queue for a worker."
    )
    if depth is not None:  # an unknown depth is no sample, never a false 0
        messages.add_metric([], depth)
    yield messages


REGISTRY = CollectorRegistry()
REGISTRY.register(DatabaseCollector())

UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="WorkMail Console"'}


def _bearer_token(request: HttpRequest) -> str | None:
    """The token of an `Authorization: Bearer …` header; None when there is no such header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _token_matches(token: str) -> bool:
    expected = settings.WORKMAIL_METRICS_TOKEN
    # An empty configured token turns bearer access off; it never matches an empty bearer.
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """401 without credentials, 403 with the wrong ones, None when allowed. Never a redirect to
    sign-in: a scraper would not follow it. The token is never logged."""
    if request.user.is_authenticated and request.user.is_staff:
        return None
    token = _bearer_token(request)
    if token is not None:
        if _token_matches(token):
            return None
        return HttpResponse("The bearer token is not valid.", status=403, content_type="text/plain")
    if request.user.is_authenticated:
        return HttpResponse(
            "Only staff can read the metrics.", status=403, content_type="text/plain"
        )
    return HttpResponse(
        "Sign in as staff, or send Authorization: Bearer <WORKMAIL_METRICS_TOKEN>.",
        status=401,
        content_type="text/plain",
        headers=UNAUTHORIZED,
    )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape target: the console's series, for staff or the metrics token."""
    response = _refusal(request) or HttpResponse(
        generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST
    )
    patch_cache_control(response, no_store=True)
    return response
