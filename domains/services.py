"""Mail domain actions: one function per console action / API operation (RegisterMailDomain,
GetMailDomain, ListMailDomains, UpdateDefaultMailDomain, DeregisterMailDomain), and what the
organization lifecycle and users' addresses ask of domains."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from domains import tasks
from domains.models import DomainRecord, MailDomain, RecordStatus, VerificationStatus
from domains.records import PENDING_KINDS, new_dkim_tokens, new_ownership_token
from organizations.lifecycle import State
from organizations.models import DomainChoice, Organization
from route53 import registrar, registry
from route53 import services as route53
from route53.models import DomainRegistration, HostedZone
from route53.services import RecordSet
from users.models import User
from workmail_console import db
from workmail_console.errors import (
    InvalidParameterException,
    LimitExceededException,
    MailDomainInUseException,
    MailDomainNotFoundException,
    MailDomainStateException,
)
from workmail_console.lifecycle import Badge
from workmail_console.models import Account
from workmail_console.names import validate_domain_name
from workmail_console.sending import send

DOMAINS_PER_ORGANIZATION = 100  # "You can add up to 100 domains to your organization"


def register_mail_domain(*, organization: Organization, domain_name: str) -> MailDomain:
    """Add domain (RegisterMailDomain): the domain, Pending, with every record WorkMail asks for
    made now and stored; linked to the account's public hosted zone of that name, if any."""
    name = validate_domain_name(domain_name)
    organization.require_state(managing="domains")
    return _register(organization, name, during=State.ACTIVE)


def _register(organization: Organization, name: str, *, during: State) -> MailDomain:
    """The domain and its records, written while the organization is `during` (checked again
    under its lock: Add domain in an Active one, the chosen domain while it is Creating)."""
    domain = MailDomain(
        organization=organization, region=organization.region, name=name,
        ownership_token=new_ownership_token(), dkim_tokens=new_dkim_tokens(),
        hosted_zone=route53.account_zone(organization.account_id, name),
        next_check_at=timezone.now(),
    )  # fmt: skip
    try:
        with transaction.atomic():
            locked = organization.lock()
            locked.require_state(during, managing="domains")
            if locked.mail_domains.count() >= DOMAINS_PER_ORGANIZATION:
                raise LimitExceededException(
                    f"An organization can have up to {DOMAINS_PER_ORGANIZATION} domains."
                )
            domain.save(force_insert=True)
            DomainRecord.objects.bulk_create(
                _stored(domain, record) for record in domain.expected_records()
            )
    except IntegrityError:
        raise MailDomainInUseException(
            f"The domain {name} is already in use by an organization in {organization.region}.",
            field="domain_name",
        ) from None
    return domain


def account_hosted_zones(account: Account) -> list[HostedZone]:
    """The account's public hosted zones, which its domains can be in."""
    return list(HostedZone.objects.public().filter(account=account))


def hosted_zone_choices(account: Account, region: str) -> list[tuple[HostedZone, str]]:
    """Create organization > Existing Route 53 domain: the account's public hosted zones, each
    with why it can't be chosen ("" when it can): its domain in use in the Region already."""
    zones = account_hosted_zones(account)
    in_use = _in_use(region, [zone.name for zone in zones])
    return [
        (zone, _in_use_message(zone.name, region) if zone.name in in_use else "") for zone in zones
    ]


def _in_use(region: str, names: list[str]) -> set[str]:
    """Of `names`, those an organization in the Region already has as a domain (the test domains
    apart: unique_mail_domain_in_region's rows)."""
    rows = MailDomain.objects.filter(region=region, name__in=names, is_test_domain=False)
    return set(rows.values_list("name", flat=True))


def _in_use_message(name: str, region: str) -> str:
    return f"The domain {name} is already in use by an organization in {region}."


def chosen_domain(
    *, account_id: str, region: str, choice: str, domain_name: str = "", zone_id: str = ""
) -> tuple[str, HostedZone | None]:
    """Create organization > Email domain: the name and the hosted zone the choice names (""
    and None for the free test domain), or why it can't be used."""
    if choice == DomainChoice.TEST:
        return "", None
    if choice == DomainChoice.EXISTING_ROUTE53:
        zone = HostedZone.objects.public().filter(account_id=account_id, zone_id=zone_id).first()
        if zone is None:
            raise InvalidParameterException("Choose a Route 53 hosted zone.", field="hosted_zone")
        name = zone.name
    else:
        name = validate_domain_name(domain_name)
        zone = None
        if choice == DomainChoice.NEW_ROUTE53 and not registry.is_available(name):
            raise InvalidParameterException(
                f"The domain {name} is already registered. Enter a different domain name.",
                field="domain_name",
            )
    if _in_use(region, [name]):
        raise MailDomainInUseException(
            _in_use_message(name, region), field="hosted_zone" if zone else "domain_name"
        )
    return name, zone


