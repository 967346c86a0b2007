"""The emulated registrar (Route 53 Domains' RegisterDomain): a name registered once in the whole
emulator (route53.registry); its public hosted zone is made by a Celery task
(route53.tasks.complete_registration), as the registration completes, and the name is delegated to
that zone's name servers."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from route53 import registry
from route53.models import DomainRegistration, RegistrationStatus
from route53.services import InvalidInput, zone_name
from route53.tasks import complete_registration
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
