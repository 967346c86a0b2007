"""The emulated Route 53 over DNS: an authoritative server for the public hosted zones.

`manage.py dnsserver` (and `make run`) answers UDP and TCP on one loopback port, so
`dig @127.0.0.1 -p 8053 _amazonses.example.com TXT` works and WORKMAIL_DNS_NAMESERVERS can point
at it. This module moves packets; domains.authority reads the zones and builds each answer, with
one SQL query for a whole burst of UDP questions.
"""

import contextlib
import logging
import select
import socket
import socketserver
import struct
import threading

import dns.exception
import dns.flags
import dns.message
import dns.rcode
from django.db import DatabaseError, close_old_connections, connection

from domains.authority import resolve

log = logging.getLogger(__name__)

UDP_LIMIT = 512  # without EDNS (RFC 1035)
TCP_IDLE_SECONDS = 10
UDP_BATCH = 256  # datagrams answered together, with one SQL query
POLL_SECONDS = 0.05


def respond(wires: list[bytes], *, limit: int | None) -> list[bytes | None]:
    """The responses' wire forms to queries' (None: not even a DNS header; no reply), with one
    SQL query for them all."""
    queries: list[dns.message.Message | None] = []
    for wire in wires:
        try:
            queries.append(dns.message.from_wire(wire))
        except dns.exception.DNSException:
            queries.append(None)
    parsed = [query for query in queries if query is not None]
    close_old_connections()
    try:
        responses = iter(resolve(parsed))
    except DatabaseError:
        log.exception("The DNS server could not read the hosted zones")
        connection.close()  # a fresh one at the next query
        responses = iter([_servfail(query) for query in parsed])
    return [
        _formerr(wire) if query is None else _wire(query, next(responses), limit)
        for wire, query in zip(wires, queries, strict=True)
    ]


def _servfail(query: dns.message.Message) -> dns.message.Message:
    response = dns.message.make_response(query)
    response.set_rcode(dns.rcode.SERVFAIL)
    return response


def _wire(query: dns.message.Message, response: dns.message.Message, limit: int | None) -> bytes:
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
            [reply] = respond([wire], limit=None)
            if reply is None:
                return
            self.wfile.write(struct.pack("!H", len(reply)) + reply)

    def finish(self) -> None:
        super().finish()
        connection.close()  # this connection's thread ends here, and its database session too


class _TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class DnsServer:
    """UDP and TCP on one port of `address` (port 0: a free one, see .port).

    UDP is one loop that takes every datagram waiting (up to UDP_BATCH) and answers them with
    one SQL query: under load, a burst of queries costs a few database round trips, not one
    each. TCP connections get a thread each."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        for _ in range(20):  # port 0: the UDP port may be taken for TCP; pick another
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            # A burst of thousands of queries waits in the socket, not on the floor.
            udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
            udp.bind((address, port))
            try:
                tcp = _TcpServer((address, udp.getsockname()[1]), _TcpHandler)
            except OSError:
                udp.close()
                if port:
                    raise
                continue
            break
        else:
            raise OSError("No free port for both UDP and TCP")
        udp.setblocking(False)
        self.udp, self.tcp = udp, tcp
        self.address, self.port = address, udp.getsockname()[1]
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> "DnsServer":
        """Serve in two background threads."""
        for target in (self._serve_udp, self._serve_tcp):
            thread = threading.Thread(target=target, daemon=True, name=f"dns-{self.port}")
            thread.start()
            self._threads.append(thread)
        return self

    def _serve_udp(self) -> None:
        try:
            while not self._stopping.is_set():
                if not select.select([self.udp], [], [], POLL_SECONDS)[0]:
                    continue
                batch: list[tuple[bytes, tuple]] = []
                with contextlib.suppress(BlockingIOError):
                    while len(batch) < UDP_BATCH:
                        batch.append(self.udp.recvfrom(65535))
                replies = respond([wire for wire, _ in batch], limit=UDP_LIMIT)
                for reply, (_, client) in zip(replies, batch, strict=True):
                    if reply is not None:
                        with contextlib.suppress(OSError):
                            self.udp.sendto(reply, client)
        finally:
            connection.close()

    def _serve_tcp(self) -> None:
        self.tcp.serve_forever(poll_interval=POLL_SECONDS)

    def serve_forever(self) -> None:
        """Serve until interrupted (the management command)."""
        self.start()
        try:
            for thread in self._threads:
                thread.join()
        finally:
            self.stop()

    def stop(self) -> None:
        self._stopping.set()
        self.tcp.shutdown()
        self.tcp.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.udp.close()
