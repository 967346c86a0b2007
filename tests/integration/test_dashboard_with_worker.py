"""The dashboard against a real worker: its transitions arrive in the feed, and the workers tile
notices a worker killed without warning (its heartbeats stop) and one started again."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from organizations import services
from tests.conftest import signed_in
from tests.html import text, texts
from tests.processes import CeleryProcess
from tests.waiting import wait_for
from workmail_console.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)
DASHBOARD = reverse("ops:dashboard")


def dashboard(client: Client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_organizations_transitions_appear_in_the_feed(celery_worker, ops, admin) -> None:
    client = signed_in(ops)
    organization = services.create_organization(
        account=admin.account, region="eu-west-1", alias="fed"
    )

    def feed_complete() -> list[str] | None:
        """the feed to show fed's four transitions"""
        rows = [row for row in texts(dashboard(client), "event") if "fed" in row]
        return rows if len(rows) == 4 else None

    rows = wait_for(feed_complete)
    assert "Validating → Active" in rows[0] and "Requested" in rows[-1]
    assert organization.organization_id in rows[0]
    assert text(dashboard(client), "count-Active-eu-west-1") == "1"


@pytest.mark.slow
def test_the_workers_tile_reads_no_workers_running_within_30_s_of_a_kill(
    celery_worker: CeleryProcess, process_env, ops: Membership, tmp_path
) -> None:
    """With the default heartbeat settings: a SIGKILLed worker writes nothing on its way out."""
    client = signed_in(ops)
    env = process_env()
    for setting in ("WORKMAIL_HEARTBEAT_INTERVAL", "WORKMAIL_HEARTBEAT_TIMEOUT"):
        env.pop(setting, None)

    def no_workers() -> bool:
        """the tile to read No workers running"""
        return "No workers running" in " ".join(texts(dashboard(client), "no-workers"))

    with celery_worker.stopped():
        wait_for(no_workers, timeout=30, interval=0.5)  # a worker an earlier test killed, too
        worker = CeleryProcess.worker(env, tmp_path / "worker.log", name="watched")
        worker.start()
        try:

            def listed() -> list[str]:
                """the started worker to be listed"""
                return [row for row in texts(dashboard(client), "worker") if str(worker.pid) in row]

            [row] = wait_for(listed, timeout=15)
            assert "watched-" in row
            assert texts(dashboard(client), "no-workers") == []
            killed_at = time.monotonic()
            worker.kill()

            wait_for(no_workers, timeout=30, interval=0.5)
            assert time.monotonic() - killed_at <= 30
        finally:
            worker.stop()
        again = CeleryProcess.worker(env, tmp_path / "again.log", name="again")
        with again:
            wait_for(lambda: any(str(again.pid) in r for r in texts(dashboard(client), "worker")))
            assert texts(dashboard(client), "no-workers") == []
