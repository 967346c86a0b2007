"""The emulated Route 53 over DNS: an authoritative server for the public hosted zones.

`manage.py dnsserver` (and `make run`) answers UDP and TCP on one port, so
`dig @127.0.0.1 -p 8053 _amazonses.example.com TXT` works and WORKMAIL_DNS_NAMESERVERS can point
at it. This module moves packets; route53.authority reads the zones and builds each answer.

One asyncio event loop moves every packet; the database is read from one thread only, which
owns the server's one database connection: a burst of UDP questions costs one SQL query, and a
TCP client waiting to send holds no connection. No packet's failure reaches a listener; if a
listener stops anyway, serve_forever() raises ListenerDied so that the process exits.
"""

import asyncio
import contextlib
import enum
import functools
import ipaddress
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.message
import dns.rcode
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections

from route53.authority import resolve

log = logging.getLogger(__name__)

UDP_LIMIT = 512  # without EDNS (RFC 1035)
# With EDNS, whatever payload the query offers: no IP fragments (DNS Flag Day 2020), and a
# spoofed query can't turn 60 bytes into 4,000 aimed at someone else.
EDNS_UDP_LIMIT = 1232
TCP_LIMIT = 65535
UDP_BATCH = 256  # datagrams answered together, with one SQL query
SLIP = 2  # over the rate limit, every SLIP-th query gets a truncated reply (BIND's default)
RATE_LIMITED_NETWORKS = 65536  # networks the rate limit remembers; the oldest is forgotten


class ListenerDied(Exception):
    """The UDP or the TCP listener stopped: the server is no longer whole."""


def is_query(wire: bytes) -> bool:
    """A DNS header with QR clear. A response is never answered: replying to one invites two
    servers to bounce packets between them forever."""
    return len(wire) >= 12 and not wire[2] & 0x80


def respond(wires: list[bytes], *, tcp: bool = False) -> list[bytes | None]:
    """The replies to packets (None: no reply), with one SQL query for them all. It runs on the
    database thread, and no exception escapes it."""
    queries = [_parse(wire) for wire in wires]
    responses = iter(_resolve([query for query in queries if query is not None]))
    replies: list[bytes | None] = []
    for wire, query in zip(wires, queries, strict=True):
        if not is_query(wire):
            replies.append(None)
        elif query is None:
            replies.append(_header_reply(wire, dns.rcode.FORMERR))
        else:
            replies.append(_render(wire, query, next(responses), tcp=tcp))
    return replies


def _parse(wire: bytes) -> dns.message.Message | None:
    if not is_query(wire):
        return None
    try:
        return dns.message.from_wire(wire)
    except Exception:  # dnspython raises more than DNSException on some malformed packets
        return None


def _resolve(queries: list[dns.message.Message]) -> list[dns.message.Message | None]:
    """authority.resolve(queries), None for each query it could not answer (SERVFAIL)."""
    if not queries:
        return []
    try:
        close_old_connections()
        return resolve(queries)
    except DatabaseError:
        log.exception("The DNS server could not read the hosted zones")
        connection.close()  # a fresh one at the next query
        return [None] * len(queries)
    except Exception:
        log.exception("Answering %d DNS queries failed; trying each alone", len(queries))
    # One query that breaks the lookup must not take the others in its batch down with it.
    return [_resolve_alone(query) for query in queries] if len(queries) > 1 else [None]


def _resolve_alone(query: dns.message.Message) -> dns.message.Message | None:
    try:
        [response] = resolve([query])
    except Exception:
        return None
    return response


def _render(
    wire: bytes, query: dns.message.Message, response: dns.message.Message | None, *, tcp: bool
) -> bytes:
    """The response's wire form, truncated (TC) to what the transport may carry."""
    if tcp:
        limit = TCP_LIMIT
    elif query.edns >= 0:
        limit = max(UDP_LIMIT, min(query.payload, EDNS_UDP_LIMIT))
    else:
        limit = UDP_LIMIT
    try:
        if response is None:
            response = dns.message.make_response(query)
            response.set_rcode(dns.rcode.SERVFAIL)
        try:
            return response.to_wire(max_size=limit)
        except dns.exception.TooBig:
            response.answer.clear()
            response.authority.clear()
            response.additional.clear()
            response.flags |= dns.flags.TC  # ask again over TCP
            return response.to_wire(max_size=limit)
    except Exception:
        log.exception("Could not write the DNS response to %r", query.question)
        return _header_reply(wire, dns.rcode.SERVFAIL)


