"""The DNS server's transport: no packet silences it, TCP clients are capped and hold no database
connection, and UDP can't be used to amplify an attack."""

import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from route53 import dnsserver
from route53.authority import resolve
from route53.dnsserver import Admission, DnsServer, RateLimit, respond
from tests.route53.conftest import BIG

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(start_dns_server, zone) -> DnsServer:
    return start_dns_server()


def wire(name: str = "_amazonses.example.com", rdtype: str = "TXT", **options: object) -> bytes:
    return dns.message.make_query(name, rdtype, **options).to_wire()


def udp(server: DnsServer, packet: bytes, *, source: str = "127.0.0.1", timeout: float = 2):
    """The reply to one datagram, or None when none comes within `timeout`."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(timeout)
        sock.sendto(packet, (server.address, server.port))
        try:
            return sock.recv(65535)
        except TimeoutError:
            return None


def answers_correctly(server: DnsServer, *, tcp: bool = False) -> bool:
    query = dns.message.make_query("_amazonses.example.com", "TXT")
    send = dns.query.tcp if tcp else dns.query.udp
    response = send(query, server.address, port=server.port, timeout=2)
    return [rdata.strings for rdata in response.answer[0]] == [(b"token=",)]


# --- No packet silences the server ----------------------------------------------------------


def test_a_response_gets_no_reply_and_the_server_keeps_answering(server) -> None:
    response = dns.message.make_response(dns.message.make_query("example.com", "TXT"))
    assert udp(server, response.to_wire(), timeout=0.5) is None
    assert answers_correctly(server)


def test_a_response_over_tcp_closes_the_connection_without_reply(server) -> None:
    response = dns.message.make_response(dns.message.make_query("example.com", "TXT")).to_wire()
    with socket.create_connection((server.address, server.port), timeout=2) as client:
        client.sendall(struct.pack("!H", len(response)) + response)
        assert client.recv(1) == b""
    assert answers_correctly(server, tcp=True)


def test_an_unknown_opcode_gets_notimp(server) -> None:
    query = dns.message.make_query("example.com", "TXT")
    query.set_opcode(dns.opcode.STATUS)
    reply = dns.message.from_wire(udp(server, query.to_wire()))
    assert reply.rcode() == dns.rcode.NOTIMP


def test_a_failing_lookup_gets_servfail_and_the_next_query_an_answer(server, monkeypatch) -> None:
    def broken(queries: list) -> list:
        raise RuntimeError("a bug in the lookup")

    monkeypatch.setattr(dnsserver, "resolve", broken)
    assert dns.message.from_wire(udp(server, wire())).rcode() == dns.rcode.SERVFAIL
    monkeypatch.undo()
    assert answers_correctly(server)


def test_a_query_that_breaks_the_lookup_costs_its_batch_nothing_else(zone, monkeypatch) -> None:
    def fragile(queries: list) -> list:
        if any(query.question[0].name.to_text() == "poison.example.com." for query in queries):
            raise RuntimeError("a bug in the lookup")
        return resolve(queries)

    monkeypatch.setattr(dnsserver, "resolve", fragile)
    good, poisoned = respond([wire(), wire("poison.example.com")])
    assert dns.message.from_wire(good).answer
    assert dns.message.from_wire(poisoned).rcode() == dns.rcode.SERVFAIL


def test_a_response_that_cannot_be_written_gets_servfail(zone, monkeypatch) -> None:
    class Unwritable(dns.message.Message):
        def to_wire(self, *args: object, **kwargs: object) -> bytes:
            raise ValueError("a bug in the response")

    monkeypatch.setattr(dnsserver, "resolve", lambda queries: [Unwritable(q.id) for q in queries])
    query = wire()
    [reply] = respond([query])
    assert reply[:2] == query[:2]
    assert dns.message.from_wire(reply).rcode() == dns.rcode.SERVFAIL


@pytest.mark.process  # runs manage.py dnsserver
@pytest.mark.parametrize("listener", ["udp", "tcp"])
def test_the_command_exits_with_status_1_when_a_listener_dies(listener: str) -> None:
    crashing_server = f"""
import django
django.setup()
from django.core.management import call_command
from route53.dnsserver import DnsServer

async def crash(self):
    raise OSError("the {listener} socket broke")

