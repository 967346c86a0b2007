"""The emulated registrar (Route 53 Domains' RegisterDomain): a name registered once in the whole
emulator (route53.registry); as the registration completes (its lifecycle's one step, run by a
worker), its public hosted zone is made and the name delegated to that zone's name servers."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from route53 import registry
from route53.models import DomainRegistration, HostedZone, RegistrationStatus
from route53.services import InvalidInput, create_hosted_zone, zone_name
from workmail_console import lifecycle
from workmail_console.lifecycle import Outcome, Step
from workmail_console.models import Account
from workmail_console.tasks import advance_once_committed


class DomainNotAvailable(InvalidInput):
    """RegisterDomain's answer for a name that isn't available (CheckDomainAvailability:
    UNAVAILABLE)."""


def register_domain(*, account: Account, name: str) -> DomainRegistration:
    """Register domain: In progress now; the task makes its public hosted zone, then Successful."""
    name = zone_name(name)
    taken = DomainNotAvailable(
        f"{name} is not available. Choose another domain name.", field="name"
    )
    if registry.is_claimed_above(name):
        raise taken  # a name inside someone's domain is theirs to delegate, not a registrar's
    registration = DomainRegistration(account=account, name=name)
    try:
        with transaction.atomic():
            registration.save(force_insert=True)
    except IntegrityError:
        # Taken, unless it is the account's own claim (its public zone of the name came first).
        registration = _register_claim(account, name)
        if registration is None:
            raise taken from None
    advance_once_committed(registration)
    return registration


def _register_claim(account: Account, name: str) -> DomainRegistration | None:
    """The account's claim of `name`, now In progress as a registration; None if it has none."""
    claim = DomainRegistration.objects.filter(account=account, name=name, registered=False).first()
    if claim is None or not claim.transition(
        RegistrationStatus.IN_PROGRESS, reason="Registered by its account", source=claim.status,
        when=Q(registered=False), registered=True, created=timezone.now(),
    ):  # fmt: skip
        return None
    return claim


def list_registrations(account: Account):
    """ListDomains: the account's registered domains by name."""
    return DomainRegistration.objects.registered().filter(account=account).select_related("zone")


def _complete(registration: DomainRegistration) -> Outcome:
    """The registration's public hosted zone (the one it is delegated to, or the account's
    oldest of that name, or a new one), to delegate the name to as it turns Successful."""
    zone = registration.zone or (
        HostedZone.objects.public()
        .filter(account_id=registration.account_id, name=registration.name)
        .order_by("created", "pk")
        .first()
    )
    if zone is None:
        zone = create_hosted_zone(
            account=registration.account, name=registration.name,
            comment="HostedZone created by Route53 Registrar",
        )  # fmt: skip
    changes = {"zone": zone, "name_servers": zone.name_servers}
    return RegistrationStatus.SUCCESSFUL, "Registration completed", changes


# Under the registration's row lock: two deliveries at once make one hosted zone.
STEPS = {RegistrationStatus.IN_PROGRESS: Step(_complete, reads=("account", "zone"), locks=True)}


def complete_registration(registration_pk: int) -> str | None:
    """Complete it now, in this process (Creating does, for a New Route 53 domain); a second run
    finds it done. Its status after."""
    lifecycle.advance(DomainRegistration, registration_pk, RegistrationStatus.IN_PROGRESS)
    status = DomainRegistration.objects.filter(pk=registration_pk).values_list("status", flat=True)
    return status.first()
