"""The project's own DNS server on an ephemeral loopback port, for tests that need real DNS."""

from collections.abc import Callable, Iterator

import pytest

from domains.dnsserver import DnsServer
from domains.models import HostedZone
from domains.route53 import RecordSet, create_hosted_zone, upsert_record_sets
from tests.conftest import WORKER_DNS_PORT
from tests.factories import AccountFactory

BIG = tuple(f'"{"v" * 200}{n:02}"' for n in range(20))  # about 4 KB of TXT: too big for UDP


@pytest.fixture
def start_dns_server(transactional_db) -> Iterator[Callable[..., DnsServer]]:
    """Start DNS servers on free loopback ports, with DnsServer's keyword arguments (limits not
    given are the settings'); they answer from this test's hosted zones (committed rows: a
    server reads them from its own thread and database connection) and stop at the end."""
    servers: list[DnsServer] = []

    def start(**limits: float) -> DnsServer:
        servers.append(server := DnsServer("127.0.0.1", 0, **limits).start())
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def dns_server(start_dns_server) -> tuple[str, int]:
    """(host, port) of a running DNS server with the default limits."""
    server = start_dns_server()
    return server.address, server.port


@pytest.fixture
def worker_dns_server(transactional_db) -> Iterator[tuple[str, int]]:
    """The DNS server on the port the Celery workers of this run resolve through (on its own:
    tests/browser imports it)."""
    server = DnsServer("127.0.0.1", WORKER_DNS_PORT).start()
    yield server.address, server.port
    server.stop()


@pytest.fixture
def zone(transactional_db) -> HostedZone:
    """example.com, the first zone of its name (delegated to), with a few record sets and one
    too big for a UDP answer (about 4 KB of TXT)."""
    zone = create_hosted_zone(account=AccountFactory(), name="example.com")
    upsert_record_sets(
        zone,
        [
            RecordSet("_amazonses.example.com", "TXT", 300, ('"token="',)),
            RecordSet("example.com", "MX", 300, ("10 inbound-smtp.us-east-1.amazonaws.com.",)),
            RecordSet("www.example.com", "CNAME", 300, ("web.example.net.",)),
            RecordSet("big.example.com", "TXT", 300, BIG),
        ],
    )
    return zone