def _header_reply(wire: bytes, rcode: dns.rcode.Rcode) -> bytes:
    """A bare header answering a query: its ID, opcode and RD flag, and rcode."""
    query_id, query_flags = struct.unpack("!HH", wire[:4])
    flags = dns.flags.QR | (query_flags & (0x7800 | dns.flags.RD)) | rcode
    return struct.pack("!HHHHHH", query_id, flags, 0, 0, 0, 0)


def truncated_reply(wire: bytes) -> bytes | None:
    """An empty reply with TC, no bigger than the query: the client may ask again over TCP."""
    try:
        query = dns.message.from_wire(wire, question_only=True)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.TC
        return response.to_wire(max_size=len(wire))
    except Exception:
        return None


class Admission(enum.Enum):
    ANSWER = "answer"
    TRUNCATE = "truncate"  # an empty reply with TC
    DROP = "drop"


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    refused: int = 0


class RateLimit:
    """Response rate limiting, BIND's RRL made simple: a token bucket per client network (IPv4
    /24, IPv6 /56) that refills `per_second` tokens a second and holds a second's worth. Over the
    limit, every SLIP-th query gets an empty truncated reply (a real client asks again over TCP,
    which needs no limit: its source address can't be forged) and the others none. 0: no limit."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self._clock = clock
        self._buckets: dict[bytes, _Bucket] = {}

    def admit(self, address: str) -> Admission:
        if not self.per_second:
            return Admission.ANSWER
        now = self._clock()
        network = _network(address)
        bucket = self._buckets.get(network)
        if bucket is None:
            if len(self._buckets) >= RATE_LIMITED_NETWORKS:  # forgetting only refills a bucket
                del self._buckets[next(iter(self._buckets))]
            bucket = self._buckets[network] = _Bucket(self.per_second, now)
        bucket.tokens = min(self.per_second, bucket.tokens + (now - bucket.stamp) * self.per_second)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Admission.ANSWER
        bucket.refused += 1
        return Admission.TRUNCATE if bucket.refused % SLIP == 0 else Admission.DROP


def _network(address: str) -> bytes:
    ip = ipaddress.ip_address(address.partition("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # an IPv4 client of a dual-stack socket
    return ip.packed[:3] if ip.version == 4 else ip.packed[:7]  # /24, /56


class DnsServer:
    """UDP and TCP on one port of `address` (port 0: a free one, see .port).

    One event loop thread moves the packets: UDP takes every datagram waiting (up to UDP_BATCH)
    and answers them with one SQL query, so that under load a burst of queries costs a few
    database round trips, not one each; TCP serves up to `tcp_clients` connections, each closed
    after `tcp_idle_timeout` seconds of silence. Every answer is computed on one database
    thread. Limits not given are the WORKMAIL_DNS_* settings."""

    def __init__(
        self,
        address: str = "127.0.0.1",
        port: int = 0,
        *,
        tcp_clients: int | None = None,
        tcp_idle_timeout: float | None = None,
        rate_limit: float | None = None,
    ) -> None:
        self.udp, self.tcp = _bind(address, port)
        self.address, self.port = address, self.udp.getsockname()[1]
        if tcp_clients is None:
            tcp_clients = settings.WORKMAIL_DNS_TCP_CLIENTS
        if tcp_idle_timeout is None:
            tcp_idle_timeout = settings.WORKMAIL_DNS_TCP_IDLE_TIMEOUT
        if rate_limit is None:
            rate_limit = settings.WORKMAIL_DNS_RATE_LIMIT
        self.tcp_clients, self.tcp_idle_timeout = tcp_clients, tcp_idle_timeout
        self.rate_limit = RateLimit(rate_limit)
        self.failure: Exception | None = None
        self._database = ThreadPoolExecutor(1, thread_name_prefix=f"dns-{self.port}-database")
        self._loop = asyncio.new_event_loop()
        self._clients: set[asyncio.Task] = set()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"dns-{self.port}")
        self._stopped = False

    def start(self) -> "DnsServer":
        """Serve from background threads."""
        self._main = self._loop.create_task(self._serve())
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve until interrupted (the management command); ListenerDied if a listener stops."""
        self.start()
        try:
            self._thread.join()
        finally:
            self.stop()
        if self.failure is not None:
            raise ListenerDied(str(self.failure)) from self.failure

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop has just ended
                self._loop.call_soon_threadsafe(self._main.cancel)
            self._thread.join(timeout=5)
        elif self._thread.ident is None:  # never started
            self._loop.close()
        with contextlib.suppress(Exception):  # its connection, from the thread that opened it
            self._database.submit(connections.close_all).result(timeout=5)
        self._database.shutdown(wait=False)
        self.udp.close()
        self.tcp.close()

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._main)
        except asyncio.CancelledError:
            pass  # stop()
        except Exception as error:
            self.failure = error
            log.critical("The DNS server on port %s stopped answering", self.port, exc_info=True)
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        """Both listeners, until stop(); raises when either of them ends."""
        listeners = [asyncio.create_task(self._serve_udp()), asyncio.create_task(self._serve_tcp())]
        try:
            [ended], _ = await asyncio.wait(listeners, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for listener in listeners:
                listener.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)
        name = "UDP" if ended is listeners[0] else "TCP"
        raise ListenerDied(f"The {name} listener ended") from ended.exception()

    async def _answer(self, wires: list[bytes], *, tcp: bool) -> list[bytes | None]:
        """respond() on the database thread; whatever fails there costs this batch a SERVFAIL."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._database, functools.partial(respond, wires, tcp=tcp)
            )
        except Exception:
            log.exception("Answering %d DNS queries failed", len(wires))
            return [_header_reply(w, dns.rcode.SERVFAIL) if is_query(w) else None for w in wires]

    async def _serve_udp(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await loop.sock_recvfrom(self.udp, 65535)]
            with contextlib.suppress(BlockingIOError):
                while len(batch) < UDP_BATCH:
                    batch.append(self.udp.recvfrom(65535))
            wanted = [(wire, client) for wire, client in batch if self._admit(wire, client)]
            if wanted:
                replies = await self._answer([wire for wire, _ in wanted], tcp=False)
                for reply, (_, client) in zip(replies, wanted, strict=True):
                    self._send(reply, client)

    def _admit(self, wire: bytes, client: tuple) -> bool:
        """Whether a datagram goes on to be answered; over the rate limit, it may get an empty
        truncated reply here instead."""
        try:
            if not is_query(wire):
                return False
            admission = self.rate_limit.admit(client[0])
            if admission is Admission.TRUNCATE:
                self._send(truncated_reply(wire), client)
            return admission is Admission.ANSWER
        except Exception:
            log.exception("Could not sort a DNS datagram from %s", client)
            return False

    def _send(self, reply: bytes | None, client: tuple) -> None:
        if reply is not None:
            with contextlib.suppress(OSError):  # a full buffer or a gone client: UDP may lose it
                self.udp.sendto(reply, client)

    async def _serve_tcp(self) -> None:
        server = await asyncio.start_server(self._serve_tcp_client, sock=self.tcp)
        try:
            await asyncio.get_running_loop().create_future()  # until cancelled
        finally:
            server.close()
            for client in self._clients:
                client.cancel()
            await asyncio.gather(*self._clients, return_exceptions=True)

    async def _serve_tcp_client(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """A TCP client's queries, one after another, until it falls silent for the idle timeout
        (RFC 7766); over the cap, the connection is closed at once."""
        if len(self._clients) >= self.tcp_clients:
            writer.close()
            return
        self._clients.add(task := asyncio.current_task())
        try:
            while True:
                async with asyncio.timeout(self.tcp_idle_timeout):
                    (length,) = struct.unpack("!H", await reader.readexactly(2))
                    wire = await reader.readexactly(length)
                [reply] = await self._answer([wire], tcp=True)
                if reply is None:
                    return
                writer.write(struct.pack("!H", len(reply)) + reply)
                async with asyncio.timeout(self.tcp_idle_timeout):
                    await writer.drain()
        except (TimeoutError, EOFError, ConnectionError):
            pass  # silent, gone, or cut short
        except Exception:
            log.exception("A DNS client's TCP connection failed")
        finally:
            self._clients.discard(task)
            writer.close()


def _bind(address: str, port: int) -> tuple[socket.socket, socket.socket]:
    """A UDP and a TCP socket on the same port (port 0: one free for both)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    for _ in range(20):
        udp = socket.socket(family, socket.SOCK_DGRAM)
        tcp = socket.socket(family, socket.SOCK_STREAM)
        try:
            # A burst of thousands of queries waits in the socket, not on the floor.
            udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
            udp.bind((address, port))
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            tcp.bind((address, udp.getsockname()[1]))
        except OSError:
            udp.close()
            tcp.close()
            if port:
                raise
            continue  # port 0: the UDP port may be taken for TCP; pick another
        tcp.listen(128)
        udp.setblocking(False)
        tcp.setblocking(False)
        return udp, tcp
    raise OSError("No free port for both UDP and TCP")
