"""A key's life after Create key: every state change announced once committed (the organizations'
health check listens), and the end of the waiting period carried out by beat and a worker."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keys import services
from keys.models import Key, KeyAlias, KeyState
from keys.signals import key_changed
from keys.tasks import delete_due_keys
from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import require
from tests.factories import KeyFactory, OrganizationFactory
from tests.html import texts
from tests.processes import CeleryProcess
from tests.waiting import wait_for


@pytest.fixture
def announced() -> Iterator[list[tuple[type, Key, str]]]:
    """(sender, key, its state when announced) for each key_changed sent during the test."""
    heard: list[tuple[type, Key, str]] = []

    def listen(sender: type, key: Key, **kwargs: object) -> None:
        heard.append((sender, key, key.key_state))

    key_changed.connect(listen)
    yield heard
    key_changed.disconnect(listen)


def past(days: float = 0, seconds: float = 1) -> datetime:
    return timezone.now() - timedelta(days=days, seconds=seconds)


ACTIONS: list[tuple[str, KeyState, Callable[[Key], object], KeyState]] = [
    ("disable", KeyState.ENABLED, services.disable_key, KeyState.DISABLED),
    ("enable", KeyState.DISABLED, services.enable_key, KeyState.ENABLED),
    ("schedule", KeyState.ENABLED, services.schedule_key_deletion, KeyState.PENDING_DELETION),
    ("cancel", KeyState.PENDING_DELETION, services.cancel_key_deletion, KeyState.DISABLED),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "before", "act", "after"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_state_change_is_announced_once_committed(announced, name, before, act, after) -> None:
    key = KeyFactory(key_state=before)
    with transaction.atomic():
        act(key)
        assert announced == []  # not before the commit: a listener reads the committed row
    assert [(sender, heard.pk, state) for sender, heard, state in announced] == [
        (Key, key.pk, after)
    ]
    assert Key.objects.get(pk=key.pk).key_state == after


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "before", "act", "after"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_rolled_back_change_is_not_announced(announced, name, before, act, after) -> None:
    key = KeyFactory(key_state=before)
    with pytest.raises(RuntimeError), transaction.atomic():
        act(key)
        raise RuntimeError("the rest of the request failed")
    assert announced == []
    assert Key.objects.get(pk=key.pk).key_state == before


@pytest.mark.django_db(transaction=True)
def test_asking_for_the_state_a_key_is_in_announces_nothing(announced) -> None:
    services.disable_key(KeyFactory(key_state=KeyState.DISABLED))
    services.enable_key(KeyFactory(key_state=KeyState.ENABLED))
    assert announced == []


@pytest.mark.django_db(transaction=True)
def test_the_end_of_a_waiting_period_is_announced(announced) -> None:
    key = KeyFactory(key_state=KeyState.PENDING_DELETION, deletion_date=past())
    assert services.delete_due_keys() == 1
    assert [(heard.pk, heard.deleted) for _, heard, _ in announced] == [(key.pk, True)]


# --- delete_due_keys -----------------------------------------------------------------------------


def test_a_key_past_its_deletion_date_is_deleted_with_its_aliases(db) -> None:
    due = KeyFactory(key_state=KeyState.PENDING_DELETION, deletion_date=past(), alias="alias/old")
    waiting = KeyFactory(
        account=due.account, key_state=KeyState.PENDING_DELETION,
        deletion_date=timezone.now() + timedelta(minutes=5), alias="alias/waiting",
    )  # fmt: skip
    canceled = KeyFactory(account=due.account, key_state=KeyState.DISABLED, deletion_date=None)
    assert services.delete_due_keys() == 1
    assert Key.objects.filter(key_state=KeyState.DELETED).get() == due
    assert list(KeyAlias.objects.values_list("name", flat=True)) == ["alias/waiting"]
    # The name is free again in the account and Region, as in KMS.
    services.create_alias(canceled, "alias/old")
    assert services.delete_due_keys() == 0
    assert not Key.objects.get(pk=waiting.pk).deleted


def test_a_deleted_key_stays_for_the_organizations_that_used_it(db) -> None:
    key = KeyFactory(key_state=KeyState.PENDING_DELETION, deletion_date=past())
    organization = OrganizationFactory(account=key.account, state=State.ACTIVE, encryption_key=key)
    services.delete_due_keys()
    organization = Organization.objects.select_related("encryption_key").get(pk=organization.pk)
    assert organization.encryption_key.key_id == key.key_id
    assert services.key_problem(organization.encryption_key, region=key.region) == (
        f"The KMS key {key.arn} does not exist."
    )
    assert services.list_keys(account=key.account, region=key.region) == ([], [])


def test_due_keys_are_deleted_one_update_per_batch(db) -> None:
    for _ in range(5):
        KeyFactory(key_state=KeyState.PENDING_DELETION, deletion_date=past())
    with CaptureQueriesContext(connection) as queries:
        assert services.delete_due_keys(batch=2) == 5
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "keys_key"')]
    assert len(updates) == 3
    assert Key.objects.filter(key_state=KeyState.DELETED).count() == 5


def test_the_task_deletes_the_due_keys(db) -> None:
    KeyFactory(key_state=KeyState.PENDING_DELETION, deletion_date=past())
    assert delete_due_keys() == 1


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_delete_a_key_once_its_waiting_period_is_over(
    celery_worker, process_env, services_problem, tmp_path: Path
) -> None:
    require(services_problem)
    key = KeyFactory(key_state=KeyState.PENDING_DELETION, deletion_date=past(), alias="alias/x")
    env = process_env(WORKMAIL_KEY_DELETION_INTERVAL="1")
    with CeleryProcess.beat(env, tmp_path / "beat.log", tmp_path / "schedule"):
        wait_for(lambda: Key.objects.get(pk=key.pk).deleted, timeout=30)
    assert not KeyAlias.objects.filter(key=key).exists()


# --- History -------------------------------------------------------------------------------------


def history_of(key: Key) -> list[tuple[str, str, str]]:
    return list(key.events.values_list("from_state", "to_state", "reason"))


def test_every_state_change_of_a_key_is_in_its_history(db, admin) -> None:
    key = services.create_key(account=admin.account, region="us-east-1")
    Key.objects.filter(pk=key.pk).update(key_state_changed_at=past(seconds=30))
    services.disable_key(key)
    services.disable_key(key)  # already Disabled: nothing happens, nothing is written
    services.enable_key(key)
    services.schedule_key_deletion(key, 7)
    services.cancel_key_deletion(key)
    services.schedule_key_deletion(key, 7)
    Key.objects.filter(pk=key.pk).update(deletion_date=past())
    services.delete_due_keys()
    assert [(source, target) for source, target, _ in history_of(key)] == [
        ("", KeyState.ENABLED),
        (KeyState.ENABLED, KeyState.DISABLED),
        (KeyState.DISABLED, KeyState.ENABLED),
        (KeyState.ENABLED, KeyState.PENDING_DELETION),
        (KeyState.PENDING_DELETION, KeyState.DISABLED),
        (KeyState.DISABLED, KeyState.PENDING_DELETION),
        (KeyState.PENDING_DELETION, KeyState.DELETED),
    ]
    reasons = [reason for _, _, reason in history_of(key)]
    assert reasons[1] == "Disabled (DisableKey)" and "7 days" in reasons[3]
    assert reasons[-1] == "Deleted: the waiting period ended"
    events = list(key.events.all())
    assert {(event.account_id, event.region) for event in events} == {
        (admin.account.pk, "us-east-1")
    }
    assert events[1].from_state_seconds >= 30  # how long it had been Enabled
    assert all(event.from_state_seconds is not None for event in events[1:])


def test_the_managed_key_starts_its_history_when_made(db, admin) -> None:
    key = services.workmail_managed_key(account_id=admin.account.pk, region="eu-west-1")
    assert history_of(key) == [("", KeyState.ENABLED, "Created for Amazon WorkMail")]


def test_the_key_page_shows_its_history(admin_client, admin) -> None:
    key = services.create_key(account=admin.account, region="us-east-1", alias_name="alias/hist")
    services.disable_key(key)
    html = admin_client.get(key.get_absolute_url()).content.decode()
    rows = texts(html, "event")
    assert len(rows) == 2
    assert "Created (CreateKey)" in rows[0] and "Disabled (DisableKey)" in rows[1]
    assert "Enabled" in rows[1] and "so far" in rows[1]  # the state it left, and Disabled's clock
    assert "Time in each key state" in html
