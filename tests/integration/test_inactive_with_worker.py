"""The Inactive rule through a real worker and beat: an organization that kept no enabled user past
WORKMAIL_INACTIVE_AFTER goes Inactive and gives up its alias, which another account may then take;
enabling a user brings it back if the alias is still free, and says why not otherwise.

The test moves time by writing an old `no_enabled_users_since`, never by waiting a month; beat
runs the sweep every second here (WORKMAIL_INACTIVE_INTERVAL=1)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from domains.models import MailDomain, VerificationStatus
from organizations import services
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import AccountFactory
from tests.processes import CeleryProcess
from tests.waiting import wait_for
from users import services as users
from users.models import User, UserState
from workmail_console.errors import NameAvailabilityException, OrganizationStateException
from workmail_console.models import Account

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Str0ng-Passw0rd"
SWEEP_DONE = re.compile(r"Task users\.tasks\.sweep_inactive_organizations\[\S+\] succeeded")


def reaches(organization: Organization, state: State, timeout: float = 20) -> Organization:
    def probe() -> Organization | None:
        fresh = Organization.objects.get(pk=organization.pk)
        return fresh if fresh.state == state else None

    probe.__doc__ = f"{organization.alias} to reach {state}"
    return wait_for(probe, timeout=timeout)


def created(account: Account, alias: str, region: str = "us-east-1") -> Organization:
    """An organization made as the console makes it, once the workflow has made it Active."""
    organization = services.create_organization(account=account, region=region, alias=alias)
    return reaches(organization, State.ACTIVE)


def with_a_disabled_user(organization: Organization, name: str = "jane") -> User:
    """A user created (enabled), then disabled: the last enabled user gone, the clock started."""
    user = users.create_user(
        organization=organization, name=name, display_name=name.title(), password=PASSWORD,
        email=f"{name}@{organization.test_domain}",
    )  # fmt: skip
    return users.disable_user(organization=organization, user_id=user.pk)


def idle_for(organization: Organization, days: float) -> None:
    """Move time: the last user was disabled `days` ago."""
    since = timezone.now() - timedelta(days=days)
    Organization.objects.filter(pk=organization.pk).update(no_enabled_users_since=since)


def held_test_domains(organization: Organization) -> list[tuple[str, str]]:
    rows = MailDomain.objects.filter(organization=organization, is_test_domain=True)
    return list(rows.values_list("name", "ownership_status"))


def sweeps_done(worker: CeleryProcess) -> int:
    return len(SWEEP_DONE.findall(worker.log.read_text(errors="replace")))


def after_more_sweeps(worker: CeleryProcess, count: int = 3) -> None:
    start = sweeps_done(worker)

    def probe() -> bool:
        return sweeps_done(worker) >= start + count

    probe.__doc__ = f"{count} more runs of the Inactive sweep"
    wait_for(probe, timeout=count * 5 + 10)


def inactive_events(organization: Organization) -> list[tuple[str, str, str]]:
    """Its moves after it first became Active."""
    rows = organization.events.filter(from_state__in=[State.ACTIVE, State.INACTIVE])
    return list(rows.order_by("at", "pk").values_list("from_state", "to_state", "reason"))


def test_idle_past_the_period_it_goes_inactive_and_its_alias_goes_to_another_account(
    celery_worker, celery_beat, admin
) -> None:
    organization = created(admin.account, "idlecorp")
    assert held_test_domains(organization) == [
        ("idlecorp.awsapps.com", VerificationStatus.VERIFIED)
    ]
    assert organization.no_enabled_users_since is not None
    user = with_a_disabled_user(organization)

    idle_for(organization, days=31)
    inactive = reaches(organization, State.INACTIVE, timeout=10)

    assert inactive.alias_released_at is not None
    assert held_test_domains(organization) == []
    assert inactive_events(organization) == [(
        State.ACTIVE, State.INACTIVE,
        "No enabled user for 30 days: the alias and test domain were released",
    )]  # fmt: skip

    # The alias is free: another account takes it, and its organization gets the test domain.
    assert services.check_alias_availability("idlecorp") == "idlecorp"
    taker = created(AccountFactory(), "idlecorp", region="eu-west-1")
    assert held_test_domains(taker) == [("idlecorp.awsapps.com", VerificationStatus.VERIFIED)]

    # So the way back is closed: enabling a user says why, and changes nothing.
    with pytest.raises(OrganizationStateException, match="idlecorp was taken by another"):
        users.enable_user(
            organization=inactive, user_id=user.pk, email=f"jane@{inactive.test_domain}"
        )
    assert User.objects.get(pk=user.pk).state == UserState.DISABLED
    still = Organization.objects.get(pk=organization.pk)
    assert (still.state, still.alias_released_at) == (State.INACTIVE, inactive.alias_released_at)
    assert held_test_domains(organization) == []
    assert len(inactive_events(organization)) == 1
    after_more_sweeps(celery_worker)
    assert Organization.objects.get(pk=taker.pk).state == State.ACTIVE


def test_enabling_a_user_brings_it_back_with_its_alias_when_nobody_took_it(
    celery_worker, celery_beat, admin
) -> None:
    organization = created(admin.account, "comeback", region="us-west-2")
    user = with_a_disabled_user(organization, "john")
    idle_for(organization, days=45)
    inactive = reaches(organization, State.INACTIVE, timeout=10)

    users.enable_user(organization=inactive, user_id=user.pk, email=f"john@{inactive.test_domain}")

    back = Organization.objects.get(pk=organization.pk)
    assert (back.state, back.alias_released_at, back.no_enabled_users_since) == (
        State.ACTIVE, None, None,
    )  # fmt: skip
    assert User.objects.get(pk=user.pk).state == UserState.ENABLED
    assert held_test_domains(organization) == [
        ("comeback.awsapps.com", VerificationStatus.VERIFIED)
    ]
    assert [(f, t) for f, t, _ in inactive_events(organization)] == [
        (State.ACTIVE, State.INACTIVE),
        (State.INACTIVE, State.ACTIVE),
    ]
    with pytest.raises(NameAvailabilityException):
        services.check_alias_availability("comeback")
    with pytest.raises(NameAvailabilityException):
        services.create_organization(account=AccountFactory(), region="us-east-1", alias="comeback")
    # With a user enabled, the sweep leaves it alone.
    after_more_sweeps(celery_worker)
    assert Organization.objects.get(pk=organization.pk).state == State.ACTIVE
    assert len(inactive_events(organization)) == 2


def test_an_organization_idle_for_less_than_the_period_stays_active(
    celery_worker, celery_beat, admin
) -> None:
    organization = created(admin.account, "notyet")
    with_a_disabled_user(organization)
    idle_for(organization, days=29.9)
    after_more_sweeps(celery_worker)
    still = Organization.objects.get(pk=organization.pk)
    assert (still.state, still.alias_released_at) == (State.ACTIVE, None)
    assert held_test_domains(organization) == [("notyet.awsapps.com", VerificationStatus.VERIFIED)]
