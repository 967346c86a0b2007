"""The Inactive rule on the database (users/inactive.py), and the workflow's part in it: the test
domain at Creating, the clock at Active, the users' mailboxes at deletion."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from domains.models import MailDomain, VerificationStatus
from domains.services import add_test_domain
from ops import dashboard
from organizations import services as organization_services
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import (
    AccountFactory,
    MailUserFactory,
    OrganizationFactory,
    active_organization,
    advance,
)
from users import services
from users.inactive import becomes_inactive_on, make_idle_organizations_inactive
from users.models import UserState
from workmail_console.errors import NameAvailabilityException, OrganizationStateException

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


def idle_for(organization: Organization, days: float) -> Organization:
    """The organization, its last user disabled `days` ago (the test moves time, not the clock)."""
    since = timezone.now() - timedelta(days=days)
    Organization.objects.filter(pk=organization.pk).update(no_enabled_users_since=since)
    return Organization.objects.get(pk=organization.pk)


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def create_user(organization: Organization, name: str = "jane"):
    return services.create_user(
        organization=organization, name=name, display_name=name.title(), password=PASSWORD,
        email=f"{name}@{organization.test_domain}",
    )  # fmt: skip


def test_an_active_organization_without_users_goes_inactive_after_the_period():
    organization = idle_for(active_organization(), days=3)
    assert becomes_inactive_on(organization) == (
        organization.no_enabled_users_since + timedelta(days=30)
    )


def test_no_date_while_a_user_is_enabled_or_when_the_organization_is_not_active():
    with_user = active_organization()
    create_user(with_user)
    assert becomes_inactive_on(fresh(with_user)) is None
    for state in (State.IMPAIRED, State.INACTIVE, State.VALIDATING):
        assert becomes_inactive_on(idle_for(active_organization(state=state), days=40)) is None


def test_disabling_a_user_while_another_is_enabled_does_not_start_the_clock():
    organization = active_organization()
    jane, _ = create_user(organization, "jane"), create_user(organization, "john")
    services.disable_user(organization=organization, user_id=jane.pk)
    assert fresh(organization).no_enabled_users_since is None


def test_disabling_the_last_enabled_user_starts_the_clock():
    organization = active_organization()
    jane, john = create_user(organization, "jane"), create_user(organization, "john")
    services.disable_user(organization=organization, user_id=jane.pk)
    services.disable_user(organization=organization, user_id=john.pk)
    assert fresh(organization).no_enabled_users_since is not None


def test_the_sweep_past_the_period_leaves_an_organization_with_an_enabled_user_active(
    monkeypatch: pytest.MonkeyPatch,
):
    organization = active_organization()
    jane, _ = create_user(organization, "jane"), create_user(organization, "john")
    services.disable_user(organization=organization, user_id=jane.pk)
    a_period_later = timezone.now() + settings.WORKMAIL_INACTIVE_AFTER + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: a_period_later)
    assert make_idle_organizations_inactive() == []
    assert fresh(organization).state == State.ACTIVE


def test_the_sweep_moves_only_active_organizations_idle_past_the_period():
    idle = idle_for(active_organization(), days=31)
    recent = idle_for(active_organization(), days=29)
    impaired = idle_for(active_organization(state=State.IMPAIRED), days=31)
    gone = idle_for(active_organization(state=State.INACTIVE), days=31)
    with_user = idle_for(active_organization(), days=31)
    create_user(with_user)  # enabling stops the clock
    assert make_idle_organizations_inactive() == [idle.pk]
    states = {o.pk: o.state for o in Organization.objects.all()}
    assert states == {
        idle.pk: State.INACTIVE, recent.pk: State.ACTIVE, impaired.pk: State.IMPAIRED,
        gone.pk: State.INACTIVE, with_user.pk: State.ACTIVE,
    }  # fmt: skip
    assert [o.pk for o in Organization.objects.filter(events__to_state=State.INACTIVE)] == [idle.pk]


def test_going_inactive_releases_the_alias_and_the_test_domain_and_says_why():
    organization = idle_for(active_organization(), days=31)
    other_domain = MailDomain.objects.create(
        organization=organization, name="corp.example.com", ownership_status="VERIFIED"
    )
    before = timezone.now()
    make_idle_organizations_inactive()
    inactive = fresh(organization)
    assert inactive.state == State.INACTIVE
    assert inactive.alias_released_at >= before
    assert list(inactive.mail_domains.all()) == [other_domain]  # only the test domain goes
    event = inactive.events.get(to_state=State.INACTIVE)
    assert (event.from_state, event.reason) == (
        State.ACTIVE,
        "No enabled user for 30 days: the alias and test domain were released",
    )
    assert make_idle_organizations_inactive() == []  # moved once
    assert inactive.events.filter(to_state=State.INACTIVE).count() == 1


@override_settings(WORKMAIL_INACTIVE_AFTER=timedelta(days=2))
def test_the_period_is_the_setting():
    three_days = idle_for(active_organization(), days=3)
    one_day = idle_for(active_organization(), days=1)
    assert make_idle_organizations_inactive() == [three_days.pk]
    assert fresh(one_day).state == State.ACTIVE
    assert becomes_inactive_on(one_day) == one_day.no_enabled_users_since + timedelta(days=2)
    assert "for 2 days" in three_days.events.get(to_state=State.INACTIVE).reason


def test_a_released_alias_is_free_for_another_account_and_a_held_one_is_not():
    idle_for(active_organization(alias="Reused"), days=31)
    with pytest.raises(NameAvailabilityException):
        organization_services.check_alias_availability("reused")
    assert len(make_idle_organizations_inactive()) == 1
    assert organization_services.check_alias_availability("REUSED") == "REUSED"
    taker = organization_services.create_organization(
        account=AccountFactory(), region="eu-west-1", alias="reused"
    )
    assert taker.state == State.REQUESTED
    with pytest.raises(NameAvailabilityException):
        organization_services.check_alias_availability("reused")


def test_an_inactive_organization_shows_on_its_tile_and_needs_no_attention():
    organization = idle_for(active_organization(), days=31)
    make_idle_organizations_inactive()
    scope = dashboard.Scope(account_id=organization.account_id)
    tiles, _ = dashboard.tiles(scope)
    counts = {tile.state: tile.total for tile in tiles}
    assert (counts[State.ACTIVE], counts[State.INACTIVE]) == (0, 1)
    assert dashboard.needs_attention(scope, tiles) == ([], 0)


def test_an_inactive_organization_takes_no_new_user_and_says_how_to_come_back():
    organization = idle_for(active_organization(), days=31)
    make_idle_organizations_inactive()
    with pytest.raises(OrganizationStateException) as refused:
        create_user(fresh(organization))
    assert refused.value.message == (
        f"The organization {organization.alias} is not Active. It is Inactive because it had no"
        " enabled user for too long. Enable one of its users to make it Active again."
    )
    assert not services.users_of(organization).exists()


# --- The workflow's part --------------------------------------------------------------------


def test_creating_gives_the_organization_its_verified_test_domain_once_even_when_run_again():
    organization = OrganizationFactory(alias="Twice", state=State.CREATING)
    add_test_domain(organization)  # as if a first run had died before its compare-and-set
    assert advance(organization.pk, State.CREATING) == State.VALIDATING
    domains = list(MailDomain.objects.filter(organization=organization).values_list(
        "name", "is_test_domain", "ownership_status"
    ))  # fmt: skip
    assert domains == [("twice.awsapps.com", True, VerificationStatus.VERIFIED)]
    assert fresh(organization).default_mail_domain == "twice.awsapps.com"


def test_becoming_active_starts_the_inactive_clock():
    organization = OrganizationFactory()
    for state in (State.REQUESTED, State.CREATING, State.VALIDATING):
        advance(organization.pk, state)
    active = fresh(organization)
    assert active.state == State.ACTIVE
    assert active.completed_date is not None
    assert active.no_enabled_users_since == active.completed_date
    assert becomes_inactive_on(active) == active.completed_date + timedelta(days=30)


def test_deleting_the_organization_disables_its_enabled_users_and_keeps_them():
    organization = active_organization()
    jane, john = create_user(organization, "jane"), create_user(organization, "john")
    idle = MailUserFactory(directory=organization.directory)
    organization.transition(State.DELETING, reason="Deletion requested")
    assert advance(organization.pk, State.DELETING) == State.DELETED
    users = {user.name: user for user in services.users_of(organization)}
    assert {name: user.state for name, user in users.items()} == {
        jane.name: UserState.DISABLED, john.name: UserState.DISABLED,
        idle.name: UserState.DISABLED,
    }  # fmt: skip
    assert users["jane"].disabled_date is not None and users[idle.name].disabled_date is None
