"""The emulated registry: which account a public name belongs to and where it is delegated
(route53.models.DomainRegistration, one row per name).

A name is claimed by registering it (route53.registrar) or, when nobody has and no name above it
is anyone's, by making the first public hosted zone of it: the registry then delegates the name to
that zone's name servers. A zone made inside a claimed name is claimed by nobody; it answers once
the zone above it delegates to it with an NS record set (route53.authority).
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from route53.authority import serving_zone_pks, suffixes
from route53.models import DomainRegistration, HostedZone, RegistrationStatus


def names_above(name: str) -> list[str]:
    """b.c and c for a.b.c."""
    return suffixes(name)[1:]


def is_claimed_above(name: str) -> bool:
    """Whether a name above `name` is registered or claimed (by anyone)."""
    return DomainRegistration.objects.filter(name__in=names_above(name)).exists()


def held(names: Iterable[str]) -> set[str]:
    """Of `names` (lower case, no trailing dot), those the emulated registry holds: the name or a
    name above it is registered or claimed here, so the project's DNS server is the one that
    answers for it (one query, however many names)."""
    names = set(names)
    above = {name: suffixes(name) for name in names}
    claimed = set(
        DomainRegistration.objects.filter(
            name__in={suffix for each in above.values() for suffix in each}
        ).values_list("name", flat=True)
    )
    return {name for name, each in above.items() if claimed.intersection(each)}


def is_available(name: str) -> bool:
    """Whether `name` (lower case, no dot) can be registered: neither it nor a name above it is
    anyone's."""
    return not held([name])


def delegate(claim_filter: dict, zone: HostedZone) -> int:
    """Point the registry rows matching `claim_filter` at `zone`'s name servers."""
    return DomainRegistration.objects.filter(**claim_filter).update(
        zone=zone, name_servers=zone.name_servers
    )


def claim(zone: HostedZone) -> None:
    """A new public zone: its name is claimed for its account when nobody's, or delegated to it
    when the account's registration of the name has lost its zone; otherwise nothing."""
    if is_claimed_above(zone.name):
        return
    try:
        with transaction.atomic():
            DomainRegistration.objects.create(
                account=zone.account, name=zone.name, registered=False, zone=zone,
                name_servers=zone.name_servers, status=RegistrationStatus.SUCCESSFUL,
            )  # fmt: skip
    except IntegrityError:  # claimed: by this account, whose zone of it was deleted?
        delegate({"name": zone.name, "account": zone.account, "zone": None}, zone)


def release(zone: HostedZone) -> None:
    """A zone is being deleted: a claim it made passes to the account's next public zone of the
    name, or ends; a registration keeps its name servers until the account makes a new zone."""
    for row in DomainRegistration.objects.select_for_update().filter(zone=zone):
        if row.registered:
            continue  # SET_NULL empties its zone; its name servers stay (a lame delegation)
        successor = (
            HostedZone.objects.public()
            .filter(account=zone.account, name=zone.name)
            .exclude(pk=zone.pk)
            .order_by("created", "pk")
            .first()
        )
        if successor is None:
            row.delete()
        else:
            delegate({"pk": row.pk}, successor)


def delegated_pks(zones: list[HostedZone]) -> set[int]:
    """The pks of those zones that answer DNS queries for their own name now."""
    public = [zone for zone in zones if not zone.private]
    if not public:
        return set()
    serving = serving_zone_pks(sorted({zone.name for zone in public}))
    return {zone.pk for zone in public if serving[zone.name] == zone.pk}
