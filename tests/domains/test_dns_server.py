"""The project's DNS server answers from the public hosted zones, as Route 53's name servers do."""

import socket

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from domains.models import HostedZone
from domains.route53 import RecordSet, create_hosted_zone, upsert_record_sets
from tests.factories import AccountFactory


@pytest.fixture
def zone(transactional_db) -> HostedZone:
    zone = create_hosted_zone(account=AccountFactory(), name="example.com")
    upsert_record_sets(
        zone,
        [
            RecordSet("_amazonses.example.com", "TXT", 300, ('"token="',)),
            RecordSet("example.com", "MX", 300, ("10 inbound-smtp.us-east-1.amazonaws.com.",)),
            RecordSet("www.example.com", "CNAME", 300, ("web.example.net.",)),
        ],
    )
    return zone


def ask(server, name: str, rdtype: str, *, tcp: bool = False) -> dns.message.Message:
    host, port = server
    query = dns.message.make_query(name, rdtype)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, host, port=port, timeout=2)


def test_it_answers_a_record_set_authoritatively_over_udp(dns_server, zone) -> None:
    response = ask(dns_server, "_amazonses.example.com", "TXT")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.flags & dns.flags.AA
    assert [rdata.strings for rdata in response.answer[0]] == [(b"token=",)]


def test_it_answers_over_tcp_on_the_same_port(dns_server, zone) -> None:
    response = ask(dns_server, "example.com", "MX", tcp=True)
    assert response.flags & dns.flags.AA
    [mx] = response.answer[0]
    assert (mx.preference, mx.exchange.to_text()) == (10, "inbound-smtp.us-east-1.amazonaws.com.")


def test_names_are_matched_without_regard_to_case(dns_server, zone) -> None:
    response = ask(dns_server, "EXAMPLE.com.", "MX")
    assert len(response.answer) == 1


def test_a_name_with_nothing_is_nxdomain_with_the_zones_soa(dns_server, zone) -> None:
    response = ask(dns_server, "nothing.example.com", "TXT")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AA
    assert not response.answer
    [soa] = response.authority
    assert (soa.name.to_text(), soa.rdtype) == ("example.com.", dns.rdatatype.SOA)


def test_a_name_with_other_types_only_is_nodata_with_the_soa(dns_server, zone) -> None:
    response = ask(dns_server, "_amazonses.example.com", "MX")
    assert response.rcode() == dns.rcode.NOERROR
    assert not response.answer
    assert response.authority[0].rdtype == dns.rdatatype.SOA


def test_a_cname_is_the_answer_for_any_type_at_its_name(dns_server, zone) -> None:
    response = ask(dns_server, "www.example.com", "TXT")
    [cname] = response.answer
    assert cname.rdtype == dns.rdatatype.CNAME
    assert cname[0].target.to_text() == "web.example.net."


def test_a_name_outside_every_public_zone_is_refused(dns_server, zone) -> None:
    create_hosted_zone(account=zone.account, name="private.test", private=True)
    upsert_record_sets(
        HostedZone.objects.get(name="private.test"),
        [RecordSet("private.test", "TXT", 300, ('"secret"',))],
    )
    assert ask(dns_server, "example.org", "TXT").rcode() == dns.rcode.REFUSED
    assert ask(dns_server, "private.test", "TXT").rcode() == dns.rcode.REFUSED


def test_the_longest_matching_zone_answers(dns_server, zone) -> None:
    child = create_hosted_zone(account=zone.account, name="mail.example.com")
    upsert_record_sets(child, [RecordSet("mail.example.com", "TXT", 60, ('"child"',))])
    response = ask(dns_server, "mail.example.com", "TXT")
    assert response.answer[0][0].strings == (b"child",)
    assert ask(dns_server, "x.mail.example.com", "A").authority[0].name.to_text() == (
        "mail.example.com."
    )


def test_a_change_in_the_zone_shows_at_the_next_query(dns_server, zone) -> None:
    upsert_record_sets(zone, [RecordSet("_amazonses.example.com", "TXT", 300, ('"new"',))])
    assert ask(dns_server, "_amazonses.example.com", "TXT").answer[0][0].strings == (b"new",)


def test_an_answer_too_big_for_udp_is_truncated_and_whole_over_tcp(dns_server, zone) -> None:
    values = tuple(f'"{"v" * 200}{n}"' for n in range(10))
    upsert_record_sets(zone, [RecordSet("big.example.com", "TXT", 300, values)])
    host, port = dns_server
    query = dns.message.make_query("big.example.com", "TXT", use_edns=False)
    udp = dns.query.udp(query, host, port=port, timeout=2)
    assert udp.flags & dns.flags.TC
    assert len(ask(dns_server, "big.example.com", "TXT", tcp=True).answer[0]) == 10


def test_garbage_gets_formerr_or_nothing_and_the_server_keeps_answering(dns_server, zone) -> None:
    host, port = dns_server
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(b"\x12\x34\x00" + b"\xff" * 19, (host, port))  # QR clear: a query
        reply, _ = sock.recvfrom(512)
    assert reply[:2] == b"\x12\x34"
    assert reply[3] & 0x0F == dns.rcode.FORMERR
    assert ask(dns_server, "example.com", "MX").rcode() == dns.rcode.NOERROR


def test_one_query_reads_the_database_once(zone, django_assert_num_queries) -> None:
    from domains.authority import lookup

    with django_assert_num_queries(1):
        lookup(["_amazonses.example.com"])
    with django_assert_num_queries(1):
        lookup(["a.b.c.d.e.f.nothing.example.com", "example.com", "x.org"])
