"""The project's own DNS server on an ephemeral loopback port, for tests that need real DNS."""

from collections.abc import Iterator

import pytest

from domains.dnsserver import DnsServer
from tests.conftest import WORKER_DNS_PORT


@pytest.fixture
def dns_server(transactional_db) -> Iterator[tuple[str, int]]:
    """(host, port) of a running DNS server answering from this test's hosted zones (committed
    rows: the server reads them from its own thread and database connection)."""
    server = DnsServer("127.0.0.1", 0).start()
    yield server.address, server.port
    server.stop()


@pytest.fixture
def worker_dns_server(transactional_db) -> Iterator[tuple[str, int]]:
    """The DNS server on the port the Celery workers of this run resolve through."""
    server = DnsServer("127.0.0.1", WORKER_DNS_PORT).start()
    yield server.address, server.port
    server.stop()
