"""The emulated registrar (Route 53 Domains' RegisterDomain): a name registered once in the whole
emulator (domains.registry); its public hosted zone is made by a Celery task, as the registration
completes, and the name is delegated to that zone's name servers."""

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from domains import registry
from domains.models import DomainRegistration, HostedZone, RegistrationStatus
from domains.route53 import InvalidInput, create_hosted_zone, zone_name
from workmail_console.models import Account
from workmail_console.sending import send


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
    transaction.on_commit(
        lambda: send(
            complete_registration,
            registration.pk,
            countdown=settings.WORKMAIL_STAGE_DELAY,
            then="the stuck-registration sweep",
        )
    )
    return registration


def _register_claim(account: Account, name: str) -> DomainRegistration | None:
    """The account's claim of `name`, now In progress as a registration; None if it has none."""
    with transaction.atomic():
        claims = DomainRegistration.objects.filter(account=account, name=name, registered=False)
        if not claims.update(
            registered=True, status=RegistrationStatus.IN_PROGRESS, created=timezone.now()
        ):
            return None
        return DomainRegistration.objects.get(account=account, name=name)


def list_registrations(account: Account):
    """ListDomains: the account's registered domains by name."""
    return DomainRegistration.objects.registered().filter(account=account).select_related("zone")


@shared_task
def complete_registration(registration_pk: int) -> str | None:
    """The registration's public hosted zone (the one it is delegated to, or the account's
    oldest of that name, or a new one), the name delegated to it, then Successful; a second
    delivery finds it done and changes nothing."""
    with transaction.atomic():
        registration = (
            DomainRegistration.objects.select_for_update().filter(pk=registration_pk).first()
        )
        if registration is None:
            return None  # its account is gone
        if registration.status == RegistrationStatus.SUCCESSFUL:
            return registration.status
        account = registration.account
        zone = registration.zone or (
            HostedZone.objects.public()
            .filter(account=account, name=registration.name)
            .order_by("created", "pk")
            .first()
        )
        if zone is None:
            zone = create_hosted_zone(
                account=account, name=registration.name,
                comment="HostedZone created by Route53 Registrar",
            )  # fmt: skip
        registration.zone, registration.name_servers = zone, zone.name_servers
        registration.status = RegistrationStatus.SUCCESSFUL
        registration.save(update_fields=["zone", "name_servers", "status"])
        return registration.status
