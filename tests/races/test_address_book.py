"""The address book under races: users, groups and resources share one namespace of names and one of
addresses, and a group never contains itself, however many admins ask at the same moment (the
organization's row lock serializes them; each table's constraints back it)."""

from collections import Counter

import pytest

from tests.factories import active_organization
from tests.races.harness import COUNT, race
from users import addresses, groups, resources, services
from users.models import EmailAlias, Group, GroupMember, Resource, User
from workmail_console.errors import WorkMailError

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Str0ng-Passw0rd"


def attempt(action) -> str:
    try:
        action()
    except WorkMailError as error:
        return error.code
    return "created"


def test_twenty_creates_of_one_name_across_users_groups_and_resources_make_one(admin) -> None:
    organization = active_organization(account=admin.account)

    def create(i: int) -> str:
        name = "racer" if i % 4 < 2 else "RACER"
        if i % 3 == 2:
            return attempt(lambda: resources.create_resource(
                organization=organization, name=name, resource_type="ROOM",
                email=f"r{i}@{organization.test_domain}",
            ))  # fmt: skip
        if i % 3 == 1:
            return attempt(lambda: groups.create_group(
                organization=organization, name=name, email=f"g{i}@{organization.test_domain}"
            ))  # fmt: skip
        return attempt(lambda: services.create_user(
            organization=organization, name=name, display_name="Racer", password=PASSWORD,
            email=f"u{i}@{organization.test_domain}",
        ))  # fmt: skip

    results = race(create, writes_to=Group)
    assert Counter(results) == {"created": 1, "NameAvailabilityException": COUNT - 1}
    assert User.objects.count() + Group.objects.count() + Resource.objects.count() == 1


def test_twenty_creates_of_one_address_across_users_groups_and_resources_make_one(
    admin,
) -> None:
    organization = active_organization(account=admin.account)
    same = f"shared@{organization.test_domain}"

    def create(i: int) -> str:
        email = same if i % 4 < 2 else same.upper()
        if i % 3 == 2:
            return attempt(lambda: resources.create_resource(
                organization=organization, name=f"room{i}", resource_type="ROOM", email=email
            ))  # fmt: skip
        if i % 3 == 1:
            return attempt(lambda: groups.create_group(
                organization=organization, name=f"group{i}", email=email
            ))  # fmt: skip
        return attempt(lambda: services.create_user(
            organization=organization, name=f"user{i}", display_name="Racer", password=PASSWORD,
            email=email,
        ))  # fmt: skip

    results = race(create, writes_to=User)
    assert Counter(results) == {"created": 1, "EmailAddressInUseException": COUNT - 1}
    assert User.objects.count() + Group.objects.count() + Resource.objects.count() == 1


def test_twenty_nested_group_adds_never_make_a_cycle(admin) -> None:
    organization = active_organization(account=admin.account)
    a, b = (
        groups.create_group(organization=organization, name=name,
                            email=f"{name}@{organization.test_domain}")
        for name in ("a-team", "b-team")
    )  # fmt: skip

    def add(i: int) -> str:
        outer, inner = (a, "b-team") if i % 2 else (b, "a-team")
        return attempt(lambda: groups.associate_member(
            organization=organization, group_id=outer.pk, member_id=inner
        ))  # fmt: skip

    results = Counter(race(add, writes_to=GroupMember))
    # One direction wins; its repeats change nothing; every add the other way is refused.
    assert results["InvalidParameterException"] == COUNT // 2
    assert results["created"] == COUNT // 2
    assert GroupMember.objects.count() == 1


def test_twenty_aliases_of_one_address_across_entities_make_one(admin) -> None:
    organization = active_organization(account=admin.account)
    domain = organization.test_domain
    entities = [
        services.create_user(organization=organization, name="jane", display_name="Jane",
                             password=PASSWORD, email=f"jane@{domain}"),
        groups.create_group(organization=organization, name="sales", email=f"sales@{domain}"),
        resources.create_resource(organization=organization, name="room", resource_type="ROOM",
                                  email=f"room@{domain}"),
    ]  # fmt: skip

    def alias(i: int) -> str:
        address = f"shared@{domain}" if i % 2 else f"SHARED@{domain}"
        return attempt(lambda: addresses.create_alias(
            organization=organization, entity=entities[i % 3], alias=address
        ))  # fmt: skip

    results = Counter(race(alias, writes_to=EmailAlias))
    assert results == {"created": 1, "EmailAddressInUseException": COUNT - 1}
    assert EmailAlias.objects.count() == 1
