"""The move to delegation (domains 0005): zones made before it get their own delegation sets;
what answered before answers still, except another account's zone inside a claimed name (the
hole it closes); and it goes back."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from route53.authority import serving_zone_pks
from route53.models import DomainRegistration, HostedZone, ResourceRecordSet

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("domains", "0004_region_required")]
OLD_SOA = "ns-1.awsdns-emulator.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
OLD_NS = ["ns-1.awsdns-emulator.net.", "ns-2.awsdns-emulator.org."]


def migrate(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def old_apps() -> Iterator[StateApps]:
    newest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(newest)


def old_zone(apps: StateApps, account, name: str, **fields):
    zone = apps.get_model("domains", "HostedZone").objects.create(
        account=account, name=name, **fields
    )
    record_sets = apps.get_model("domains", "ResourceRecordSet").objects
    record_sets.create(zone=zone, name=name, type="SOA", ttl=900, values=[OLD_SOA])
    record_sets.create(zone=zone, name=name, type="NS", ttl=172800, values=OLD_NS)
    return zone


def test_existing_zones_are_delegated_as_they_answered_but_the_hole(old_apps) -> None:
    Account = old_apps.get_model("workmail_console", "Account")
    a, b = (
        Account.objects.create(account_id="111111111111"),
        Account.objects.create(account_id="222222222222"),
    )
    a_corp = old_zone(old_apps, a, "a-corp.example")
    mine = old_zone(old_apps, a, "mail.a-corp.example")  # A's own sub-zone
    intruder = old_zone(old_apps, b, "www.a-corp.example")  # B's, inside A's name
    registered = old_zone(old_apps, b, "b-corp.example")
    old_apps.get_model("domains", "DomainRegistration").objects.create(
        account=b, name="b-corp.example", status="SUCCESSFUL", zone=registered
    )
    old_zone(old_apps, b, "private.example", private=True)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    zones = {zone.name: zone for zone in HostedZone.objects.all()}
    sets = [frozenset(zone.name_servers) for zone in zones.values()]
    assert len(set(sets)) == 5 and all(len(servers) == 4 for servers in sets)
    for zone in zones.values():
        apex = {rs.type: rs.values for rs in zone.record_sets.filter(name=zone.name)}
        assert apex["NS"] == [f"{server}." for server in zone.name_servers]
        assert apex["SOA"][0] == f"{zone.name_servers[0]}. " + OLD_SOA.split(" ", 1)[1]
    claims = {c.name: (c.account_id, c.registered) for c in DomainRegistration.objects.all()}
    assert claims == {"a-corp.example": (a.pk, False), "b-corp.example": (b.pk, True)}
    assert DomainRegistration.objects.get(name="b-corp.example").name_servers == (
        zones["b-corp.example"].name_servers
    )
    delegation = ResourceRecordSet.objects.get(zone_id=a_corp.pk, name="mail.a-corp.example")
    assert (delegation.type, delegation.values) == (
        "NS", [f"{server}." for server in zones["mail.a-corp.example"].name_servers]
    )  # fmt: skip
    names = ["a-corp.example", "mail.a-corp.example", "www.a-corp.example", "b-corp.example"]
    assert serving_zone_pks(names) == {
        "a-corp.example": a_corp.pk, "mail.a-corp.example": mine.pk,
        "www.a-corp.example": a_corp.pk, "b-corp.example": registered.pk,
    }  # fmt: skip
    assert intruder.pk not in serving_zone_pks(names).values()


def test_the_move_goes_back_without_the_claims(old_apps) -> None:
    Account = old_apps.get_model("workmail_console", "Account")
    account = Account.objects.create(account_id="333333333333")
    zone = old_zone(old_apps, account, "c-corp.example")
    registered = old_zone(old_apps, account, "d-corp.example")
    old_apps.get_model("domains", "DomainRegistration").objects.create(
        account=account, name="d-corp.example", status="SUCCESSFUL", zone=registered
    )
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert DomainRegistration.objects.count() == 2

    apps = migrate(BEFORE)

    back = apps.get_model("domains", "DomainRegistration").objects.get()
    assert (back.name, back.zone_id) == ("d-corp.example", registered.pk)
    assert apps.get_model("domains", "HostedZone").objects.filter(pk=zone.pk).exists()
