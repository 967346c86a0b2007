"""The emulated Route 53, per account: hosted zones and their record sets.

One function per Route 53 operation (CreateHostedZone, ListHostedZones, GetHostedZone,
DeleteHostedZone, ChangeResourceRecordSets), raising Route 53's own error codes. Record values
are kept in zone-file syntax (TXT quoted, names absolute), as Route 53's ResourceRecords are, so
the DNS server (route53.authority) reads them with dnspython's rdata parser. Each zone has its
own delegation set; the registry (route53.registry) decides which zone a name is delegated to.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from route53 import registry
from route53.authority import serving_zone_pks
from route53.models import HOSTED_ZONE_ID_PATTERN, HostedZone, RecordType, ResourceRecordSet
from workmail_console.errors import WorkMailError
from workmail_console.models import Account
from workmail_console.names import validate_domain_name

TTL_MAX = 2147483647
COMMENT_MAX = 256
VALUES_MAX = 400  # resource records in one record set
VALUE_MAX = 4000  # characters of one value
VALUES_TOTAL_MAX = 32000  # characters of all the values in one change batch
VALUES_TOTAL_TOO_LONG = f"The values can have up to {VALUES_TOTAL_MAX:,} characters in all."
APEX_TYPES = frozenset({RecordType.SOA, RecordType.NS})  # the zone's own, made with it
SOA_TIMERS = "1 7200 900 1209600 86400"  # serial, refresh, retry, expire, negative TTL


# Route 53's errors.


class NoSuchHostedZone(WorkMailError):
    code = "NoSuchHostedZone"


class InvalidChangeBatch(WorkMailError):
    code = "InvalidChangeBatch"


class InvalidInput(WorkMailError):
    code = "InvalidInput"


class HostedZoneNotEmpty(WorkMailError):
    code = "HostedZoneNotEmpty"


@dataclass(frozen=True)
class RecordSet:
    name: str  # fully qualified, no trailing dot
    type: str
    ttl: int
    values: tuple[str, ...]  # zone-file syntax


class Action(StrEnum):
    CREATE = "CREATE"
    UPSERT = "UPSERT"
    DELETE = "DELETE"


@dataclass(frozen=True)
class Change:
    action: Action
    record_set: RecordSet


# --- Hosted zones ----------------------------------------------------------------------------


def zone_name(name: str, *, field: str = "name") -> str:
    """A hosted zone's or registered domain's name, lower case without its dot, or InvalidInput
    in the console's words (workmail_console.names holds the rules)."""
    try:
        return validate_domain_name(name)
    except WorkMailError as error:
        raise InvalidInput(error.message, field=field) from None


def create_hosted_zone(
    *, account: Account, name: str, private: bool = False, comment: str = ""
) -> HostedZone:
    """CreateHostedZone: the zone with its delegation set in its SOA and NS record sets. Any
    account may make a public zone of any name (several, even); it answers only where the name
    is delegated to it (route53.registry claims an unowned name for it)."""
    name = zone_name(name)
    if "\x00" in comment or len(comment) > COMMENT_MAX:
        raise InvalidInput(
            f"The comment can have up to {COMMENT_MAX} characters, without null characters.",
            field="comment",
        )
    zone = HostedZone(account=account, name=name, private=private, comment=comment)
    servers = [f"{server}." for server in zone.name_servers]
    soa = f"{servers[0]} awsdns-hostmaster.amazon.com. {SOA_TIMERS}"
    with transaction.atomic():
        zone.save(force_insert=True)
        ResourceRecordSet.objects.bulk_create(
            [
                ResourceRecordSet(zone=zone, name=name, type="SOA", ttl=900, values=[soa]),
                ResourceRecordSet(zone=zone, name=name, type="NS", ttl=172800, values=servers),
            ]
        )
        if not private:
            registry.claim(zone)
    return zone


