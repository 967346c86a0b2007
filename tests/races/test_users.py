"""Users under races: a user name is one user in its directory and an address one user in its
organization, however many admins ask at the same moment; and the Inactive rule: who is enabled,
since when none is, and who holds an alias stay right however many changes and sweeps run at
once."""

import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from domains.models import MailDomain
from organizations import services as organization_services
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import AccountFactory, MailUserFactory, active_organization
from tests.html import text
from tests.races.harness import COUNT, WAIT_LIMIT, clients_for, race
from tests.waiting import wait_for
from users import services
from users.inactive import make_idle_organizations_inactive
from users.models import User, UserState
from workmail_console.errors import WorkMailError

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Str0ng-Passw0rd"


def attempt(action: Callable[[], object]) -> object:
    """What `action` returned, or the WorkMail error it raised."""
    try:
        return action()
    except WorkMailError as error:
        return error


def outcomes(results: list[object]) -> Counter[str]:
    return Counter(type(result).__name__ for result in results)


# --- Create user ----------------------------------------------------------------------------------


def _create(admin, fields) -> list:
    organization = active_organization(account=admin.account)
    clients = clients_for(admin)
    url = reverse("users:create", args=[organization.region, organization.organization_id])

    def post(i: int):
        name, local_part = fields(i)
        return clients[i].post(url, {
            "name": name, "display_name": name, "email": local_part,
            "domain": organization.test_domain, "password": PASSWORD,
            "repeat_password": PASSWORD,
        })  # fmt: skip

    return race(post, writes_to=User)


def test_twenty_creates_of_one_name_with_different_addresses_make_one_user(admin) -> None:
    responses = _create(admin, lambda i: ("racer" if i % 2 else "RACER", f"racer{i}"))
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    refused = [text(r.content.decode(), "name-error") for r in responses if r.status_code == 400]
    assert all("is already used in this organization's directory" in e for e in refused)
    assert User.objects.count() == 1


def test_twenty_creates_of_one_address_with_different_names_make_one_user(admin) -> None:
    responses = _create(admin, lambda i: (f"racer{i}", "same" if i % 2 else "SAME"))
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    refused = [text(r.content.decode(), "email-error") for r in responses if r.status_code == 400]
    assert all("is already used by another user" in e for e in refused)
    assert User.objects.count() == 1


@pytest.mark.parametrize("same", ["name", "email"])
def test_twenty_creates_of_one_user_at_once_make_one(same: str) -> None:
    organization = active_organization()

    def create(i: int) -> object:
        name = "racer" if same == "name" else f"racer{i}"
        local = "racer" if same == "email" else f"racer{i}"
        return attempt(lambda: services.create_user(
            organization=organization, name=name.upper() if i % 2 else name,
            display_name="Racer", password=PASSWORD,
            email=f"{local.upper() if i % 2 else local}@{organization.test_domain}",
        ))  # fmt: skip

    results = race(create, writes_to=User)
    refused = "NameAvailabilityException" if same == "name" else "EmailAddressInUseException"
    assert outcomes(results) == {"User": 1, refused: COUNT - 1}
    assert services.users_of(organization).count() == 1
    assert fresh(organization).no_enabled_users_since is None


# --- The Inactive rule ----------------------------------------------------------------------------


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def idle_past_the_period(organization: Organization) -> Organization:
    since = timezone.now() - timedelta(days=30, minutes=1)
    Organization.objects.filter(pk=organization.pk).update(no_enabled_users_since=since)
    return fresh(organization)


def enabled_users(organization: Organization, count: int) -> list[User]:
    """`count` enabled users, the clock stopped as enabling stops it."""
    people = [
        MailUserFactory(
            directory=organization.directory,
            state=UserState.ENABLED,
            email=f"user{i}@{organization.test_domain}",
            enabled_date=timezone.now(),
        )
        for i in range(count)
    ]
    Organization.objects.filter(pk=organization.pk).update(no_enabled_users_since=None)
    return people


def inactive_with_disabled_users(count: int) -> tuple[Organization, list[User]]:
    organization = idle_past_the_period(active_organization())
    people = [MailUserFactory(directory=organization.directory) for _ in range(count)]
    assert make_idle_organizations_inactive() == [organization.pk]
    return fresh(organization), people


def moves(organization: Organization, target: State) -> int:
    return organization.events.filter(to_state=target).count()


def until_the_sweep_waits() -> None:
    """Until the sweep has moved and waits on the held table, its transaction open. PostgreSQL
    says who waits for a lock; SQLite can't: a moment's pause, and either may go first."""
    if connection.vendor != "postgresql":
        time.sleep(0.2)
        return

    def probe() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] >= 1

    probe.__doc__ = "the sweep to wait for the held table"
    wait_for(probe, timeout=WAIT_LIMIT)


def holds_its_test_domain(organization: Organization) -> bool:
    rows = MailDomain.objects.filter(organization=organization, is_test_domain=True)
    return list(rows.values_list("name", flat=True)) == [organization.test_domain]


@pytest.mark.parametrize("round_", range(3))
def test_the_last_twenty_users_disabled_at_once_start_the_inactive_clock(round_: int) -> None:
    organization = active_organization()
    people = enabled_users(organization, COUNT)
    before = timezone.now()
    race(
        lambda i: services.disable_user(organization=organization, user_id=people[i].pk),
        writes_to=User,
    )
    assert not services.users_of(organization).enabled().exists()
    assert fresh(organization).no_enabled_users_since >= before


