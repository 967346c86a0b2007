"""The project's DNS server on loopback, for every test that needs real DNS (the route53 tests,
domain verification, the browser's): a plugin of the root tests/conftest.py, so tests/domains and
tests/browser see these fixtures too."""

from collections.abc import Callable, Iterator

import pytest

from route53.dnsserver import DnsServer
from tests.conftest import WORKER_DNS_PORT


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
    """The DNS server on the port the Celery workers of this run resolve through."""
    server = DnsServer("127.0.0.1", WORKER_DNS_PORT).start()
    yield server.address, server.port
    server.stop()