def add_chosen_domain(organization: Organization) -> MailDomain | None:
    """Creating: the Email domain chosen at creation, registered (a second run finds it); for a
    Route 53 domain, its zone (made now for a new one) gets every record."""
    choice, name = organization.domain_choice, organization.requested_domain
    if choice == DomainChoice.TEST or not name:
        return None
    if choice == DomainChoice.NEW_ROUTE53:
        zone = _registered_zone(organization, name)
    else:
        zone = organization.hosted_zone
    domain = organization.mail_domains.filter(name=name).first() or _register(
        organization, name, during=State.CREATING
    )
    if zone is not None and choice != DomainChoice.EXTERNAL:
        if domain.hosted_zone_id != zone.pk:
            MailDomain.objects.filter(pk=domain.pk).update(hosted_zone=zone)
            domain.hosted_zone = zone
        route53.upsert_record_sets(zone, mail_domain_record_sets(domain))
        _check_soon(domain)  # its records are there now: verified within seconds, not minutes
    return domain


def _registered_zone(organization: Organization, name: str) -> HostedZone | None:
    """New Route 53 domain: the name registered with the emulated registrar for the account (a
    second run finds its registration) and completed here, so Creating has its hosted zone."""
    registration = DomainRegistration.objects.filter(
        account_id=organization.account_id, name=name
    ).first() or registrar.register_domain(account=organization.account, name=name)
    registrar.complete_registration(registration.pk)  # the queued run then finds it done
    return DomainRegistration.objects.get(pk=registration.pk).zone


def get_mail_domain(*, organization: Organization, domain_name: str) -> MailDomain:
    """GetMailDomain: the organization's domain of that name, or MailDomainNotFoundException."""
    name = domain_name.strip().rstrip(".").lower()
    domain = organization.mail_domains.filter(name=name).first() if "\x00" not in name else None
    if domain is None:
        raise MailDomainNotFoundException(
            f"The domain {domain_name[:255]} was not found in the organization.",
            field="domain_name",
        )
    domain.organization = organization
    return domain


# The status indicator of each verification and record status (STYLE: colour by meaning).
BADGES = {
    RecordStatus.VERIFIED: Badge.SUCCESS,
    RecordStatus.PENDING: Badge.PENDING,  # waiting for DNS: not the working spinner
    RecordStatus.FAILED: Badge.ERROR,
    RecordStatus.MISSING: Badge.WARNING,
    RecordStatus.INCONSISTENT: Badge.WARNING,
}


@dataclass(frozen=True)
class DomainRow:
    """A row of the Domains list (ListMailDomains, with the console's markers)."""

    domain: MailDomain
    is_default: bool

    @property
    def status(self) -> str:
        """The rolled-up status: the ownership verification's."""
        return self.domain.ownership_status

    @property
    def badge(self) -> str:
        return BADGES[RecordStatus(self.status)]

    @property
    def label(self) -> str:
        return self.domain.get_ownership_status_display()


def list_mail_domains(organization: Organization, *, containing: str = "") -> QuerySet[MailDomain]:
    """ListMailDomains: the test domain first, then the others by name; with `containing`, those
    whose name contains it (the table's text filter, any case)."""
    domains = organization.mail_domains.all()
    return domains.filter(name__icontains=containing) if containing else domains


def domain_rows(organization: Organization, domains: Iterable[MailDomain]) -> list[DomainRow]:
    """The Domains list's rows: each domain with the console's Default marker."""
    default = organization.default_mail_domain
    return [DomainRow(domain, domain.name == default) for domain in domains]


def update_default_mail_domain(*, organization: Organization, domain_name: str) -> MailDomain:
    """Set as default (UpdateDefaultMailDomain): only a verified domain."""
    with transaction.atomic():
        locked = organization.lock()
        locked.require_state(managing="domains")
        domain = get_mail_domain(organization=locked, domain_name=domain_name)
        if not domain.is_verified:
            raise MailDomainStateException(
                f"The domain {domain.name} is not verified.", field="domain_name"
            )
        Organization.objects.filter(pk=locked.pk).update(default_mail_domain=domain.name)
    organization.default_mail_domain = domain.name
    return domain


def deregister_mail_domain(*, organization: Organization, domain_name: str) -> None:
    """Remove (DeregisterMailDomain): not the default domain, not the test domain, not a domain
    a user's address is on; the domain goes with its records."""
    with transaction.atomic():
        # The organization's lock orders this against Set as default and against enabling a
        # user on the domain (users.services locks the organization too).
        locked = organization.lock()
        locked.require_state(managing="domains")
        domain = get_mail_domain(organization=locked, domain_name=domain_name)
        if domain.is_test_domain:
            raise MailDomainInUseException(
                f"The domain {domain.name} is the organization's test domain; it can't be removed.",
                field="domain_name",
            )
        if domain.name == locked.default_mail_domain:
            raise MailDomainInUseException(
                f"The domain {domain.name} is the default domain. Set another domain as default"
                " first.",
                field="domain_name",
            )
        if _users_on(locked, domain.name).exists():
            raise MailDomainInUseException(
                f"The domain {domain.name} is in use by a user's email address. Change the"
                " address first.",
                field="domain_name",
            )
        domain.delete()


