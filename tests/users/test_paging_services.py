"""NextToken and MaxResults with each list service and real rows: every row once and in order, a
row added or removed between two calls skips or repeats no other, MaxResults 1 to 100, and a
token only for the listing and scope it came from (workmail_console.paging)."""

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from domains import services as domain_services
from organizations import services as organization_services
from organizations import settings_services
from organizations.lifecycle import State
from organizations.models import Organization, OrganizationTag
from tests.factories import (
    MailDomainFactory,
    MailUserFactory,
    OrganizationFactory,
    active_organization,
)
from users import addresses, groups, mailboxes, resources, services
from users.models import (
    EmailAlias,
    Group,
    GroupMember,
    MailboxPermission,
    Resource,
    ResourceDelegate,
    User,
    UserState,
)
from workmail_console.errors import InvalidParameterException
from workmail_console.paging import page

pytestmark = pytest.mark.django_db
RANKS = range(0, 70, 10)  # seven rows, with room between them for rows added later
SIZE = 3


@dataclass
class World:
    organization: Organization
    user: User  # owns the aliases and the mailbox permissions
    group: Group  # holds the members
    resource: Resource  # holds the delegates
    base: Any  # when the organizations of the listing were created


@pytest.fixture
def world(admin) -> World:
    organization = active_organization(account=admin.account, alias="corp")
    directory = organization.directory
    return World(
        organization=organization,
        user=MailUserFactory(directory=directory, name="owner", state=UserState.ENABLED),
        group=Group.objects.create(directory=directory, name="team", state=UserState.ENABLED),
        resource=Resource.objects.create(directory=directory, name="room", state=UserState.ENABLED),
        base=timezone.now(),
    )


def _member(world: World, name: str) -> User:
    return MailUserFactory(directory=world.organization.directory, name=name, state="ENABLED")


@dataclass(frozen=True)
class Case:
    """One list service: `make` adds a row that the service lists in the place its name (rowNNN)
    says; `label` tells a listed row's name; `remove` takes a row out of the listing."""

    operation: str
    listing: Callable[[World], Any]
    make: Callable[[World, str], Any]
    label: Callable[[Any], str]
    remove: Callable[[Any], None] = lambda row: row.delete()

    def __str__(self) -> str:
        return self.operation


CASES = [
    Case(
        "ListOrganizations",
        listing=lambda w: organization_services.list_organizations(
            account=w.organization.account, region="us-west-2"
        ),
        make=lambda w, name: OrganizationFactory(
            account=w.organization.account,
            region="us-west-2",
            alias=name,
            created_date=w.base - timedelta(seconds=int(name[3:])),
        ),
        label=lambda row: row.alias,
        remove=lambda row: Organization.objects.filter(pk=row.pk).update(state=State.DELETED),
    ),
    Case(
        "ListUsers",
        listing=lambda w: services.list_users(organization=w.organization),
        make=lambda w, name: MailUserFactory(directory=w.organization.directory, name=name),
        label=lambda row: row.name,
        remove=lambda row: User.objects.filter(pk=row.pk).update(state=UserState.DELETED),
    ),
    Case(
        "ListGroups",
        listing=lambda w: groups.list_groups(organization=w.organization),
        make=lambda w, name: Group.objects.create(directory=w.organization.directory, name=name),
        label=lambda row: row.name,
    ),
    Case(
        "ListGroupMembers",
        listing=lambda w: groups.list_group_members(
            organization=w.organization, group_id=w.group.pk
        ),
        make=lambda w, name: GroupMember.objects.create(group=w.group, user=_member(w, name)),
        label=lambda row: row.member.name,
    ),
    Case(
        "ListResources",
        listing=lambda w: resources.list_resources(organization=w.organization),
        make=lambda w, name: Resource.objects.create(directory=w.organization.directory, name=name),
        label=lambda row: row.name,
    ),
    Case(
        "ListResourceDelegates",
        listing=lambda w: resources.list_resource_delegates(
            organization=w.organization, resource_id=w.resource.pk
        ),
        make=lambda w, name: ResourceDelegate.objects.create(
            resource=w.resource, user=_member(w, name)
        ),
        label=lambda row: row.delegate.name,
    ),
    Case(
        "ListAliases",
        listing=lambda w: addresses.list_aliases(w.user),
        make=lambda w, name: EmailAlias.objects.create(
            directory=w.organization.directory,
            user=w.user,
            address=f"{name}@{w.organization.test_domain}",
        ),
        label=lambda row: row.partition("@")[0],
        remove=lambda row: EmailAlias.objects.filter(address=row).delete(),
    ),
    Case(
        "ListMailboxPermissions",
        listing=lambda w: mailboxes.list_mailbox_permissions(w.user),
        make=lambda w, name: MailboxPermission.objects.create(
            owner=w.user, user=_member(w, name), send_as=True
        ),
        label=lambda row: row.grantee.name,
    ),
    Case(
        "ListMailDomains",
        listing=lambda w: domain_services.list_mail_domains(w.organization),
        make=lambda w, name: MailDomainFactory(
            organization=w.organization, name=f"{name}.example.com"
        ),
        label=lambda row: row.name.partition(".")[0],
    ),
    Case(
        "ListTagsForResource",
        listing=lambda w: settings_services.list_tags_for_resource(organization=w.organization),
        make=lambda w, name: OrganizationTag.objects.create(organization=w.organization, key=name),
        label=lambda row: row.key,
    ),
]


