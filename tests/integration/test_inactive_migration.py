"""The Inactive rule's migrations (organizations 0005, domains 0001-0002) on a database made before
them: organizations that got past Creating get their verified test domain, Active and Impaired ones
their Inactive clock from when they were completed; and back. The organizations table keeps its
state-count triggers (organizations 0003) both ways; tests/integration/test_races_on_sqlite.py
runs this file on SQLite too, where altering a table may rebuild it without them."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.utils import timezone

from domains.models import MailDomain
from organizations.lifecycle import State
from organizations.models import Organization, StateCount
from tests.factories import active_organization

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("organizations", "0004_encryption_key_in_keys_app"), ("domains", None)]
COUNTING_TRIGGERS = {
    "postgresql": {"organizations_count_inserts_and_deletes", "organizations_count_moves"},
    "sqlite": {
        "organizations_count_inserts", "organizations_count_deletes", "organizations_count_moves",
    },
}  # fmt: skip


def migrate(targets: list[tuple[str, str | None]]) -> StateApps:
    """The database migrated to `targets` ((app, None): none of its migrations); the models as
    they were there."""
    MigrationExecutor(connection).migrate(targets)
    applied = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def organization_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name = 'organizations_organization'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'organizations_organization'::regclass AND NOT tgisinternal"
            )
        return {name for (name,) in cursor.fetchall()}


def organization_columns() -> set[str]:
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "organizations_organization")
    return {column.name for column in table}


@pytest.fixture
def old_apps() -> Iterator[StateApps]:
    """The models before the Inactive rule; the database is brought up to date again afterwards."""
    newest = latest()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(newest)


def test_organizations_made_before_get_their_test_domain_and_their_clock(old_apps) -> None:
    assert organization_triggers() == COUNTING_TRIGGERS[connection.vendor]
    Account = old_apps.get_model("workmail_console", "Account")
    OldOrganization = old_apps.get_model("organizations", "Organization")
    account = Account.objects.create(account_id="111122223333")
    completed = timezone.now() - timedelta(days=12)

    def old(alias: str, state: str, **fields: object) -> str:
        return OldOrganization.objects.create(
            account=account, region="us-east-1", alias=alias, state=state, **fields
        ).pk

    settled = {"completed_date": completed}
    active = old("Oldcorp", "Active", default_mail_domain="oldcorp.awsapps.com", **settled)
    impaired = old("sick", "Impaired", default_mail_domain="sick.awsapps.com", **settled)
    creating = old("early", "Creating")
    deleted = old("gone", "Deleted", default_mail_domain="gone.awsapps.com", **settled)

    migrate(latest())

    clocks = dict(Organization.objects.values_list("pk", "no_enabled_users_since"))
    assert clocks == {active: completed, impaired: completed, creating: None, deleted: None}
    assert not Organization.objects.filter(alias_released_at__isnull=False).exists()
    domains = MailDomain.objects.values_list("organization_id", "name", "is_test_domain")
    assert sorted(domains.filter(ownership_status="VERIFIED")) == sorted(
        [(active, "oldcorp.awsapps.com", True), (impaired, "sick.awsapps.com", True)]
    )
    assert MailDomain.objects.count() == 2
    assert organization_triggers() == COUNTING_TRIGGERS[connection.vendor]


def test_the_rule_goes_back_and_forth(old_apps) -> None:
    migrate(latest())
    organization = active_organization(alias="roundtrip")
    # Inactive, its alias released: one more organization may hold that alias now...
    released = active_organization(state=State.INACTIVE, alias="idle")
    Organization.objects.filter(pk=released.pk).update(alias_released_at=timezone.now())

    apps = migrate(BEFORE)

    assert {"no_enabled_users_since", "alias_released_at"}.isdisjoint(organization_columns())
    assert "domains_maildomain" not in connection.introspection.table_names()
    assert organization_triggers() == COUNTING_TRIGGERS[connection.vendor]
    OldOrganization = apps.get_model("organizations", "Organization")
    # ...but not before the rule: the alias is once again unique among live organizations.
    with pytest.raises(IntegrityError), transaction.atomic():
        OldOrganization.objects.create(
            account_id=organization.account_id, region="eu-west-1", alias="IDLE", state="Failed"
        )
    OldOrganization.objects.create(
        account_id=organization.account_id, region="eu-west-1", alias="after", state="Failed"
    )
    counts = apps.get_model("organizations", "StateCount").objects
    assert counts.get(account_id=organization.account_id, region="eu-west-1", state="Failed").count

    migrate(latest())

    again = Organization.objects.get(pk=organization.pk)
    assert again.no_enabled_users_since == again.completed_date
    assert list(again.mail_domains.values_list("name", "is_test_domain")) == [
        ("roundtrip.awsapps.com", True)
    ]
    active_organization(account=again.account, region="us-west-2", alias="later")
    assert StateCount.objects.get(
        account_id=again.account_id, region="us-west-2", state=State.ACTIVE
    ).count == 1  # fmt: skip