def test_a_user_enabled_as_the_sweep_runs_leaves_the_organization_active_with_its_alias() -> None:
    """Even rounds: the enable holds the organization's row when the sweep's move comes, which
    must then move nothing. Odd rounds: the enable comes while the sweep is between its move and
    its commit, and must bring the organization back. Never Inactive with a user enabled."""
    # On SQLite the order is chance, not the test's: fewer rounds.
    rounds = 20 if connection.vendor == "postgresql" else 6
    sweep_moved = []
    for round_ in range(rounds):
        enable_first = round_ % 2 == 0
        organization = idle_past_the_period(active_organization())
        user = MailUserFactory(directory=organization.directory)

        def act(i: int, organization=organization, user=user, enable_first=enable_first):
            if i == 1:
                return make_idle_organizations_inactive()
            if not enable_first:
                until_the_sweep_waits()
            email = f"{user.name}@{organization.test_domain}"
            return services.enable_user(organization=organization, user_id=user.pk, email=email)

        held = Organization if enable_first else MailDomain
        enabled, moved = race(act, writes_to=held, count=2)
        after = fresh(organization)
        assert enabled.state == User.objects.get(pk=user.pk).state == UserState.ENABLED
        assert (after.state, after.alias_released_at, after.no_enabled_users_since) == (
            State.ACTIVE, None, None,
        )  # fmt: skip
        assert holds_its_test_domain(after)
        # Requested (the factory's), then Active -> Inactive -> Active if the sweep went first.
        expected = [State.REQUESTED, State.INACTIVE, State.ACTIVE] if moved else [State.REQUESTED]
        assert list(after.events.values_list("to_state", flat=True)) == expected
        sweep_moved.append(bool(moved))
    if connection.vendor == "postgresql":  # SQLite can't hold one table: there, either order
        assert sweep_moved == [False, True] * (rounds // 2)


def test_a_user_created_as_the_sweep_runs_is_never_enabled_in_an_inactive_organization() -> None:
    """The create passed its first Active check; the sweep moves the organization Inactive and
    waits on the held table, its transaction open; the create then queues on the organization's
    row. Once the sweep commits, the create must see Inactive under the lock and refuse."""
    organization = idle_past_the_period(active_organization())

    def act(i: int) -> object:
        if i == 1:
            return make_idle_organizations_inactive()
        until_the_sweep_waits()
        return attempt(lambda: services.create_user(
            organization=organization, name="late", display_name="Late", password=PASSWORD,
            email=f"late@{organization.test_domain}",
        ))  # fmt: skip

    created, moved = race(act, writes_to=MailDomain, count=2)
    after = fresh(organization)
    enabled = services.users_of(after).enabled().exists()
    assert (after.state, enabled) in {(State.ACTIVE, True), (State.INACTIVE, False)}
    if connection.vendor == "postgresql":  # SQLite can't hold one table: there, either order
        assert (outcomes([created]), moved) == ({"OrganizationStateException": 1}, [after.pk])


def test_twenty_sweeps_at_once_move_an_idle_organization_once() -> None:
    organization = idle_past_the_period(active_organization())
    results = race(lambda _: make_idle_organizations_inactive(), writes_to=Organization)
    assert sorted(results) == [[]] * (COUNT - 1) + [[organization.pk]]
    assert (fresh(organization).state, moves(organization, State.INACTIVE)) == (State.INACTIVE, 1)
    assert not MailDomain.objects.filter(organization=organization).exists()


def test_twenty_users_of_an_inactive_organization_enabled_at_once_bring_it_back_once() -> None:
    organization, people = inactive_with_disabled_users(COUNT)
    results = race(
        lambda i: attempt(lambda: services.enable_user(
            organization=organization, user_id=people[i].pk,
            email=f"{people[i].name}@{organization.test_domain}",
        )),
        writes_to=User,
    )  # fmt: skip
    assert outcomes(results) == {"User": COUNT}
    assert services.users_of(organization).enabled().count() == COUNT
    after = fresh(organization)
    assert (after.state, after.alias_released_at) == (State.ACTIVE, None)
    assert moves(after, State.ACTIVE) == 1
    assert holds_its_test_domain(after)


def test_an_inactive_organization_coming_back_and_nineteen_creates_of_its_alias_one_wins(
    monkeypatch,
) -> None:
    # The alias is the point, not the workflow: no message for a worker that may be running.
    monkeypatch.setattr(organization_services, "advance_once_committed", lambda resource: None)
    organization, [user] = inactive_with_disabled_users(1)
    accounts = [AccountFactory() for _ in range(COUNT)]

    def act(i: int) -> object:
        if i == 0:
            email = f"{user.name}@{organization.test_domain}"
            return attempt(
                lambda: services.enable_user(
                    organization=organization, user_id=user.pk, email=email
                )
            )
        return attempt(
            lambda: organization_services.create_organization(
                account=accounts[i], region="us-east-1", alias=organization.alias.upper()
            )
        )

    results = race(act, writes_to=Organization)
    holders = Organization.objects.holding_alias().filter(alias__iexact=organization.alias)
    assert holders.count() == 1
    came_back = fresh(organization).state == State.ACTIVE
    if came_back:
        assert outcomes(results) == {"User": 1, "NameAvailabilityException": COUNT - 1}
    else:
        assert outcomes(results) == {
            "OrganizationStateException": 1, "Organization": 1,
            "NameAvailabilityException": COUNT - 2,
        }  # fmt: skip
        assert "was taken by another organization" in str(results[0])
        assert User.objects.get(pk=user.pk).state == UserState.DISABLED
