"""The emulated Route 53 over DNS: an authoritative server for the public hosted zones.

`manage.py dnsserver` (and `make run`) answers UDP and TCP on one loopback port, so
`dig @127.0.0.1 -p 8053 _amazonses.example.com TXT` works and WORKMAIL_DNS_NAMESERVERS can point
at it. Answers come from the database at every query (no cache: an UPSERT shows at once), with
one SQL query per question: the record sets at the name and the SOA of every zone that could
hold it, the longest zone winning.

Answers, with the AA flag: the record set asked for; the name's CNAME for any other type;
NXDOMAIN with the zone's SOA in the authority section when the name has nothing; NOERROR with
the SOA (NODATA) when it has other types; REFUSED for a name in no public zone.
"""

import logging
import socket
import socketserver
import struct
import threading
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
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F, Q

from domains.models import ResourceRecordSet

log = logging.getLogger(__name__)

UDP_LIMIT = 512  # without EDNS (RFC 1035)
TCP_IDLE_SECONDS = 10


@dataclass(frozen=True)
class Found:
    zone: str  # the zone's name, lower case, no dot
    sets: dict[str, tuple[int, list[str]]]  # at the name asked: type -> (ttl, values)
    soa: tuple[int, list[str]] | None


def lookup(name: str) -> Found | None:
    """The record sets at `name` in the public zone holding it (the longest suffix), or None."""
    labels = name.split(".")
    suffixes = [".".join(labels[i:]) for i in range(len(labels))]
    rows = ResourceRecordSet.objects.filter(zone__private=False, zone__name__in=suffixes).filter(
        Q(name=name) | Q(type="SOA", name=F("zone__name"))
    )
    rows = list(rows.values_list("zone__name", "name", "type", "ttl", "values"))
    if not rows:
        return None
    zone = max((row[0] for row in rows), key=len)
    sets = {}
    soa = None
    for zone_name, rr_name, rtype, ttl, values in rows:
        if zone_name != zone:
            continue
        if rr_name == name:
            sets[rtype] = (ttl, values)
        if rtype == "SOA" and rr_name == zone:
            soa = (ttl, values)
    return Found(zone, sets, soa)


def _rrset(name: dns.name.Name, rtype: str, ttl: int, values: list[str]) -> dns.rrset.RRset:
    rrset = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.from_text(rtype))
    for value in values:
        try:
            rdata = dns.rdata.from_text(
                dns.rdataclass.IN, rrset.rdtype, value, origin=dns.name.root, relativize=False
            )
            rrset.add(rdata, ttl)
        except (dns.exception.DNSException, ValueError):
            log.warning(
                "Skipping a value that is not zone-file syntax: %s %s %r", name, rtype, value
            )
    return rrset


def answer(query: dns.message.Message) -> dns.message.Message:
    """The response to one query (what a Route 53 name server would say)."""
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
    if question.rdclass != dns.rdataclass.IN:
        response.set_rcode(dns.rcode.REFUSED)
        return response
    name = question.name.to_text(omit_final_dot=True).lower()
    try:
        found = lookup(name)
    except DatabaseError:
        log.exception("The DNS server could not read the hosted zones")
        connection.close()  # a fresh one at the next query
        response.set_rcode(dns.rcode.SERVFAIL)
        return response
    if found is None:
        response.flags &= ~dns.flags.AA
        response.set_rcode(dns.rcode.REFUSED)
        return response
    qtype = dns.rdatatype.to_text(question.rdtype)
    if question.rdtype == dns.rdatatype.ANY:
        wanted = list(found.sets)
    elif qtype in found.sets:
        wanted = [qtype]
    elif "CNAME" in found.sets:
        wanted = ["CNAME"]
    else:
        wanted = []
    for rtype in wanted:
        rrset = _rrset(question.name, rtype, *found.sets[rtype])
        if rrset:
            response.answer.append(rrset)
    if not response.answer:
        if not found.sets:
            response.set_rcode(dns.rcode.NXDOMAIN)
        if found.soa is not None:
            soa_ttl, soa_values = found.soa
            zone = dns.name.from_text(found.zone)
            # Negative answers are cached for min(SOA TTL, SOA minimum) (RFC 2308).
            response.authority.append(_rrset(zone, "SOA", soa_ttl, soa_values))
    return response


def respond(wire: bytes, *, limit: int | None) -> bytes | None:
    """The response's wire form to a query's (None: not a DNS query; no answer at all)."""
    try:
        query = dns.message.from_wire(wire)
    except dns.exception.DNSException:
        return _formerr(wire)
    close_old_connections()
    response = answer(query)
    if limit is None:
        return response.to_wire()
    if query.edns >= 0:
        limit = max(UDP_LIMIT, min(query.payload, 65535))
    try:
        return response.to_wire(max_size=limit)
    except dns.exception.TooBig:
        response.answer.clear()
        response.authority.clear()
        response.additional.clear()
        response.flags |= dns.flags.TC  # ask again over TCP
        return response.to_wire()


def _formerr(wire: bytes) -> bytes | None:
    """FORMERR echoing the query's ID, when the header at least is there."""
    if len(wire) < 12:
        return None
    (query_id,) = struct.unpack("!H", wire[:2])
    flags = dns.flags.QR | dns.rcode.FORMERR
    return struct.pack("!HHHHHH", query_id, flags, 0, 0, 0, 0)


class _UdpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        wire, sock = self.request
        reply = respond(wire, limit=UDP_LIMIT)
        if reply is not None:
            sock.sendto(reply, self.client_address)


class _TcpHandler(socketserver.StreamRequestHandler):
    timeout = TCP_IDLE_SECONDS

    def handle(self) -> None:
        while True:  # a client may send several queries on one connection
            try:
                header = self.rfile.read(2)
                if len(header) < 2:
                    return
                (length,) = struct.unpack("!H", header)
                wire = self.rfile.read(length)
            except OSError:
                return
            reply = respond(wire, limit=None)
            if reply is None:
                return
            self.wfile.write(struct.pack("!H", len(reply)) + reply)

    def finish(self) -> None:
        super().finish()
        connection.close()  # this connection's thread ends here, and its database session too


class _UdpServer(socketserver.UDPServer):
    allow_reuse_address = True
    max_packet_size = 65535

    def server_bind(self) -> None:
        # A burst of thousands of queries waits in the socket, not on the floor.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        super().server_bind()


class _TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class DnsServer:
    """UDP and TCP on one port of `address` (port 0: a free one, see .port)."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        for _ in range(20):  # port 0: the UDP port may be taken for TCP; pick another
            udp = _UdpServer((address, port), _UdpHandler)
            try:
                tcp = _TcpServer((address, udp.server_address[1]), _TcpHandler)
            except OSError:
                udp.server_close()
                if port:
                    raise
                continue
            break
        else:
            raise OSError("No free port for both UDP and TCP")
        self.udp, self.tcp = udp, tcp
        self.address, self.port = address, udp.server_address[1]
        self._threads: list[threading.Thread] = []

    def start(self) -> "DnsServer":
        """Serve in two background threads."""
        for server in (self.udp, self.tcp):
            thread = threading.Thread(
                target=self._serve, args=(server,), daemon=True, name=f"dns-{self.port}"
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _serve(self, server: socketserver.BaseServer) -> None:
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connection.close()

    def serve_forever(self) -> None:
        """Serve until interrupted (the management command)."""
        self.start()
        try:
            for thread in self._threads:
                thread.join()
        finally:
            self.stop()

    def stop(self) -> None:
        for server in (self.udp, self.tcp):
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