DnsServer._serve_{listener} = crash
call_command("dnsserver", "--port", "0")
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "workmail_console.settings"}
    ended = subprocess.run(
        [sys.executable, "-c", crashing_server],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert ended.returncode == 1
    assert f"the {listener} socket broke" in ended.stderr


# --- TCP: capped clients, closed when idle, no database connection each --------------------


def tcp_client(server: DnsServer) -> socket.socket:
    """A TCP client that asked once, was answered, and now stays connected without a word."""
    client = socket.create_connection((server.address, server.port), timeout=2)
    dns.query.send_tcp(client, dns.message.make_query("_amazonses.example.com", "TXT"))
    dns.query.receive_tcp(client, expiration=time.time() + 2)
    return client


def database_sessions() -> int:
    """Sessions on the test database, other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_idle_tcp_clients_hold_no_database_connection(start_dns_server, zone) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL sessions")
    before = database_sessions()
    server = start_dns_server()
    clients = [tcp_client(server) for _ in range(25)]
    try:
        assert database_sessions() - before <= 1  # the server's one, on its database thread
        assert answers_correctly(server)
    finally:
        for client in clients:
            client.close()


def test_tcp_clients_beyond_the_cap_are_closed_at_once(start_dns_server, zone) -> None:
    server = start_dns_server(tcp_clients=3)
    clients = [tcp_client(server) for _ in range(3)]
    try:
        with socket.create_connection((server.address, server.port), timeout=2) as extra:
            assert extra.recv(1) == b""
        assert answers_correctly(server)
    finally:
        for client in clients:
            client.close()


def test_a_closed_tcp_client_gives_its_place_back(start_dns_server, zone) -> None:
    server = start_dns_server(tcp_clients=1)
    tcp_client(server).close()
    deadline = time.monotonic() + 2
    while True:  # the server sees the close a moment later
        try:
            assert answers_correctly(server, tcp=True)
            return
        except (ConnectionError, EOFError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_a_silent_tcp_client_is_closed_after_the_idle_timeout(start_dns_server, zone) -> None:
    server = start_dns_server(tcp_idle_timeout=0.3)
    with socket.create_connection((server.address, server.port), timeout=3) as client:
        started = time.monotonic()
        assert client.recv(1) == b""
        assert time.monotonic() - started < 2


def test_a_tcp_client_that_keeps_asking_stays_connected(start_dns_server, zone) -> None:
    server = start_dns_server(tcp_idle_timeout=0.3)
    with tcp_client(server) as client:
        for _ in range(5):
            time.sleep(0.15)
            dns.query.send_tcp(client, dns.message.make_query("_amazonses.example.com", "TXT"))
            response, _ = dns.query.receive_tcp(client, expiration=time.time() + 2)
            assert response.answer


# --- No amplification -----------------------------------------------------------------------


def test_a_udp_answer_is_at_most_1232_bytes_whatever_edns_offers(server) -> None:
    reply = udp(server, wire("big.example.com", use_edns=0, payload=65535))
    assert len(reply) <= 1232
    assert dns.message.from_wire(reply).flags & dns.flags.TC


def test_the_answer_too_big_for_udp_comes_whole_over_tcp(server) -> None:
    query = dns.message.make_query("big.example.com", "TXT", use_edns=0, payload=65535)
    response = dns.query.tcp(query, server.address, port=server.port, timeout=2)
    assert len(response.answer[0]) == len(BIG)


def burst(server: DnsServer, count: int, *, source: str = "127.0.0.1") -> list:
    """The replies to `count` queries sent at once from `source`, as they arrived."""
    replies = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        for _ in range(count):
            sock.sendto(wire(), (server.address, server.port))
        sock.settimeout(0.3)
        try:
            while True:
                replies.append(dns.message.from_wire(sock.recv(65535)))
        except TimeoutError:
            return replies


def test_a_burst_beyond_the_rate_limit_gets_fewer_answers_than_queries(start_dns_server, zone):
    server = start_dns_server(rate_limit=5)
    answered = [reply for reply in burst(server, 40) if reply.answer]
    assert 5 <= len(answered) < 10


def test_over_the_rate_limit_every_other_query_gets_an_empty_truncated_reply(
    start_dns_server, zone
) -> None:
    server = start_dns_server(rate_limit=5)
    truncated = [reply for reply in burst(server, 45) if reply.flags & dns.flags.TC]
    assert 15 <= len(truncated) <= 20
    assert not any(reply.answer for reply in truncated)


def test_another_network_is_answered_while_one_is_over_the_rate_limit(start_dns_server, zone):
    server = start_dns_server(rate_limit=1)
    burst(server, 20, source="127.0.0.1")
    assert dns.message.from_wire(udp(server, wire(), source="127.0.1.1")).answer
    still_limited = udp(server, wire(), source="127.0.0.1", timeout=0.3)
    assert still_limited is None or not dns.message.from_wire(still_limited).answer


def test_the_rate_limit_refills_with_time() -> None:
    now = [0.0]
    limit = RateLimit(2, clock=lambda: now[0])
    assert [limit.admit("192.0.2.1") for _ in range(3)] == [
        Admission.ANSWER, Admission.ANSWER, Admission.DROP,
    ]  # fmt: skip
    now[0] = 0.5
    assert limit.admit("192.0.2.200") is Admission.ANSWER  # the same /24
    assert limit.admit("192.0.2.1") is Admission.TRUNCATE


def test_a_rate_limit_of_0_admits_everything() -> None:
    limit = RateLimit(0)
    assert {limit.admit("192.0.2.1") for _ in range(10_000)} == {Admission.ANSWER}


# --- Whatever arrives, the server keeps answering -------------------------------------------

# Half the time the usual question about the big answer, to meet the size limits often.
NAMES = st.just("big.example.com") | st.sampled_from(
    ["_amazonses.example.com", "x.example.com", "."]
)
TYPES = st.just("TXT") | st.sampled_from(["ANY", "A", "MX", "SOA", "AXFR", "OPT", "TYPE65280"])
CLASSES = st.just("IN") | st.sampled_from(["CH", "ANY", "NONE", "CLASS0", "CLASS65535"])


@st.composite
def queries(draw: st.DrawFn) -> bytes:
    """A well-formed query, with or without EDNS, odd versions, payloads and options included."""
    query = dns.message.make_query(draw(NAMES), draw(TYPES), draw(CLASSES))
    if (version := draw(st.sampled_from([0, None, 1, 255]))) is not None:
        option = st.builds(dns.edns.GenericOption, st.integers(0, 65535), st.binary(max_size=20))
        query.use_edns(
            version,
            payload=draw(st.integers(0, 65535)),
            options=draw(st.lists(option, max_size=2)),
        )
    return query.to_wire()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A query with some of: bit flips, a truncation, QR set, bogus counts, a random opcode."""
    packet = bytearray(draw(queries()))
    for _ in range(draw(st.integers(1, 3))):
        match draw(st.sampled_from(["flip", "cut", "qr", "counts", "opcode"])):
            case "flip":
                bit = draw(st.integers(0, len(packet) * 8 - 1))
                packet[bit // 8] ^= 1 << bit % 8
            case "cut":
                packet = packet[: draw(st.integers(0, len(packet)))] or bytearray(b"\0")
            case "qr":
                packet[2:3] = bytes([packet[2] | 0x80]) if len(packet) > 2 else b""
            case "counts":
                packet[4:12] = draw(st.binary(min_size=8, max_size=8))
            case "opcode":
                if len(packet) > 2:
                    packet[2] = packet[2] & 0x87 | draw(st.integers(0, 15)) << 3
    return bytes(packet)


packets = st.one_of(queries(), mutated(), st.binary(max_size=600))


def send_tcp(server: DnsServer, packet: bytes, *, framed: bool) -> bytes:
    """Everything the server sends back on one connection that carried `packet` and closed."""
    with socket.create_connection((server.address, server.port), timeout=2) as client:
        client.sendall(struct.pack("!H", len(packet)) + packet if framed else packet)
        client.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := client.recv(65535):
            received += chunk
        return received


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(packets, min_size=1, max_size=8), framed=st.booleans())
@example(batch=[wire("big.example.com", use_edns=0, payload=65535)], framed=True)
def test_no_packet_stops_the_server_answering(server, batch: list[bytes], framed: bool) -> None:
    good = dns.message.make_query("_amazonses.example.com", "TXT").to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        for packet in [*batch, good]:
            sock.sendto(packet, (server.address, server.port))
        replies = []  # to the batch, until the good query's answer
        while not ((reply := sock.recv(65535))[:2] == good[:2] and b"token=" in reply):
            replies.append(reply)
    assert answers_correctly(server)
    wanted = [packet for packet in batch if len(packet) >= 12 and not packet[2] & 0x80]  # QR
    assert len(replies) <= len(wanted)
    assert all(len(reply) <= 1232 and reply[2] & 0x80 for reply in replies)
    assert {reply[:2] for reply in replies} <= {packet[:2] for packet in wanted}
    for packet in batch:
        send_tcp(server, packet, framed=framed)
    assert answers_correctly(server, tcp=True)
