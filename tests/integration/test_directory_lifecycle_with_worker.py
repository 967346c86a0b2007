"""The directory lifecycle driven by a real `celery worker` process, real broker and database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from directories import services
from directories.lifecycle import Stage
from directories.models import Directory
from tests.factories import DirectoryFactory
from tests.waiting import wait_for
from workmail_console.tasks import advance, sweep_stuck

pytestmark = pytest.mark.django_db(transaction=True)

CREATED = [("", "Requested"), ("Requested", "Creating"), ("Creating", "Active")]
SIMPLE_AD = {
    "size": "Small",
    "name": "corp.example.com",
    "short_name": "",
    "admin_password": "Str0ng-Passw0rd",
    "applications": [],
}


def reaches(directory: Directory, stage: str, timeout: float = 20) -> Directory:
    def probe() -> Directory | None:
        fresh = Directory.objects.get(pk=directory.pk)
        return fresh if fresh.stage == stage else None

    probe.__doc__ = f"{directory.directory_id} to reach {stage}"
    return wait_for(probe, timeout=timeout)


def history(directory: Directory) -> list[tuple[str, str]]:
    return list(directory.events.order_by("at", "pk").values_list("from_state", "to_state"))


def test_a_directory_set_up_goes_to_active_with_its_events_in_order(celery_worker, admin):
    directory = services.set_up_directory(
        account=admin.account, region="us-west-2", kind="SimpleAD", **SIMPLE_AD
    )
    assert directory.stage == Stage.REQUESTED
    reaches(directory, "Active")
    assert history(directory) == CREATED
    assert "workmail_console.tasks.advance" in celery_worker.log.read_text()  # it logs
    assert SIMPLE_AD["admin_password"] not in celery_worker.log.read_text()


def test_a_message_delivered_twice_makes_one_move_each(celery_worker, admin):
    directory = DirectoryFactory(account=admin.account, stage=Stage.REQUESTED)  # no message sent
    for _ in range(2):
        advance.delay("directory", directory.pk, "Requested")
    reaches(directory, "Active")
    assert history(directory) == CREATED


def test_a_late_message_changes_nothing(celery_worker, admin):
    directory = DirectoryFactory(account=admin.account, stage=Stage.REQUESTED)
    advance.delay("directory", directory.pk, "Requested")
    reaches(directory, "Active")
    advance.delay("directory", directory.pk, "Creating")
    advance.delay("directory", directory.pk, "Requested")
    # A marker message sent after them: once it is done, so are they (one queue, in order).
    marker = DirectoryFactory(account=admin.account, stage=Stage.REQUESTED)
    advance.delay("directory", marker.pk, "Requested")
    reaches(marker, "Active")
    assert history(directory) == CREATED


def test_outage_recover_and_delete_tell_the_story_in_order(celery_worker, admin):
    directory = services.set_up_directory(
        account=admin.account, region="us-east-1", kind="SimpleAD", **SIMPLE_AD
    )
    reaches(directory, "Active")
    where = {"account": admin.account, "region": "us-east-1"}
    where["directory_id"] = directory.directory_id
    services.simulate_outage(**where)
    services.recover(**where)
    services.request_directory_deletion(**where)
    reaches(directory, "Deleted")
    assert history(directory) == [
        *CREATED,
        ("Active", "Inoperable"),
        ("Inoperable", "Active"),
        ("Active", "Deleting"),
        ("Deleting", "Deleted"),
    ]
    reasons = list(directory.events.order_by("at", "pk").values_list("reason", flat=True))
    assert reasons[3].startswith("Outage simulated")
    assert reasons[4] == "Recovered from the outage"


def test_a_directory_whose_message_was_lost_is_picked_up_by_the_sweep(
    celery_worker, celery_beat, admin
):
    lost = DirectoryFactory(
        account=admin.account,
        stage=Stage.CREATING,
        stage_changed_at=timezone.now() - timedelta(seconds=30),
    )
    reaches(lost, "Active", timeout=30)
    assert history(lost)[-1] == ("Creating", "Active")
    sent = "Sending due task sweep-stuck (workmail_console.tasks.sweep_stuck)"
    wait_for(lambda: sent in celery_beat.log.read_text())


def test_the_sweep_sends_only_directories_stuck_in_a_working_stage(admin, published_tasks):
    long_ago = timezone.now() - timedelta(minutes=5)
    stuck = [
        DirectoryFactory(account=admin.account, stage=stage, stage_changed_at=long_ago)
        for stage in (Stage.REQUESTED, Stage.CREATING, Stage.DELETING)
    ]
    DirectoryFactory(account=admin.account, stage=Stage.CREATING)  # just arrived there
    DirectoryFactory(account=admin.account, stage_changed_at=long_ago)  # Active: not working
    sent = sweep_stuck(older_than=60)
    expected = [("directory", str(d.pk), str(d.stage)) for d in stuck]
    assert sorted(sent) == sorted(expected)
    advances = [args for name, args in published_tasks if name.endswith(".advance")]
    assert sorted(advances) == sorted(map(list, expected))
