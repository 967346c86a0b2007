"""The move of KMS keys from organizations/ to keys/: a database with keys and organizations made
before it has, after it, the same keys (IDs, ARNs, aliases, states) and organizations still
pointing at theirs; and it goes back the same way."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.utils import timezone

from keys.models import Key, KeyAlias, KeyState
from keys.services import create_key
from organizations.lifecycle import State
from organizations.models import Organization, StateCount
from tests.factories import OrganizationFactory
from workmail_console.models import Account as CurrentAccount

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("keys", "0001_initial"), ("organizations", "0003_state_counts")]


def migrate(targets: list[tuple[str, str]]) -> StateApps:
    """The database migrated to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_apps() -> Iterator[StateApps]:
    """The models before the move; the database is brought up to date again afterwards."""
    newest = latest()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(newest)


def test_keys_and_the_organizations_using_them_survive_the_move(old_apps: StateApps) -> None:
    Account = old_apps.get_model("workmail_console", "Account")
    EncryptionKey = old_apps.get_model("organizations", "EncryptionKey")
    OldOrganization = old_apps.get_model("organizations", "Organization")
    account = Account.objects.create(account_id="111122223333")
    managed = EncryptionKey.objects.create(
        account=account, region="us-east-1", alias="alias/aws/workmail", key_manager="AWS",
        description="Default key",
    )  # fmt: skip
    leaving = EncryptionKey.objects.create(
        account=account, region="us-east-1", alias="alias/mine", key_manager="CUSTOMER",
        key_state="PendingDeletion", key_spec="RSA_2048",
    )  # fmt: skip
    bare = EncryptionKey.objects.create(account=account, region="eu-west-1", key_manager="CUSTOMER")
    organization = OldOrganization.objects.create(
        account=account, region="us-east-1", alias="acme", state="Active", encryption_key=managed
    )

    migrate(latest())

    moved = {key.key_id: key for key in Key.objects.prefetch_related("aliases")}
    assert set(moved) == {managed.key_id, leaving.key_id, bare.key_id}
    assert moved[managed.key_id].arn == (f"arn:aws:kms:us-east-1:111122223333:key/{managed.key_id}")
    assert moved[managed.key_id].alias_names == ["alias/aws/workmail"]
    assert moved[managed.key_id].key_manager == "AWS"
    assert moved[managed.key_id].description == "Default key"
    assert moved[leaving.key_id].alias_names == ["alias/mine"]
    assert moved[leaving.key_id].key_state == KeyState.PENDING_DELETION
    assert moved[leaving.key_id].key_spec == "RSA_2048"
    assert moved[leaving.key_id].deletion_date > timezone.now() + timedelta(days=29)
    assert moved[bare.key_id].alias_names == []
    assert moved[bare.key_id].region == "eu-west-1"
    after = Organization.objects.select_related("encryption_key").get(pk=organization.pk)
    assert after.encryption_key.key_id == managed.key_id


def test_after_the_move_new_keys_and_organizations_are_written_as_before(old_apps) -> None:
    Account = old_apps.get_model("workmail_console", "Account")
    EncryptionKey = old_apps.get_model("organizations", "EncryptionKey")
    account = Account.objects.create(account_id="111122223333")
    copied = [
        EncryptionKey.objects.create(account=account, region="us-east-1", key_manager="CUSTOMER")
        for _ in range(3)
    ]

    migrate(latest())

    # The copies kept their primary keys; a new key must not collide with one of them.
    account = CurrentAccount.objects.get(pk=account.pk)
    new = create_key(account=account, region="us-east-1", alias_name="alias/after")
    assert new.pk not in {key.pk for key in copied}
    assert KeyAlias.objects.get(name="alias/after").key == new
    # The organizations table was altered; its state counts are still kept by its triggers.
    OrganizationFactory(account=account, state=State.ACTIVE, encryption_key=new)
    assert StateCount.objects.get(account_id=account.pk, state=State.ACTIVE).count == 1


def test_the_move_goes_back(old_apps) -> None:
    migrate(latest())
    account = OrganizationFactory().account
    key = create_key(account=account, region="us-west-2", alias_name="alias/round-trip")
    organization = OrganizationFactory(account=account, encryption_key=key)

    apps = migrate(BEFORE)

    back = apps.get_model("organizations", "EncryptionKey").objects.get(key_id=key.key_id)
    assert (back.pk, back.alias, back.region) == (key.pk, "alias/round-trip", "us-west-2")
    old_organization = apps.get_model("organizations", "Organization").objects.get(
        pk=organization.pk
    )
    assert old_organization.encryption_key_id == back.pk
    assert not apps.get_model("keys", "Key").objects.exists()
    # The organizations table was altered back; its state counts are still kept by its triggers.
    apps.get_model("organizations", "Organization").objects.create(
        account_id=account.pk, region="us-west-2", alias="after-going-back", state="Failed"
    )
    counts = apps.get_model("organizations", "StateCount").objects
    assert counts.get(account_id=account.pk, region="us-west-2", state="Failed").count == 1

    migrate(latest())

    assert Key.objects.get(key_id=key.key_id).alias_names == ["alias/round-trip"]
    assert Organization.objects.get(pk=organization.pk).encryption_key_id == key.pk


def test_deleted_keys_become_the_deleted_state_and_back() -> None:
    """keys 0003: the `deleted` flag becomes the Deleted state, and a key's history begins."""
    newest = latest()
    try:
        apps = migrate([("keys", "0002_copy_encryption_keys")])
        Account = apps.get_model("workmail_console", "Account")
        OldKey = apps.get_model("keys", "Key")
        account = Account.objects.create(account_id="444455556666")
        gone = OldKey.objects.create(
            account=account, region="us-east-1", key_state="PendingDeletion", deleted=True
        )
        kept = OldKey.objects.create(account=account, region="us-east-1", key_state="Disabled")

        migrate(newest)

        states = dict(Key.objects.values_list("pk", "key_state"))
        assert states == {gone.pk: KeyState.DELETED, kept.pk: KeyState.DISABLED}
        assert Key.objects.get(pk=kept.pk).key_state_changed_at == kept.created
        assert [key.pk for key in Key.objects.in_scope(account.pk, "us-east-1")] == [kept.pk]

        apps = migrate([("keys", "0002_copy_encryption_keys")])
        back = apps.get_model("keys", "Key").objects.get(pk=gone.pk)
        assert (back.deleted, back.key_state) == (True, "PendingDeletion")
    finally:
        migrate(newest)
