"""Answers from the emulated Route 53: what its name servers say to one DNS query.

The DNS server (domains.dnsserver) parses packets and sends replies; this module reads the public
hosted zones (one SQL query for a whole burst of questions) and builds each response.

Answers, with the AA flag: the record set asked for; the name's CNAME for any other type;
NXDOMAIN with the zone's SOA in the authority section when the name has nothing; NOERROR with
the SOA (NODATA) when it has other types; REFUSED for a name in no public zone.
"""

import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from django.db import connection

from domains.models import HostedZone, ResourceRecordSet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Found:
    zone: str  # the zone's name, lower case, no dot
    sets: dict[str, tuple[int, list[str]]]  # at the name asked: type -> (ttl, values)
    soa: tuple[int, list[str]] | None


def _suffixes(name: str) -> list[str]:
    labels = name.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


# Raw SQL: the ORM's version of it took 1.7 ms to build and plan, this one 0.3 ms to run (the
# server's cost per burst of UDP queries). SOA rows exist only at a zone's apex. Plain IN lists,
# so SQLite (the embedded default) runs it too.
_LOOKUP = (
    'SELECT z.name, r.name, r.type, r.ttl, r."values"'
    f" FROM {ResourceRecordSet._meta.db_table} r"
    f" JOIN {HostedZone._meta.db_table} z ON z.id = r.zone_id"
    " WHERE NOT z.private AND lower(z.name) IN ({zones})"
    " AND (lower(r.name) IN ({names}) OR r.type = 'SOA')"
)


def _json(values: object) -> list[str]:
    return json.loads(values) if isinstance(values, str) else values


def lookup(names: Iterable[str]) -> dict[str, Found | None]:
    """For each name (lower case, no dot), its record sets in the public zone holding it (the
    longest suffix with a zone), or None: one SQL query for them all, on the zones' and the
    record sets' zone indexes."""
    names = set(names)
    suffixes = {suffix for name in names for suffix in _suffixes(name)}
    with connection.cursor() as cursor:
        sql = _LOOKUP.format(zones=", ".join(["%s"] * len(suffixes)),
                             names=", ".join(["%s"] * len(names)))  # fmt: skip
        cursor.execute(sql, [*suffixes, *names])
        rows = [(*row[:4], _json(row[4])) for row in cursor.fetchall()]
    zones: dict[str, tuple[int, list[str]] | None] = {}
    at: dict[tuple[str, str], dict[str, tuple[int, list[str]]]] = {}
    for zone, name, rtype, ttl, values in rows:
        zone, name = zone.lower(), name.lower()
        zones.setdefault(zone, None)
        if rtype == "SOA" and name == zone:
            zones[zone] = (ttl, values)
        if name in names:
            at.setdefault((zone, name), {})[rtype] = (ttl, values)
    found: dict[str, Found | None] = {}
    for name in names:
        zone = next((suffix for suffix in _suffixes(name) if suffix in zones), None)
        found[name] = None if zone is None else Found(zone, at.get((zone, name), {}), zones[zone])
    return found


@functools.lru_cache(maxsize=65536)
def _rdata(rtype: str, value: str) -> dns.rdata.Rdata | None:
    """A value in zone-file syntax, parsed once (values repeat: every MX, SPF, SOA)."""
    try:
        return dns.rdata.from_text(
            dns.rdataclass.IN, rtype, value, origin=dns.name.root, relativize=False
        )
    except (dns.exception.DNSException, ValueError):
        log.warning("Skipping a %s value that is not zone-file syntax: %r", rtype, value)
        return None


def _rrset(name: dns.name.Name, rtype: str, ttl: int, values: list[str]) -> dns.rrset.RRset:
    rrset = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.from_text(rtype))
    for value in values:
        if (rdata := _rdata(rtype, value)) is not None:
            rrset.add(rdata, ttl)
    return rrset


def question_name(question: dns.rrset.RRset) -> str:
    return question.name.to_text(omit_final_dot=True).lower()


def answer(query: dns.message.Message, found: dict[str, Found | None]) -> dns.message.Message:
    """The response to one query (what a Route 53 name server would say), from lookup()."""
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    response.flags &= ~dns.flags.RA
    if query.opcode() != dns.opcode.QUERY:
        response.set_rcode(dns.rcode.NOTIMP)
        return response
    if len(query.question) != 1:
        response.set_rcode(dns.rcode.FORMERR)
        return response
    question = query.question[0]
    here = found.get(question_name(question))
    if question.rdclass != dns.rdataclass.IN or here is None:
        response.flags &= ~dns.flags.AA
        response.set_rcode(dns.rcode.REFUSED)
        return response
    qtype = dns.rdatatype.to_text(question.rdtype)
    if question.rdtype == dns.rdatatype.ANY:
        wanted = list(here.sets)
    elif qtype in here.sets:
        wanted = [qtype]
    elif "CNAME" in here.sets:
        wanted = ["CNAME"]
    else:
        wanted = []
    for rtype in wanted:
        rrset = _rrset(question.name, rtype, *here.sets[rtype])
        if rrset:
            response.answer.append(rrset)
    if not response.answer:
        if not here.sets:
            response.set_rcode(dns.rcode.NXDOMAIN)
        if here.soa is not None:
            # Negative answers are cached for min(SOA TTL, SOA minimum) (RFC 2308).
            zone = dns.name.from_text(here.zone)
            response.authority.append(_rrset(zone, "SOA", *here.soa))
    return response


def resolve(queries: list[dns.message.Message]) -> list[dns.message.Message]:
    """The responses to parsed queries (the transport has already refused what isn't a query),
    with one SQL query for them all; a DatabaseError reaches the caller."""
    names = [question_name(q.question[0]) for q in queries if len(q.question) == 1]
    found = lookup(names) if names else {}
    return [answer(query, found) for query in queries]
