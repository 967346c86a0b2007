"""The emulated Route 53, per account: hosted zones and their record sets, and the registrar.

Record values are kept in zone-file syntax (TXT quoted, names absolute), as Route 53's
ResourceRecords are, so the DNS server (domains.dnsserver) reads them with dnspython's rdata
parser.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from domains.models import HostedZone, MailDomain, ResourceRecordSet
from workmail_console.errors import WorkMailError
from workmail_console.models import Account


class HostedZoneAlreadyExists(WorkMailError):
    code = "HostedZoneAlreadyExists"


@dataclass(frozen=True)
class RecordSet:
    name: str  # fully qualified, no trailing dot
    type: str
    ttl: int
    values: tuple[str, ...]  # zone-file syntax


def create_hosted_zone(
    *, account: Account, name: str, private: bool = False, comment: str = ""
) -> HostedZone:
    """CreateHostedZone: the zone with its SOA and NS record sets."""
    name = name.strip().rstrip(".").lower()
    zone = HostedZone(account=account, name=name, private=private, comment=comment)
    try:
        with transaction.atomic():
            zone.save(force_insert=True)
            ResourceRecordSet.objects.bulk_create(
                [
                    ResourceRecordSet(
                        zone=zone, name=name, type="SOA", ttl=900,
                        values=["ns-1.awsdns-emulator.net. awsdns-hostmaster.amazon.com."
                                " 1 7200 900 1209600 86400"],
                    ),
                    ResourceRecordSet(
                        zone=zone, name=name, type="NS", ttl=172800,
                        values=["ns-1.awsdns-emulator.net.", "ns-2.awsdns-emulator.org."],
                    ),
                ]
            )  # fmt: skip
    except IntegrityError:
        raise HostedZoneAlreadyExists(
            f"A public hosted zone for {name} already exists.", field="name"
        ) from None
    return zone


def upsert_record_sets(zone: HostedZone, record_sets: Iterable[RecordSet]) -> int:
    """ChangeResourceRecordSets with UPSERT: each (name, type) set replaced whole; how many."""
    count = 0
    with transaction.atomic():
        for record_set in record_sets:
            ResourceRecordSet.objects.update_or_create(
                zone=zone, name=record_set.name.rstrip(".").lower(), type=record_set.type,
                defaults={"ttl": record_set.ttl, "values": list(record_set.values)},
            )  # fmt: skip
            count += 1
    return count


def mail_domain_record_sets(domain: MailDomain) -> list[RecordSet]:
    """A mail domain's records as Route 53 record sets: records sharing a name and type (the
    SPF TXT beside another TXT on the apex, say) go into one set, keeping the zone's other
    values of that set."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for record in domain.expected_records():
        wanted.setdefault((record.hostname, record.type), []).append(record.zone_value)
    existing = {}
    if domain.hosted_zone_id is not None:
        existing = {
            (rs.name, rs.type): rs.values
            for rs in domain.hosted_zone.record_sets.filter(
                name__in=[name for name, _ in wanted], type__in=["TXT", "MX", "CNAME"]
            )
        }
    sets = []
    for (name, rtype), values in wanted.items():
        kept = [] if rtype == "CNAME" else existing.get((name, rtype), [])
        merged = tuple(dict.fromkeys([*kept, *values]))
        sets.append(RecordSet(name, rtype, 3600, merged))
    return sets
