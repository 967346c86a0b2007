"""Organization.lock holds the organization's row for its check-then-writes without stopping
the rows that only refer to it: FOR NO KEY UPDATE, not FOR UPDATE (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from organizations.models import LifecycleEvent, Organization
from tests.conftest import require
from tests.factories import active_organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_locked_organization_still_takes_rows_that_refer_to_it() -> None:
    require(None if connection.vendor == "postgresql" else "row locks need PostgreSQL")
    organization = active_organization()
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Organization.objects.get(pk=organization.pk).lock()
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # FOR UPDATE would make this wait
            LifecycleEvent.objects.create(
                organization=organization, account_id=organization.account_id,
                region=organization.region, to_state=organization.state, reason="meanwhile",
            )  # fmt: skip
    finally:
        release.set()
        holder.join()
    assert LifecycleEvent.objects.filter(reason="meanwhile").count() == 1
