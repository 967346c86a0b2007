"""The sweeps, read back from the real broker: exactly the organizations whose step is overdue are
re-enqueued, in every working state, exactly the registrations In progress too long are re-sent,
and a starting worker asks for each sweep now and once more when every step in flight at its start
is due."""

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import pytest
import redis
from django.utils import timezone

from directories.tasks import sweep_directories_when_a_worker_starts
from organizations.lifecycle import WORKING, State
from organizations.tasks import sweep_stuck_organizations, sweep_when_a_worker_starts
from route53.models import DomainRegistration, RegistrationStatus
from route53.tasks import sweep_registrations_when_a_worker_starts, sweep_stuck_registrations
from tests.conftest import require
from tests.factories import AccountFactory, OrganizationFactory
from tests.processes import forget_queue
from workmail_console.celery import app as celery_app

pytestmark = pytest.mark.django_db

ADVANCE = "organizations.tasks.advance_organization"
COMPLETE = "route53.tasks.complete_registration"
STUCK_AFTER = 60
SETTLED = sorted(set(State) - WORKING)


class Sent(NamedTuple):
    task: str
    args: list[Any]
    eta: str | None


@pytest.fixture
def sent(services_problem, settings) -> Iterator[Callable[[], list[Sent]]]:
    """What reached the broker in this test, on a queue of its own that no worker reads."""
    require(services_problem)
    url = settings.CELERY_BROKER_URL
    require(None if url.startswith("redis://") else "this test reads messages back from Redis")
    queue = f"sweep-test-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(url)
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    settings.WORKMAIL_STUCK_AFTER = STUCK_AFTER

    def read() -> list[Sent]:
        messages = [json.loads(raw) for raw in reversed(client.lrange(queue, 0, -1))]
        return [
            Sent(
                m["headers"]["task"],
                json.loads(base64.b64decode(m["body"]))[0],
                m["headers"]["eta"],
            )
            for m in messages
        ]

    try:
        yield read
    finally:
        celery_app.conf.task_default_queue = previous
        client.close()
        forget_queue(url, queue)


def ago(seconds: float) -> datetime:
    return timezone.now() - timedelta(seconds=seconds)


@pytest.mark.parametrize("state", sorted(WORKING))
def test_an_organization_working_longer_than_the_threshold_is_re_enqueued(state, sent):
    stuck = OrganizationFactory(state=state, state_changed_at=ago(STUCK_AFTER + 5))
    assert sweep_stuck_organizations() == [(stuck.pk, state)]
    assert sent() == [Sent(ADVANCE, [stuck.pk, state], None)]


@pytest.mark.parametrize("state", sorted(WORKING))
def test_an_organization_working_for_less_than_the_threshold_is_left_alone(state, sent):
    OrganizationFactory(state=state, state_changed_at=ago(STUCK_AFTER - 5))
    assert sweep_stuck_organizations() == []
    assert sent() == []


@pytest.mark.parametrize("state", SETTLED)
def test_an_organization_in_a_settled_state_is_never_re_enqueued(state, sent):
    OrganizationFactory(state=state, state_changed_at=ago(10 * STUCK_AFTER))
    assert sweep_stuck_organizations() == []
    assert sent() == []


def test_a_sweep_with_a_shorter_threshold_re_enqueues_what_is_older_than_it(sent):
    due = OrganizationFactory(state=State.CREATING, state_changed_at=ago(6))
    OrganizationFactory(state=State.CREATING, state_changed_at=ago(4))
    assert sweep_stuck_organizations(5) == [(due.pk, State.CREATING)]
    assert sent() == [Sent(ADVANCE, [due.pk, State.CREATING], None)]


def test_only_registrations_in_progress_longer_than_the_threshold_are_re_sent(sent):
    account = AccountFactory()

    def registration(name: str, age: float, status: str) -> DomainRegistration:
        return DomainRegistration.objects.create(
            account=account, name=name, created=ago(age), status=status
        )

    stuck = registration("stuck.com", STUCK_AFTER + 5, RegistrationStatus.IN_PROGRESS)
    registration("fresh.com", STUCK_AFTER - 5, RegistrationStatus.IN_PROGRESS)
    registration("done.com", 10 * STUCK_AFTER, RegistrationStatus.SUCCESSFUL)
    assert sweep_stuck_registrations() == [stuck.pk]
    assert sent() == [Sent(COMPLETE, [stuck.pk], None)]


START_SWEEPS = {
    "organizations.tasks.sweep_stuck_organizations": sweep_when_a_worker_starts,
    "directories.tasks.sweep_stuck_directories": sweep_directories_when_a_worker_starts,
    "route53.tasks.sweep_stuck_registrations": sweep_registrations_when_a_worker_starts,
}


@pytest.mark.parametrize(("sweep", "hook"), START_SWEEPS.items(), ids=START_SWEEPS.keys())
def test_a_starting_worker_asks_for_a_sweep_now_and_when_steps_in_flight_are_due(
    sent, settings, sweep, hook
):
    settings.WORKMAIL_STAGE_DELAY = 3
    hook()
    due_after = 3 + 2.0  # the stage delay and the margin a healthy message may take
    assert [(m.task, m.args, m.eta is None) for m in sent()] == [
        (sweep, [due_after], True),
        (sweep, [due_after], False),
    ]
