"""Asking the registry what the DNS server answers from."""

from route53 import registry
from route53.models import HostedZone


def is_delegated(zone: HostedZone) -> bool:
    """Whether the DNS server answers for the zone's name from this zone now."""
    return zone.pk in registry.delegated_pks([zone])