def name(rank: int) -> str:
    return f"row{rank:03}"


def scope(case: Case, world: World, **filters: str) -> dict[str, object]:
    """What the API will bind a token to: the account, Region, operation and its filters."""
    account = world.organization.account_id
    return {"account": account, "region": "us-east-1", "operation": case.operation, **filters}


def listed(case: Case, world: World) -> list[str]:
    return [case.label(row) for row in case.listing(world)]


def rest(case: Case, world: World, token: str | None, size: int = SIZE) -> list[str]:
    """The names on the pages from `token` on (a page that never ends fails, not hangs)."""
    names: list[str] = []
    while token is not None:
        assert len(names) < 100, "the pages go round in circles"
        next_page = page(
            case.listing(world), next_token=token, max_results=size, scope=scope(case, world)
        )
        names += [case.label(row) for row in next_page.items]
        token = next_page.next_token
    return names


def first(case: Case, world: World, size: int = SIZE):
    return page(case.listing(world), next_token=None, max_results=size, scope=scope(case, world))


@pytest.fixture(params=CASES, ids=str)
def case(request, world: World) -> Case:
    case = request.param
    for rank in RANKS:
        case.make(world, name(rank))
    return case


@pytest.mark.parametrize("size", [1, 3, 100])
def test_the_pages_hold_every_row_once_in_the_services_order(case, world, size):
    everything = listed(case, world)
    assert {name(rank) for rank in RANKS} <= set(everything)
    opening = first(case, world, size)
    assert [case.label(row) for row in opening.items] == everything[:size]
    assert [case.label(row) for row in opening.items] + rest(
        case, world, opening.next_token, size
    ) == everything
    assert (opening.next_token is None) == (size >= len(everything))


def test_the_tokens_of_one_listing_are_all_different(case, world):
    tokens, token = [], first(case, world, 1).next_token
    while token is not None and len(tokens) < 100:
        tokens.append(token)
        token = page(
            case.listing(world), next_token=token, max_results=1, scope=scope(case, world)
        ).next_token
    assert len(tokens) == len(set(tokens)) == len(listed(case, world)) - 1


def test_rows_added_between_pages_never_repeat_nor_hide_another(case, world):
    opening = first(case, world)
    shown = [case.label(row) for row in opening.items]
    assert name(5) < shown[-1] < name(45)
    case.make(world, name(5))  # before the token: a later page doesn't show it
    case.make(world, name(45))  # after it: a later page does
    now = listed(case, world)
    assert rest(case, world, opening.next_token) == now[now.index(shown[-1]) + 1 :]
    assert name(45) in now and name(5) not in rest(case, world, opening.next_token)


