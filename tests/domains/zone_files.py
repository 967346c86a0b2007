"""Reading back what the console writes as a zone file."""

import dns.name
import dns.zone


def parse_zone_file(text: str, origin: str) -> dns.zone.Zone:
    """dnspython's reading of a zone file (how the tests read "Copy all" back)."""
    return dns.zone.from_text(text, origin=dns.name.from_text(origin), check_origin=False)