def _users_on(organization: Organization, name: str) -> QuerySet[User]:
    if organization.directory_id is None:
        return User.objects.none()
    return User.objects.existing().filter(
        directory_id=organization.directory_id, email__iendswith="@" + name
    )


def request_verification(domain: MailDomain) -> MailDomain:
    """Verify now: mark the check requested (the records page polls until it is done) and queue
    it once the request commits."""
    domain.organization.require_state(managing="domains")
    return _check_soon(domain)


def _check_soon(domain: MailDomain) -> MailDomain:
    """Mark the domain's check requested and queue it once committed (beat's next pass checks a
    marked domain if the message is lost)."""
    now = timezone.now()
    MailDomain.objects.filter(pk=domain.pk).update(check_requested_at=now)
    domain.check_requested_at = now
    transaction.on_commit(lambda: _send_verify(domain.pk))
    return domain


def _send_verify(domain_pk: int) -> None:
    send(tasks.verify_domain, domain_pk, then="beat's domain check (the domain is marked)")


def route53_zone(domain: MailDomain) -> HostedZone | None:
    """The account's hosted zone holding the domain's records, if it has one: the zone linked
    when the domain was added, or the account's public zone of that name made since."""
    zone = domain.hosted_zone
    if zone is not None and zone.account_id == domain.organization.account_id:
        return zone
    return route53.account_zone(domain.organization.account_id, domain.name)


def update_all_in_route53(domain: MailDomain) -> int:
    """Update all in Route 53: upsert every record into the account's hosted zone; how many
    record sets."""
    domain.organization.require_state(managing="domains")
    zone = route53_zone(domain)
    if zone is None:
        raise MailDomainStateException(
            f"The domain {domain.name} has no hosted zone in Route 53 in this account.",
            field="domain_name",
        )
    if domain.hosted_zone_id != zone.pk:  # a zone made after the domain was added
        MailDomain.objects.filter(pk=domain.pk).update(hosted_zone=zone)
        domain.hosted_zone = zone
    written = route53.upsert_record_sets(zone, mail_domain_record_sets(domain))
    _check_soon(domain)  # the records just written: check them now
    return written


def mail_domain_record_sets(domain: MailDomain) -> list[RecordSet]:
    """A mail domain's records as Route 53 record sets: records sharing a name and type (the
    SPF TXT beside another TXT on the apex, say) go into one set, keeping the zone's other
    values of that set. A TXT or MX whose name is a CNAME in the zone is left out (Route 53
    holds nothing beside a CNAME; `mail.<domain>` pointing at a webmail, say): the name is the
    owner's, and its record shows not verified."""
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
        if rtype != "CNAME" and (name, "CNAME") in existing:
            continue
        kept = [] if rtype == "CNAME" else existing.get((name, rtype), [])
        merged = tuple(dict.fromkeys([*kept, *values]))
        sets.append(RecordSet(name, rtype, 3600, merged))
    return sets


def _stored(domain: MailDomain, record) -> DomainRecord:
    """A record as first stored: not checked yet, so Pending or Missing by its vocabulary."""
    unchecked = RecordStatus.PENDING if record.kind in PENDING_KINDS else RecordStatus.MISSING
    return DomainRecord(
        domain=domain, kind=record.kind, group=record.group, type=record.type,
        hostname=record.hostname, value=record.value, status=unchecked,
    )  # fmt: skip


def add_test_domain(organization: Organization) -> None:
    """Give the organization its test domain, verified; asking twice makes one. (Every Creating
    step runs it: the statement written out, workmail_console.db.)"""
    domain = MailDomain(
        organization=organization,
        region=organization.region,
        name=organization.test_domain,
        is_test_domain=True,
        ownership_status=VerificationStatus.VERIFIED,
    )
    with connection.cursor() as cursor:
        cursor.execute(*db.insert_sql(domain, ignore_conflicts=True))


def release_test_domain(organization: Organization) -> None:
    """The test domain goes back to the pool with the alias (an organization gone Inactive)."""
    MailDomain.objects.filter(organization=organization, is_test_domain=True).delete()


def verified_domain_names(organization: Organization) -> list[str]:
    """The domains an address of this organization may use, the default first."""
    names = list(organization.mail_domains.verified().values_list("name", flat=True))
    default = organization.default_mail_domain
    return sorted(names, key=lambda name: (name != default, name))
