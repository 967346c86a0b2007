"""The one stuck sweep, read back from the real broker: exactly the resources whose step is overdue
are sent again, in every working state of every lifecycle (organizations, directories,
registrations), and a starting worker asks for the sweep now and once more when every step in
flight at its start is due."""

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import pytest
import redis
from django.utils import timezone

from directories.lifecycle import Stage
from organizations.lifecycle import LIFECYCLE, State
from route53.models import DomainRegistration, RegistrationStatus
from tests.conftest import require
from tests.factories import AccountFactory, DirectoryFactory, OrganizationFactory
from tests.processes import forget_queue
from workmail_console.celery import app as celery_app
from workmail_console.tasks import sweep_stuck, sweep_when_a_worker_starts

pytestmark = pytest.mark.django_db

ADVANCE = "workmail_console.tasks.advance"
STUCK_AFTER = 60
WORKING = sorted(LIFECYCLE.working)
SETTLED = sorted(set(State) - LIFECYCLE.working)


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


@pytest.mark.parametrize("state", WORKING)
def test_an_organization_working_longer_than_the_threshold_is_re_enqueued(state, sent):
    stuck = OrganizationFactory(state=state, state_changed_at=ago(STUCK_AFTER + 5))
    assert sweep_stuck() == [("organization", stuck.pk, state)]
    assert sent() == [Sent(ADVANCE, ["organization", stuck.pk, state], None)]


@pytest.mark.parametrize("state", WORKING)
def test_an_organization_working_for_less_than_the_threshold_is_left_alone(state, sent):
    OrganizationFactory(state=state, state_changed_at=ago(STUCK_AFTER - 5))
    assert sweep_stuck() == []
    assert sent() == []


@pytest.mark.parametrize("state", SETTLED)
def test_an_organization_in_a_settled_state_is_never_re_enqueued(state, sent):
    OrganizationFactory(state=state, state_changed_at=ago(10 * STUCK_AFTER))
    assert sweep_stuck() == []
    assert sent() == []


def test_a_sweep_with_a_shorter_threshold_re_enqueues_what_is_older_than_it(sent):
    due = OrganizationFactory(state=State.CREATING, state_changed_at=ago(6))
    OrganizationFactory(state=State.CREATING, state_changed_at=ago(4))
    assert sweep_stuck(5) == [("organization", due.pk, State.CREATING)]
    assert sent() == [Sent(ADVANCE, ["organization", due.pk, State.CREATING], None)]


def test_only_registrations_in_progress_longer_than_the_threshold_are_re_sent(sent):
    account = AccountFactory()

    def registration(name: str, age: float, status: str) -> DomainRegistration:
        return DomainRegistration.objects.create(
            account=account, name=name, status_changed_at=ago(age), status=status
        )

    stuck = registration("stuck.com", STUCK_AFTER + 5, RegistrationStatus.IN_PROGRESS)
    registration("fresh.com", STUCK_AFTER - 5, RegistrationStatus.IN_PROGRESS)
    registration("done.com", 10 * STUCK_AFTER, RegistrationStatus.SUCCESSFUL)
    assert sweep_stuck() == [("registration", str(stuck.pk), RegistrationStatus.IN_PROGRESS)]
    assert sent() == [Sent(ADVANCE, ["registration", str(stuck.pk), "IN_PROGRESS"], None)]


def test_one_sweep_sends_every_lifecycle_s_stuck_resources(sent):
    organization = OrganizationFactory(state=State.CREATING, state_changed_at=ago(STUCK_AFTER + 5))
    directory = DirectoryFactory(stage=Stage.DELETING, stage_changed_at=ago(STUCK_AFTER + 5))
    expected = [("organization", organization.pk, "Creating")]
    expected.append(("directory", str(directory.pk), "Deleting"))
    assert sorted(sweep_stuck()) == sorted(expected)
    assert len(sent()) == 2


def test_a_starting_worker_asks_for_a_sweep_now_and_when_steps_in_flight_are_due(sent, settings):
    settings.WORKMAIL_STAGE_DELAY = 3
    sweep = "workmail_console.tasks.sweep_stuck"
    sweep_when_a_worker_starts()
    due_after = 3 + 2.0  # the stage delay and the margin a healthy message may take
    assert [(m.task, m.args, m.eta is None) for m in sent()] == [
        (sweep, [due_after], True),
        (sweep, [due_after], False),
    ]
