"""The emulated Route 53's operations and their rules, with Route 53's error codes."""

import pytest

from route53.models import DomainRegistration, HostedZone, ResourceRecordSet
from route53.registrar import register_domain
from route53.services import (
    TTL_MAX,
    Action,
    Change,
    HostedZoneNotEmpty,
    InvalidChangeBatch,
    InvalidInput,
    NoSuchHostedZone,
    RecordSet,
    change_record_sets,
    create_hosted_zone,
    delete_hosted_zone,
    get_hosted_zone,
    list_hosted_zones,
    record_name,
)
from tests.factories import AccountFactory
from tests.route53.delegation import is_delegated

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return AccountFactory()


@pytest.fixture
def zone(account) -> HostedZone:
    return create_hosted_zone(account=account, name="Example.COM.")


def sets(zone: HostedZone) -> dict[tuple[str, str], tuple[int, list[str]]]:
    return {(rs.name, rs.type): (rs.ttl, rs.values) for rs in zone.record_sets.all()}


def upsert(zone, name, rtype, *values, ttl=300):
    change_record_sets(zone, [Change(Action.UPSERT, RecordSet(name, rtype, ttl, values))])


# --- Hosted zones ----------------------------------------------------------------------------


def test_a_new_zone_has_its_soa_and_ns_and_a_route53_id(zone) -> None:
    assert zone.name == "example.com"
    assert set(sets(zone)) == {("example.com", "SOA"), ("example.com", "NS")}
    assert zone.zone_id.startswith("Z") and len(zone.zone_id) == 21


@pytest.mark.parametrize(
    "name", ["", "\x00example.com", "exa mple.com", "-bad.com", "a" * 64 + ".com", "bücher.de",
             "<b>x</b>.com", "localhost", "example.123"],
)  # fmt: skip
def test_a_malformed_zone_name_is_invalid_input(account, name) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_hosted_zone(account=account, name=name)
    assert refused.value.field == "name"
    assert not HostedZone.objects.exists()


def test_a_zone_gets_its_own_delegation_set_of_four_name_servers(zone) -> None:
    other = create_hosted_zone(account=zone.account, name="example.org")
    assert len(zone.name_servers) == 4 and len(set(zone.name_servers)) == 4
    assert [server.rsplit(".awsdns-", 1)[1].split(".", 1)[1] for server in zone.name_servers] == [
        "com", "net", "org", "co.uk"
    ]  # fmt: skip
    assert set(zone.name_servers) != set(other.name_servers)
    ns, soa = sets(zone)[("example.com", "NS")], sets(zone)[("example.com", "SOA")]
    assert ns == (172800, [f"{server}." for server in zone.name_servers])
    assert soa[1][0].startswith(f"{zone.name_servers[0]}. awsdns-hostmaster.amazon.com. ")


def test_public_zones_of_one_name_can_be_many_but_the_first_alone_is_delegated(zone) -> None:
    theirs = create_hosted_zone(account=AccountFactory(), name="example.com")
    second = create_hosted_zone(account=zone.account, name="EXAMPLE.com")
    assert HostedZone.objects.filter(name="example.com").count() == 3
    assert [is_delegated(z) for z in (zone, theirs, second)] == [True, False, False]


def test_private_zones_of_one_name_can_be_many(zone) -> None:
    create_hosted_zone(account=zone.account, name="example.com", private=True)
    create_hosted_zone(account=zone.account, name="example.com", private=True)
    assert HostedZone.objects.filter(name="example.com").count() == 3


def test_an_overlong_comment_is_invalid_input(account) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_hosted_zone(account=account, name="example.com", comment="x" * 257)
    assert refused.value.field == "comment"


def test_a_zone_of_a_name_another_account_registered_is_made_but_not_delegated(account) -> None:
    register_domain(account=AccountFactory(), name="taken.com")
    zone = create_hosted_zone(account=account, name="taken.com")
    assert not is_delegated(zone)
    assert DomainRegistration.objects.get().account != account


def test_list_hosted_zones_counts_records_and_shows_only_the_accounts(zone) -> None:
    create_hosted_zone(account=AccountFactory(), name="other.com")
    upsert(zone, "www.example.com", "A", "192.0.2.1")
    assert [(z.name, z.record_count) for z in list_hosted_zones(zone.account)] == [
        ("example.com", 3)
    ]


