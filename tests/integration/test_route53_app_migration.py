"""The move of the Route 53 models from domains/ to route53/ (route53 0001, organizations 0007,
domains 0006) keeps their tables: every hosted zone, record set and registration keeps its primary
key, and the mail domains and organizations pointing at a zone still do; back and forward again.
tests/integration/test_races_on_sqlite.py runs this file on SQLite too."""

from collections.abc import Iterator

import pytest
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from domains.models import MailDomain
from organizations.models import Organization
from route53.models import DomainRegistration, HostedZone
from route53.services import RecordSet, create_hosted_zone, delete_hosted_zone, upsert_record_sets
from tests.factories import AccountFactory, MailDomainFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("route53", None),
    ("organizations", "0006_email_domain_choice"),
    ("domains", "0005_delegation"),
]
MODELS = ["hostedzone", "resourcerecordset", "domainregistration"]
TABLES = [
    "domains_hostedzone", "domains_resourcerecordset", "domains_domainregistration",
    "domains_maildomain", "organizations_organization",
]  # fmt: skip
NAME_SERVERS = [
    "ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk",
]  # fmt: skip


def migrate(targets: list[tuple[str, str | None]]) -> StateApps:
    """The database migrated to `targets` ((app, None): none of its migrations); the models as
    they were there."""
    MigrationExecutor(connection).migrate(targets)
    applied = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def up_to_date_afterwards() -> Iterator[None]:
    """Whatever the test migrates to, the database is brought up to date again after it."""
    newest = latest()
    try:
        yield
    finally:
        migrate(newest)


def rows(apps, app_label: str) -> dict[str, list[tuple]]:
    """Every Route 53 row as the models of `app_label` read it, and every mail domain's and
    organization's hosted zone."""
    model = apps.get_model
    return {
        "zones": [
            (z.pk, z.zone_id, z.account_id, z.name, z.private, z.comment, z.created,
             z.name_servers)
            for z in model(app_label, "HostedZone").objects.order_by("pk")
        ],
        "record sets": [
            (r.pk, r.zone_id, r.name, r.type, r.ttl, r.values)
            for r in model(app_label, "ResourceRecordSet").objects.order_by("pk")
        ],
        "registrations": [
            (g.pk, g.account_id, g.name, g.status, g.registered, g.zone_id, g.name_servers,
             g.created)
            for g in model(app_label, "DomainRegistration").objects.order_by("pk")
        ],
        "mail domains": [
            (d.pk, d.name, d.hosted_zone_id)
            for d in model("domains", "MailDomain").objects.order_by("pk")
        ],
        "organizations": [
            (o.pk, o.alias, o.hosted_zone_id)
            for o in model("organizations", "Organization").objects.order_by("pk")
        ],
    }  # fmt: skip


def old_world(apps: StateApps) -> dict[str, int]:
    """Before the move: two accounts' zones with their record sets, a registered domain, a
    claim, a registration In progress, and a mail domain and an organization in a zone."""
    model = apps.get_model
    Zone, RecordSets = model("domains", "HostedZone"), model("domains", "ResourceRecordSet")
    Registration = model("domains", "DomainRegistration")
    owner = model("workmail_console", "Account").objects.create(account_id="111122223333")
    other = model("workmail_console", "Account").objects.create(account_id="444455556666")
    zones = {}
    for account, name, private in [
        (owner, "claimed.example", False), (owner, "private.example", True),
        (other, "registered.example", False),
    ]:  # fmt: skip
        zone = Zone.objects.create(
            account=account, name=name, private=private, name_servers=NAME_SERVERS
        )
        servers = [f"{server}." for server in NAME_SERVERS]
        RecordSets.objects.create(zone=zone, name=name, type="NS", ttl=172800, values=servers)
        zones[name] = zone
    RecordSets.objects.create(
        zone=zones["claimed.example"], name="www.claimed.example", type="A", ttl=60,
        values=["192.0.2.1"],
    )  # fmt: skip
    Registration.objects.create(
        account=owner, name="claimed.example", status="SUCCESSFUL", registered=False,
        zone=zones["claimed.example"], name_servers=NAME_SERVERS,
    )  # fmt: skip
    Registration.objects.create(
        account=other, name="registered.example", status="SUCCESSFUL", registered=True,
        zone=zones["registered.example"], name_servers=NAME_SERVERS,
    )  # fmt: skip
    Registration.objects.create(account=other, name="pending.example", status="IN_PROGRESS")
    organization = model("organizations", "Organization").objects.create(
        account=owner, region="us-east-1", alias="acme", state="Active",
        domain_choice="existing-route53", requested_domain="claimed.example",
        hosted_zone=zones["claimed.example"],
    )  # fmt: skip
    model("domains", "MailDomain").objects.create(
        organization=organization, region="us-east-1", name="claimed.example",
        hosted_zone=zones["claimed.example"],
    )  # fmt: skip
    return {name: zone.pk for name, zone in zones.items()}