def account_zone(account_id: str, name: str) -> HostedZone | None:
    """The account's public hosted zone of `name`: the one the name is delegated to when it has
    several, else its oldest."""
    mine = HostedZone.objects.public().filter(account_id=account_id, name=name)
    zones = list(mine.order_by("created", "pk"))
    if len(zones) > 1:
        delegated = registry.delegated_pks(zones)
        zones.sort(key=lambda zone: zone.pk not in delegated)
    return zones[0] if zones else None


@dataclass(frozen=True)
class Delegation:
    """Whether a public zone answers DNS queries for its name, and if not, the account's zone
    above it that answers instead (where an NS record set would delegate to it)."""

    delegated: bool
    parent: HostedZone | None = None


def delegation(zone: HostedZone) -> Delegation | None:
    """How the DNS server treats the zone now (None for a private zone, which it never serves)."""
    if zone.private:
        return None
    serving = serving_zone_pks([zone.name])[zone.name]
    if serving == zone.pk:
        return Delegation(True)
    parents = HostedZone.objects.filter(pk=serving, account_id=zone.account_id)
    return Delegation(False, parents.exclude(name=zone.name).first() if serving else None)


def list_hosted_zones(account: Account, *, containing: str = "") -> QuerySet[HostedZone]:
    """ListHostedZones: the account's zones by name, each with its record_count; with
    `containing`, those whose name, ID or description contains it (the text filter, any case)."""
    zones = HostedZone.objects.filter(account=account)
    if containing:
        zones = zones.filter(
            Q(name__icontains=containing) | Q(zone_id__icontains=containing)
            | Q(comment__icontains=containing)
        )  # fmt: skip
    return zones.annotate(record_count=Count("record_sets"))


def get_hosted_zone(account: Account, zone_id: str) -> HostedZone:
    """GetHostedZone: the account's zone, or NoSuchHostedZone (another account's too)."""
    zone = None
    if isinstance(zone_id, str) and HOSTED_ZONE_ID_PATTERN.fullmatch(zone_id):
        zone = HostedZone.objects.filter(account=account, zone_id=zone_id).first()
    if zone is None:
        raise NoSuchHostedZone(f"No hosted zone found with ID: {str(zone_id)[:40]}")
    return zone


def delete_hosted_zone(zone: HostedZone) -> None:
    """DeleteHostedZone: only once nothing but its own SOA and NS record sets are left."""
    with transaction.atomic():
        locked = HostedZone.objects.select_for_update().filter(pk=zone.pk).first()
        if locked is None:
            raise NoSuchHostedZone(f"No hosted zone found with ID: {zone.zone_id}")
        if _user_record_sets(locked).exists():
            raise HostedZoneNotEmpty(
                "The specified hosted zone contains non-required resource record sets and so"
                " cannot be deleted. Delete its other record sets first."
            )
        registry.release(locked)
        locked.delete()


def _user_record_sets(zone: HostedZone) -> QuerySet[ResourceRecordSet]:
    return zone.record_sets.exclude(name=zone.name, type__in=APEX_TYPES)


def record_sets(zone: HostedZone, *, containing: str = "") -> QuerySet[ResourceRecordSet]:
    """ListResourceRecordSets: the zone's record sets by name and type; with `containing`, those
    whose name contains it or whose type is it (the console's records filter, any case)."""
    sets = zone.record_sets.order_by("name", "type")
    if containing:
        sets = sets.filter(Q(name__icontains=containing) | Q(type__iexact=containing))
    return sets


# --- Record sets -----------------------------------------------------------------------------


def record_name(zone: HostedZone, typed: str) -> str:
    """A record name as the console's Record name box takes it: empty or `@` for the zone's
    apex, `www` for www.<zone>, a name ending in the zone's (or with a final dot) as is."""
    typed = typed.strip()
    if typed in ("", "@"):
        return zone.name
    if typed.endswith("."):
        return typed[:-1].lower()
    lowered = typed.lower()
    if lowered == zone.name or lowered.endswith("." + zone.name):
        return lowered
    return f"{lowered}.{zone.name}"


