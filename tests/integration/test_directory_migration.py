"""Migration 0002 keeps what existing directories meant: their stage, and a history from then."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("directories", "0001_initial")]
AFTER = [("directories", "0002_lifecycle_kinds_and_events")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_directories_keep_their_stage_and_get_a_first_event() -> None:
    account = AccountFactory()
    newest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    Directory = old.get_model("directories", "Directory")
    made = timezone.now() - timedelta(days=3)
    for directory_id, stage in [("d-000000000a", "Active"), ("d-000000000b", "Inoperable"),
                                ("d-000000000c", "Deleted")]:  # fmt: skip
        Directory.objects.create(
            directory_id=directory_id, account_id=account.pk, region="us-east-1",
            alias=f"org-{stage.lower()}", directory_type="VpcDirectory", stage=stage,
            idempotency_key=f"m-{directory_id}",
        )  # fmt: skip
    Directory.objects.update(created=made)
    try:
        new = migrate(AFTER)
        Directory = new.get_model("directories", "Directory")
        rows = Directory.objects.order_by("directory_id")
        assert [(d.stage, d.stage_changed_at) for d in rows] == [
            ("Active", made),
            ("Inoperable", made),
            ("Deleted", made),
        ]
        assert [d.alias for d in rows] == ["org-active", "org-inoperable", "org-deleted"]
        events = new.get_model("directories", "DirectoryEvent").objects.order_by("directory_id")
        assert [(e.from_stage, e.to_stage, e.at) for e in events] == [
            ("", "Active", made),
            ("", "Inoperable", made),
            ("", "Deleted", made),
        ]
    finally:
        migrate(newest)  # whatever happened, leave the schema as the other tests expect