def new_world() -> None:
    """The same kinds of rows, made with today's models and services."""
    owner, other = AccountFactory(), AccountFactory()
    claimed = create_hosted_zone(account=owner, name="claimed.example")  # its zone claims it
    upsert_record_sets(claimed, [RecordSet("www.claimed.example", "A", 60, ("192.0.2.1",))])
    create_hosted_zone(account=owner, name="private.example", private=True)
    create_hosted_zone(account=other, name="registered.example")
    DomainRegistration.objects.filter(name="registered.example").update(registered=True)
    DomainRegistration.objects.create(account=other, name="pending.example")  # In progress
    organization = OrganizationFactory(
        account=owner, domain_choice="existing-route53", requested_domain="claimed.example",
        hosted_zone=claimed,
    )  # fmt: skip
    MailDomainFactory(organization=organization, name="claimed.example", hosted_zone=claimed)


def schema() -> dict[str, tuple]:
    """The tables' columns and constraints, foreign keys with the table they reference."""
    with connection.cursor() as cursor:
        introspection = connection.introspection
        return {
            table: (
                sorted(
                    (c.name, c.type_code, c.null_ok)
                    for c in introspection.get_table_description(cursor, table)
                ),
                sorted(
                    (name, tuple(c["columns"]), c["foreign_key"], c["unique"], c["index"])
                    for name, c in introspection.get_constraints(cursor, table).items()
                ),
            )
            for table in TABLES
        }


def test_rows_made_before_the_move_are_the_same_rows_after_it(up_to_date_afterwards) -> None:
    old_apps = migrate(BEFORE)
    old_world(old_apps)
    before = rows(old_apps, "domains")

    migrate(latest())

    assert rows(current_apps, "route53") == before
    assert len(before["registrations"]) == 3 and len(before["record sets"]) == 4


def test_after_the_move_the_links_lead_to_route53s_models(up_to_date_afterwards) -> None:
    zones = old_world(migrate(BEFORE))

    migrate(latest())

    zone = HostedZone.objects.get(pk=zones["claimed.example"])
    assert MailDomain.objects.select_related("hosted_zone").get().hosted_zone == zone
    assert Organization.objects.select_related("hosted_zone").get().hosted_zone == zone
    assert DomainRegistration.objects.get(name="claimed.example").zone == zone
    assert sorted(zone.record_sets.values_list("type", flat=True)) == ["A", "NS"]


def test_rows_go_back_and_forward_again_unchanged(up_to_date_afterwards) -> None:
    new_world()
    now = rows(current_apps, "route53")

    old_apps = migrate(BEFORE)
    assert rows(old_apps, "domains") == now

    migrate(latest())
    assert rows(current_apps, "route53") == now


# Just the move (later migrations change the tables on purpose).
MOVED = [("route53", "0001_initial"), ("organizations", "0007_hosted_zone_in_route53_app"),
         ("domains", "0006_route53_app")]  # fmt: skip


def test_the_move_changes_no_table(up_to_date_afterwards) -> None:
    migrate(MOVED)
    after = schema()

    migrate(BEFORE)
    assert schema() == after

    migrate(MOVED)
    assert schema() == after


def test_the_content_types_move_with_the_models(up_to_date_afterwards) -> None:
    kept = content_types(ContentType, "route53")

    old_apps = migrate(BEFORE)
    assert content_types(old_apps.get_model("contenttypes", "ContentType"), "domains") == kept

    migrate(latest())
    assert content_types(ContentType, "route53") == kept


def content_types(model, app_label: str) -> dict[str, int]:
    """The Route 53 models' content types in `app_label`, by model: their primary keys."""
    rows = model.objects.filter(app_label=app_label, model__in=MODELS)
    return dict(rows.values_list("model", "pk"))


def test_after_the_move_deleting_a_zone_unlinks_its_domain_and_organization(
    up_to_date_afterwards,
) -> None:
    zones = old_world(migrate(BEFORE))
    migrate(latest())
    zone = HostedZone.objects.get(pk=zones["claimed.example"])
    zone.record_sets.filter(type="A").delete()

    delete_hosted_zone(zone)

    assert MailDomain.objects.get().hosted_zone is None
    assert Organization.objects.get().hosted_zone is None
    assert not DomainRegistration.objects.filter(name="claimed.example").exists()  # the claim
