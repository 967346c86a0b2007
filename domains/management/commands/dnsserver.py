"""`manage.py dnsserver`: serve the emulated Route 53's public hosted zones over DNS."""

import contextlib
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from domains.dnsserver import DnsServer


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
            server.serve_forever()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