def change_record_sets(zone: HostedZone, changes: Sequence[Change]) -> None:
    """ChangeResourceRecordSets: every change applies, or none (InvalidChangeBatch says why)."""
    if not changes:
        raise InvalidInput("A change batch needs at least one change.")
    checked = [_checked(zone, change) for change in changes]
    if sum(len(value) for c in checked for value in c.record_set.values) > VALUES_TOTAL_MAX:
        raise InvalidChangeBatch(VALUES_TOTAL_TOO_LONG, field="values")
    keys = [(c.record_set.name, c.record_set.type) for c in checked]
    if len(set(keys)) != len(keys):
        raise InvalidChangeBatch("A change batch can change a record set only once.")
    with transaction.atomic():
        # One batch at a time per zone: the checks below and the writes see the same sets.
        if not HostedZone.objects.select_for_update().filter(pk=zone.pk).exists():
            raise NoSuchHostedZone(f"No hosted zone found with ID: {zone.zone_id}")
        current = {(rs.name, rs.type): rs for rs in zone.record_sets.filter(name__in=_names(keys))}
        for change in checked:
            _apply(zone, change, current)


def _names(keys: Iterable[tuple[str, str]]) -> list[str]:
    return sorted({name for name, _ in keys})


def _describe(record_set: RecordSet) -> str:
    return f"[name='{record_set.name}.', type='{record_set.type}']"


def _apply(zone: HostedZone, change: Change, current: dict) -> None:
    new, key = change.record_set, (change.record_set.name, change.record_set.type)
    existing = current.get(key)
    if change.action == Action.DELETE:
        if existing is None:
            raise InvalidChangeBatch(
                f"Tried to delete resource record set {_describe(new)} but it was not found."
            )
        if new.name == zone.name and new.type in APEX_TYPES:
            raise InvalidChangeBatch(
                f"You can't delete the {new.type} record set of the zone's apex {zone.name}:"
                " Route 53 needs it to answer for the zone."
            )
        if (existing.ttl, list(existing.values)) != (new.ttl, list(new.values)):
            raise InvalidChangeBatch(
                f"Tried to delete resource record set {_describe(new)} but the values provided"
                " do not match the current values."
            )
        existing.delete()
        del current[key]
        return
    if change.action == Action.CREATE and existing is not None:
        raise InvalidChangeBatch(
            f"Tried to create resource record set {_describe(new)} but it already exists."
        )
    others = {rtype for (name, rtype) in current if name == new.name and rtype != new.type}
    if others and (new.type == RecordType.CNAME or RecordType.CNAME in others):
        raise InvalidChangeBatch(
            f"RRSet of type CNAME with DNS name {new.name}. is not permitted as it conflicts"
            f" with other records with the same DNS name in zone {zone.name}."
        )
    if existing is None:
        current[key] = ResourceRecordSet.objects.create(
            zone=zone, name=new.name, type=new.type, ttl=new.ttl, values=list(new.values)
        )
    else:
        existing.ttl, existing.values = new.ttl, list(new.values)
        existing.save(update_fields=["ttl", "values"])


def _checked(zone: HostedZone, change: Change) -> Change:
    """The change with its name and values in canonical form, or the error saying what's wrong."""
    try:
        action = Action(change.action)
    except ValueError:
        raise InvalidInput("The action must be CREATE, UPSERT or DELETE.") from None
    record_set = change.record_set
    rtype = record_set.type
    if rtype not in RecordType.values:
        raise InvalidInput(
            "The record type must be one of " + ", ".join(RecordType.values) + ".",
            field="record_type",
        )
    name = _checked_name(zone, record_set.name)
    if rtype == RecordType.CNAME and name == zone.name:
        raise InvalidChangeBatch(
            f"RRSet of type CNAME with DNS name {name}. is not permitted at apex in zone"
            f" {zone.name}.",
            field="record_name",
        )
    if rtype == RecordType.NS and name.startswith("*"):
        raise InvalidChangeBatch(
            "You can't create a wildcard record of type NS.", field="record_name"
        )
    if rtype == RecordType.SOA and name != zone.name:
        raise InvalidChangeBatch(
            f"An SOA record set is permitted only at the zone's apex, {zone.name}.",
            field="record_name",
        )
    ttl = record_set.ttl
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= TTL_MAX:
        raise InvalidInput(f"TTL must be a whole number of seconds from 0 to {TTL_MAX}.",
                           field="ttl")  # fmt: skip
    values = _checked_values(rtype, record_set.values)
    return Change(action, RecordSet(name, rtype, ttl, values))