def test_the_row_the_token_points_after_can_go_without_another_being_skipped(case, world):
    opening = first(case, world)
    before = listed(case, world)
    case.remove(opening.items[-1])
    assert rest(case, world, opening.next_token) == before[SIZE:]


def test_a_row_removed_before_the_token_changes_nothing_after_it(case, world):
    opening = first(case, world)
    before = listed(case, world)
    case.remove(opening.items[0])
    assert rest(case, world, opening.next_token) == before[SIZE:]


@pytest.mark.parametrize("size", [0, 101])
def test_max_results_outside_1_to_100_is_an_invalid_parameter(case, world, size):
    with pytest.raises(InvalidParameterException, match="MaxResults must be a number from 1"):
        page(case.listing(world), next_token=None, max_results=size, scope=scope(case, world))


def test_a_token_reused_with_other_filters_is_invalid(case, world):
    listing = case.listing(world)
    token = page(
        listing, next_token=None, max_results=SIZE, scope=scope(case, world, state="ENABLED")
    ).next_token
    with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
        page(listing, next_token=token, max_results=SIZE, scope=scope(case, world, state=""))


def test_a_token_edited_by_one_character_is_invalid(case, world):
    token = first(case, world).next_token
    alphabet = string.ascii_letters + string.digits + "+/"
    listing = case.listing(world)
    for i, kept in enumerate(token.rstrip("=")):
        edited = token[:i] + alphabet[(alphabet.index(kept) + 1) % len(alphabet)] + token[i + 1 :]
        with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
            page(listing, next_token=edited, max_results=SIZE, scope=scope(case, world))


def test_a_token_of_users_is_not_one_of_groups_even_in_the_same_scope(world):
    for rank in RANKS:
        MailUserFactory(directory=world.organization.directory, name=name(rank))
        Group.objects.create(directory=world.organization.directory, name=name(rank))
    same = {"account": world.organization.account_id, "operation": "List"}
    token = page(
        services.list_users(organization=world.organization),
        next_token=None,
        max_results=SIZE,
        scope=same,
    ).next_token
    with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
        page(
            groups.list_groups(organization=world.organization),
            next_token=token,
            max_results=SIZE,
            scope=same,
        )


def test_a_group_of_the_longest_latin_1_name_pages_within_1024_characters(world):
    longest = "ÿ" * groups.GROUP_NAME_MAX
    for end in "ab":
        Group.objects.create(directory=world.organization.directory, name=longest[:-1] + end)
    token = page(
        groups.list_groups(organization=world.organization),
        next_token=None,
        max_results=1,
        scope={"operation": "ListGroups"},
    ).next_token
    assert token is not None and len(token) <= 1024


def test_rows_tied_on_every_ordering_field_page_by_their_primary_key(world):
    """A service's ordering that isn't unique gets the primary key after it."""
    for rank in RANKS:
        Group.objects.create(directory=world.organization.directory, name=name(rank))
    tied = Group.objects.filter(directory=world.organization.directory).order_by("state")
    scope = {"operation": "tied"}
    pages = [page(tied, next_token=None, max_results=2, scope=scope)]
    while pages[-1].next_token is not None and len(pages) < 100:
        pages.append(page(tied, next_token=pages[-1].next_token, max_results=2, scope=scope))
    seen = [group.pk for p in pages for group in p.items]
    assert len(seen) == len(set(seen)) == 8  # the seven and team
    assert set(seen) == set(tied.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "rows",
    [
        lambda: Group.objects.order_by(),  # no order at all
        lambda: GroupMember.objects.order_by("group"),  # a relation: its model's ordering
        lambda: Group.objects.order_by("directory__name", "pk"),  # another model's field
        lambda: User.objects.order_by("email", "pk"),  # NULL can't be compared to
        lambda: Group.objects.order_by("name", "pk").reverse(),
    ],
)
def test_a_queryset_that_cant_page_by_keyset_is_a_mistake_in_the_code(world, rows):
    with pytest.raises(AssertionError):
        page(rows(), next_token=None, max_results=5, scope={})
