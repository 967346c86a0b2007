"""The Route 53 tests' example.com zone. (The DNS server fixtures: tests/route53/dns_servers.py.)"""

import pytest

from route53.models import HostedZone
from route53.services import RecordSet, create_hosted_zone, upsert_record_sets
from tests.factories import AccountFactory

BIG = tuple(f'"{"v" * 200}{n:02}"' for n in range(20))  # about 4 KB of TXT: too big for UDP


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
