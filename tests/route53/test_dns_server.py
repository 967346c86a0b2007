"""The project's DNS server answers from the public hosted zones, as Route 53's name servers do."""

import socket

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from route53.models import HostedZone
from route53.services import RecordSet, create_hosted_zone, upsert_record_sets


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


def test_a_burst_of_questions_reads_the_database_once(zone, django_assert_num_queries) -> None:
    from route53.authority import lookup

    with django_assert_num_queries(1):
        lookup(["_amazonses.example.com"])
    with django_assert_num_queries(1):
        lookup(["a.b.c.d.e.f.nothing.example.com", "example.com", "x.org"])


def test_negative_answers_cost_one_more_query_for_the_burst(zone, django_assert_num_queries):
    from route53.authority import resolve

    queries = [dns.message.make_query(name, "TXT") for name in
               ("_amazonses.example.com", "a.example.com", "b.c.example.com", "x.org")]  # fmt: skip
    with django_assert_num_queries(2):
        responses = resolve(queries)
    assert [r.rcode() for r in responses] == [dns.rcode.NOERROR, dns.rcode.NXDOMAIN,
                                              dns.rcode.NXDOMAIN, dns.rcode.REFUSED]  # fmt: skip


# --- Wildcards (RFC 4592) and ANY (RFC 8482) --------------------------------------------------


@pytest.fixture
def wild(zone) -> HostedZone:
    """example.com with *.example.com TXT, *.wild.example.com CNAME, an existing name under the
    wildcard (only A) and an empty non-terminal (ent.example.com, above a.ent.example.com)."""
    upsert_record_sets(
        zone,
        [
            RecordSet("*.example.com", "TXT", 60, ('"from the wildcard"',)),
            RecordSet("*.wild.example.com", "CNAME", 60, ("target.example.net.",)),
            RecordSet("real.example.com", "A", 60, ("192.0.2.5",)),
            RecordSet("a.ent.example.com", "A", 60, ("192.0.2.6",)),
        ],
    )
    return zone


def test_a_wildcard_answers_a_name_that_does_not_exist_with_that_name(dns_server, wild) -> None:
    response = ask(dns_server, "anything.example.com", "TXT")
    assert response.rcode() == dns.rcode.NOERROR and response.flags & dns.flags.AA
    [txt] = response.answer
    assert txt.name.to_text() == "anything.example.com." and txt[0].strings == (
        b"from the wildcard",
    )


def test_a_wildcard_covers_several_labels_below_its_closest_encloser(dns_server, wild) -> None:
    [cname] = ask(dns_server, "a.b.wild.example.com", "MX").answer
    assert (cname.name.to_text(), cname.rdtype) == ("a.b.wild.example.com.", dns.rdatatype.CNAME)


def test_a_wildcard_of_another_type_is_nodata(dns_server, wild) -> None:
    response = ask(dns_server, "anything.example.com", "MX")
    assert response.rcode() == dns.rcode.NOERROR and not response.answer
    assert response.authority[0].rdtype == dns.rdatatype.SOA


def test_no_wildcard_answers_for_a_name_that_exists(dns_server, wild) -> None:
    response = ask(dns_server, "real.example.com", "TXT")
    assert response.rcode() == dns.rcode.NOERROR and not response.answer


def test_an_empty_non_terminal_exists_and_blocks_the_wildcard_above_it(dns_server, wild) -> None:
    ent = ask(dns_server, "ent.example.com", "TXT")
    assert ent.rcode() == dns.rcode.NOERROR and not ent.answer
    # Its closest encloser is ent.example.com, which has no wildcard: the name does not exist.
    assert ask(dns_server, "x.ent.example.com", "TXT").rcode() == dns.rcode.NXDOMAIN


def test_an_empty_non_terminal_without_wildcards_is_nodata_not_nxdomain(dns_server, zone) -> None:
    upsert_record_sets(zone, [RecordSet("a.b.example.com", "TXT", 60, ('"deep"',))])
    assert ask(dns_server, "b.example.com", "TXT").rcode() == dns.rcode.NOERROR
    assert ask(dns_server, "c.example.com", "TXT").rcode() == dns.rcode.NXDOMAIN


def test_a_name_with_an_underscore_is_not_taken_for_a_like_pattern(dns_server, zone) -> None:
    upsert_record_sets(zone, [RecordSet("x.a1b.example.com", "TXT", 60, ('"x"',))])
    assert ask(dns_server, "a_b.example.com", "TXT").rcode() == dns.rcode.NXDOMAIN


def test_any_gets_one_record_set_not_all(dns_server, zone) -> None:
    upsert_record_sets(
        zone,
        [
            RecordSet("many.example.com", "A", 60, ("192.0.2.1", "192.0.2.2")),
            RecordSet("many.example.com", "TXT", 60, ('"one"',)),
            RecordSet("many.example.com", "MX", 60, ("10 a.example.net.", "20 b.example.net.")),
        ],
    )
    response = ask(dns_server, "many.example.com", "ANY")
    assert response.rcode() == dns.rcode.NOERROR and len(response.answer) == 1
    assert response.answer[0].rdtype == dns.rdatatype.TXT
    assert ask(dns_server, "nothing.example.com", "ANY").rcode() == dns.rcode.NXDOMAIN


def test_a_query_that_can_not_be_answered_fails_alone(zone, monkeypatch) -> None:
    from route53 import authority

    real = authority.answer

    def broken_for_one(query, snapshot):
        if query.question[0].name.to_text() == "broken.example.com.":
            raise ValueError("a bug")
        return real(query, snapshot)

    monkeypatch.setattr(authority, "answer", broken_for_one)
    good, bad = (dns.message.make_query(n, "MX") for n in ("example.com", "broken.example.com"))
    responses = authority.resolve([good, bad])
    assert [r.rcode() for r in responses] == [dns.rcode.NOERROR, dns.rcode.SERVFAIL]
    assert responses[1].id == bad.id and responses[1].flags & dns.flags.QR


def test_it_offers_an_edns_buffer_of_1232_bytes(dns_server, zone) -> None:
    host, port = dns_server
    query = dns.message.make_query("example.com", "MX", use_edns=0, payload=4096)
    assert dns.query.udp(query, host, port=port, timeout=2).payload == 1232


def test_an_edns_version_it_does_not_know_gets_badvers(dns_server, zone) -> None:
    host, port = dns_server
    query = dns.message.make_query("example.com", "MX", use_edns=1)
    response = dns.query.udp(query, host, port=port, timeout=2)
    assert response.rcode() == dns.rcode.BADVERS and not response.answer
