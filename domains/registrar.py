"""The emulated registrar (Route 53 Domains' RegisterDomain): a name registered once in the whole
emulator; its public hosted zone is made by a Celery task, as the registration completes."""

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction

from domains.models import DomainRegistration, HostedZone, RegistrationStatus
from domains.route53 import HostedZoneAlreadyExists, InvalidInput, create_hosted_zone, zone_name
from workmail_console.models import Account


class DomainNotAvailable(InvalidInput):
    """RegisterDomain's answer for a name that isn't available (CheckDomainAvailability:
    UNAVAILABLE)."""


def register_domain(*, account: Account, name: str) -> DomainRegistration:
    """Register domain: In progress now; the task makes its public hosted zone, then Successful."""
    name = zone_name(name)
    taken = DomainNotAvailable(
        f"{name} is not available. Choose another domain name.", field="name"
    )
    if HostedZone.objects.public().filter(name=name).exclude(account=account).exists():
        raise taken  # another account's public zone answers for it in the emulator
    registration = DomainRegistration(account=account, name=name)
    try:
        with transaction.atomic():
            registration.save(force_insert=True)
    except IntegrityError:
        raise taken from None
    transaction.on_commit(
        lambda: complete_registration.apply_async(
            (registration.pk,), countdown=settings.WORKMAIL_STAGE_DELAY
        )
    )
    return registration


def list_registrations(account: Account):
    """ListDomains: the account's registered domains by name."""
    return DomainRegistration.objects.filter(account=account).select_related("zone")


@shared_task
def complete_registration(registration_pk: int) -> str | None:
    """The registration's public hosted zone (the account's own one of that name, if it made
    one already), then Successful; a second delivery finds it done and changes nothing."""
    with transaction.atomic():
        registration = (
            DomainRegistration.objects.select_for_update().filter(pk=registration_pk).first()
        )
        if registration is None:
            return None  # its account is gone
        if registration.status == RegistrationStatus.SUCCESSFUL:
            return registration.status
        account = registration.account
        zone = HostedZone.objects.public().filter(account=account, name=registration.name).first()
        if zone is None:
            try:
                zone = create_hosted_zone(
                    account=account, name=registration.name,
                    comment="HostedZone created by Route53 Registrar",
                )  # fmt: skip
            except HostedZoneAlreadyExists:
                zone = None  # another account's zone came first: the registration has none
        registration.zone = zone
        registration.status = RegistrationStatus.SUCCESSFUL
        registration.save(update_fields=["zone", "status"])
        return registration.status