def test_another_accounts_zone_is_no_such_hosted_zone(zone) -> None:
    assert get_hosted_zone(zone.account, zone.zone_id) == zone
    for account, zone_id in [(AccountFactory(), zone.zone_id), (zone.account, "Z\x00"),
                             (zone.account, "ZNOSUCHZONE12345")]:  # fmt: skip
        with pytest.raises(NoSuchHostedZone):
            get_hosted_zone(account, zone_id)


def test_a_zone_with_record_sets_is_not_empty_and_stays(zone) -> None:
    upsert(zone, "www.example.com", "A", "192.0.2.1")
    with pytest.raises(HostedZoneNotEmpty):
        delete_hosted_zone(zone)
    assert HostedZone.objects.filter(pk=zone.pk).exists()


def test_a_zone_with_only_its_soa_and_ns_is_deleted(zone) -> None:
    delete_hosted_zone(zone)
    assert not HostedZone.objects.exists() and not ResourceRecordSet.objects.exists()


# --- Record sets -----------------------------------------------------------------------------


def test_upsert_creates_then_replaces_with_canonical_values(zone) -> None:
    upsert(zone, "Mail.Example.com.", "MX", "10 inbound-smtp.us-east-1.amazonaws.com")
    upsert(zone, "mail.example.com", "MX", "20 b.example.net.", "10  a.example.net", ttl=60)
    assert sets(zone)[("mail.example.com", "MX")] == (
        60, ["20 b.example.net.", "10 a.example.net."]
    )  # fmt: skip


def test_every_type_takes_its_values(zone) -> None:
    upsert(zone, "example.com", "TXT", '"v=spf1 include:amazonses.com ~all"')
    upsert(zone, "a.example.com", "A", "192.0.2.1", "192.0.2.2")
    upsert(zone, "a.example.com", "AAAA", "2001:db8::1")
    upsert(zone, "c.example.com", "CNAME", "target.example.net")
    upsert(zone, "sub.example.com", "NS", "ns1.example.net.")
    upsert(zone, "example.com", "SOA", "ns. host. 2 7200 900 1209600 60")
    assert sets(zone)[("c.example.com", "CNAME")] == (300, ["target.example.net."])
    assert sets(zone)[("example.com", "SOA")][1] == ["ns. host. 2 7200 900 1209600 60"]


def test_create_of_an_existing_set_is_refused(zone) -> None:
    upsert(zone, "www.example.com", "A", "192.0.2.1")
    change = Change(Action.CREATE, RecordSet("www.example.com", "A", 300, ("192.0.2.9",)))
    with pytest.raises(InvalidChangeBatch, match="already exists"):
        change_record_sets(zone, [change])
    assert sets(zone)[("www.example.com", "A")] == (300, ["192.0.2.1"])


def test_delete_needs_the_current_values_and_removes_the_set(zone) -> None:
    upsert(zone, "www.example.com", "A", "192.0.2.1")
    wrong = RecordSet("www.example.com", "A", 300, ("192.0.2.2",))
    with pytest.raises(InvalidChangeBatch, match="do not match"):
        change_record_sets(zone, [Change(Action.DELETE, wrong)])
    right = RecordSet("www.example.com", "A", 300, ("192.0.2.1",))
    change_record_sets(zone, [Change(Action.DELETE, right)])
    assert ("www.example.com", "A") not in sets(zone)
    with pytest.raises(InvalidChangeBatch, match="not found"):
        change_record_sets(zone, [Change(Action.DELETE, right)])


@pytest.mark.parametrize("rtype", ["SOA", "NS"])
def test_the_apex_soa_and_ns_can_not_be_deleted(zone, rtype) -> None:
    ttl, values = sets(zone)[("example.com", rtype)]
    current = RecordSet("example.com", rtype, ttl, tuple(values))
    with pytest.raises(InvalidChangeBatch, match="apex"):
        change_record_sets(zone, [Change(Action.DELETE, current)])
    assert ("example.com", rtype) in sets(zone)


@pytest.mark.parametrize("ttl", [-1, TTL_MAX + 1, "300", 1.5, True])
def test_a_ttl_out_of_range_is_invalid_input(zone, ttl) -> None:
    with pytest.raises(InvalidInput) as refused:
        upsert(zone, "www.example.com", "A", "192.0.2.1", ttl=ttl)
    assert refused.value.field == "ttl"


@pytest.mark.parametrize("ttl", [0, TTL_MAX])
def test_the_ttl_limits_are_accepted(zone, ttl) -> None:
    upsert(zone, "www.example.com", "A", "192.0.2.1", ttl=ttl)
    assert sets(zone)[("www.example.com", "A")][0] == ttl


