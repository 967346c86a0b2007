"""`manage.py dnsserver`: serve the emulated Route 53's public hosted zones over DNS."""

import contextlib
import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from route53.dnsserver import DnsServer, ListenerDied


class Command(BaseCommand):
    help = "Answer DNS queries (UDP and TCP) from the public hosted zones, authoritatively."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=settings.WORKMAIL_DNS_PORT,
            help="UDP and TCP port (default WORKMAIL_DNS_PORT, %(default)s; 0: any free one)",
        )  # fmt: skip
        parser.add_argument("--address", default="127.0.0.1", help="default %(default)s")

    def handle(self, *args: object, port: int, address: str, **options: object) -> None:
        server = DnsServer(address, port)
        self.stdout.write(
            f"DNS server for the Route 53 hosted zones on {server.address} port {server.port}"
            f" (UDP and TCP): dig @{server.address} -p {server.port} <name> TXT",
        )
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _stop)  # make run's Ctrl-C: stop cleanly, exit 0
        with contextlib.suppress(KeyboardInterrupt):
            try:
                server.serve_forever()
            except ListenerDied as error:
                # Half a server must not look like a whole one: exit, so that honcho stops
                # `make run` and Compose restarts the service. os._exit: the database thread
                # may be stuck in a query, and nothing else is worth waiting for.
                self.stderr.write(f"The DNS server stopped ({error}); exiting with status 1")
                self.stderr.flush()
                os._exit(1)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