def _checked_name(zone: HostedZone, name: str) -> str:
    if "\x00" in name:
        raise InvalidChangeBatch("Remove the null character from the record name.",
                                 field="record_name")  # fmt: skip
    name = name.strip().rstrip(".").lower()
    if not name.isascii():
        raise InvalidChangeBatch(
            "Record names can contain only Basic Latin (ASCII) characters. For an"
            " internationalized name, enter its xn-- (Punycode) form.",
            field="record_name",
        )
    try:
        dns.name.from_text(name)
    except dns.exception.DNSException as error:
        raise InvalidChangeBatch(
            f"The record name {name[:300]} is not a valid DNS name: {_reason(error)}",
            field="record_name",
        ) from None
    labels = name.split(".")
    allowed = all(
        label and ((label == "*" and index == 0) or _is_label(label))
        for index, label in enumerate(labels)
    )
    if not allowed:
        raise InvalidChangeBatch(
            "Record names can contain letters (a-z), numbers (0-9), hyphens (-) and"
            " underscores (_) in labels separated by periods, and a * as their first label.",
            field="record_name",
        )
    if name != zone.name and not name.endswith("." + zone.name):
        raise InvalidChangeBatch(
            f"RRSet with DNS name {name}. is not permitted in zone {zone.name}.",
            field="record_name",
        )
    return name


def _is_label(label: str) -> bool:
    return all(c.isalnum() or c in "-_" for c in label)


def _checked_values(rtype: str, values: Iterable[str]) -> tuple[str, ...]:
    texts = [value.strip() for value in values if value.strip()]
    if not texts:
        raise InvalidChangeBatch("Enter at least one value.", field="values")
    if len(texts) > VALUES_MAX:
        raise InvalidChangeBatch(f"A record set can have up to {VALUES_MAX} values.",
                                 field="values")  # fmt: skip
    if rtype in (RecordType.CNAME, RecordType.SOA) and len(texts) > 1:
        raise InvalidChangeBatch(f"A {rtype} record set can have only one value.", field="values")
    canonical = []
    for text in texts:
        if "\x00" in text or len(text) > VALUE_MAX:
            raise InvalidChangeBatch(
                f"Each value can have up to {VALUE_MAX} characters, without null characters.",
                field="values",
            )
        try:
            rdata = dns.rdata.from_text(
                dns.rdataclass.IN,
                dns.rdatatype.from_text(rtype),
                text,
                origin=dns.name.root,
                relativize=False,
            )
        except (dns.exception.DNSException, ValueError, UnicodeError) as error:
            raise InvalidChangeBatch(
                f"Invalid {rtype} value {text[:100]!r}: {_reason(error)}", field="values"
            ) from None
        canonical.append(rdata.to_text())
    if len(set(canonical)) != len(canonical):
        raise InvalidChangeBatch("A record set can't have the same value twice.", field="values")
    return tuple(canonical)


def _reason(error: Exception) -> str:
    return str(error) or type(error).__doc__ or type(error).__name__


def upsert_record_sets(zone: HostedZone, record_sets: Iterable[RecordSet]) -> int:
    """ChangeResourceRecordSets with UPSERT for each set: how many."""
    changes = [Change(Action.UPSERT, record_set) for record_set in record_sets]
    if changes:
        change_record_sets(zone, changes)
    return len(changes)