def test_an_unknown_type_is_invalid_input(zone) -> None:
    with pytest.raises(InvalidInput) as refused:
        upsert(zone, "www.example.com", "SRV", "0 5 5060 sip.example.com.")
    assert refused.value.field == "record_type"


@pytest.mark.parametrize(
    ("rtype", "value"),
    [("A", "300.1.1.1"), ("A", "example.com"), ("AAAA", "192.0.2.1"), ("MX", "mail.example.com"),
     ("MX", "70000 mail.example.com"), ("CNAME", "a b"), ("TXT", '"' + "x" * 300 + '"'),
     ("SOA", "only-one-field"), ("A", "192.0.2.1\x00")],
)  # fmt: skip
def test_a_bad_value_is_an_invalid_change_batch_with_the_reason(zone, rtype, value) -> None:
    name = "example.com" if rtype == "SOA" else "x.example.com"
    with pytest.raises(InvalidChangeBatch) as refused:
        upsert(zone, name, rtype, value)
    assert refused.value.field == "values"
    assert rtype in refused.value.message or "null" in refused.value.message
    assert (name, rtype) not in sets(zone) or rtype == "SOA"


@pytest.mark.parametrize(
    "name", ["www.example.org", "example.com.evil.net", "wwwexample.com", "a..example.com",
             "a" * 64 + ".example.com", ("a" * 60 + ".") * 5 + "example.com", "ü.example.com",
             "<script>.example.com", "w*w.example.com", "\x00.example.com"],
)  # fmt: skip
def test_a_name_outside_the_zone_or_malformed_is_refused(zone, name) -> None:
    with pytest.raises(InvalidChangeBatch) as refused:
        upsert(zone, name, "A", "192.0.2.1")
    assert refused.value.field == "record_name"
    assert len(sets(zone)) == 2


def test_wildcards_and_underscores_are_names(zone) -> None:
    upsert(zone, "*.example.com", "A", "192.0.2.1")
    upsert(zone, "_dmarc.example.com", "TXT", '"v=DMARC1;p=quarantine;pct=100;fo=1"')
    assert {("*.example.com", "A"), ("_dmarc.example.com", "TXT")} <= set(sets(zone))


def test_a_cname_can_not_be_beside_another_type(zone) -> None:
    upsert(zone, "www.example.com", "A", "192.0.2.1")
    with pytest.raises(InvalidChangeBatch, match="conflicts"):
        upsert(zone, "www.example.com", "CNAME", "elsewhere.example.net")
    upsert(zone, "alias.example.com", "CNAME", "elsewhere.example.net")
    with pytest.raises(InvalidChangeBatch, match="conflicts"):
        upsert(zone, "alias.example.com", "TXT", '"hello"')
    upsert(zone, "alias.example.com", "CNAME", "moved.example.net")  # replacing it is fine


def test_no_cname_at_the_apex_and_no_soa_below_it(zone) -> None:
    with pytest.raises(InvalidChangeBatch, match="apex"):
        upsert(zone, "example.com", "CNAME", "elsewhere.example.net")
    with pytest.raises(InvalidChangeBatch, match="apex"):
        upsert(zone, "x.example.com", "SOA", "ns. host. 2 7200 900 1209600 60")


def test_a_batch_applies_whole_or_not_at_all(zone) -> None:
    good = Change(Action.CREATE, RecordSet("a.example.com", "A", 300, ("192.0.2.1",)))
    bad = Change(Action.CREATE, RecordSet("a.example.com", "CNAME", 300, ("x.example.net",)))
    with pytest.raises(InvalidChangeBatch):
        change_record_sets(zone, [good, bad])
    assert ("a.example.com", "A") not in sets(zone)


def test_values_are_unique_and_cname_has_one(zone) -> None:
    with pytest.raises(InvalidChangeBatch, match="twice"):
        upsert(zone, "a.example.com", "A", "192.0.2.1", "192.0.2.1")
    with pytest.raises(InvalidChangeBatch, match="only one"):
        upsert(zone, "c.example.com", "CNAME", "a.example.net", "b.example.net")
    with pytest.raises(InvalidChangeBatch, match="at least one"):
        upsert(zone, "c.example.com", "A", " ")


@pytest.mark.parametrize(
    ("typed", "name"),
    [("", "example.com"), ("@", "example.com"), ("www", "www.example.com"),
     ("WWW.example.com", "www.example.com"), ("www.example.org.", "www.example.org"),
     ("a.b", "a.b.example.com")],
)  # fmt: skip
def test_record_names_are_relative_to_the_zone_unless_absolute(zone, typed, name) -> None:
    assert record_name(zone, typed) == name
