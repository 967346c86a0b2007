"""Groups' services: CreateGroup (with RegisterToWorkMail), Enable, Disable, Delete, members;
one address book with the users (names and addresses), and the state matrix row by row."""

import pytest

from directories.models import DirectoryType
from organizations.models import Organization
from tests.factories import MailDomainFactory, MailUserFactory, active_organization
from users import groups, services
from users.models import Group, GroupMember, UserState
from workmail_console.errors import (
    EmailAddressInUseException,
    EntityAlreadyRegisteredException,
    EntityNotFoundException,
    EntityStateException,
    InvalidParameterException,
    MailDomainNotFoundException,
    MailDomainStateException,
    NameAvailabilityException,
    ReservedNameException,
    UnsupportedOperationException,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp")


def address(organization: Organization, local: str) -> str:
    return f"{local}@{organization.test_domain}"


def group(organization: Organization, name: str = "sales", email: str | None = "") -> Group:
    email = address(organization, name.replace(" ", "")) if email == "" else email
    return groups.create_group(organization=organization, name=name, email=email)


def user(organization: Organization, name: str = "jane", enabled: bool = True):
    email = address(organization, name) if enabled else None
    return services.create_user(
        organization=organization, name=name, display_name=name.title(), password=PASSWORD,
        email=email,
    )  # fmt: skip


# --- Create ---------------------------------------------------------------------------------


def test_create_group_with_an_address_registers_it_at_once_as_the_console_does(organization):
    sales = group(organization, "Sales Team", email=address(organization, "sales"))
    assert sales.state == UserState.ENABLED and sales.enabled_date is not None
    assert sales.email == f"sales@{organization.test_domain}"
    assert groups.get_group(organization=organization, group_id="SALES TEAM") == sales
    assert groups.get_group(organization=organization, group_id=sales.email.upper()) == sales


def test_create_group_without_an_address_leaves_it_disabled_as_the_api_does(organization):
    assert group(organization, "sales", email=None).state == UserState.DISABLED


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "Enter a group name."), (" ", "Enter a group name."),
     ("x" * 257, "up to 256 characters"), ("tab\there", "no control characters"),
     ("snow☃", "Latin-1")],
)  # fmt: skip
def test_a_group_name_follows_creategroups_pattern(organization, name, problem):
    with pytest.raises(InvalidParameterException, match=problem):
        group(organization, name, email=None)
    assert not Group.objects.exists()


def test_a_name_is_one_users_or_one_groups_in_any_case(organization):
    user(organization, "jane")
    with pytest.raises(NameAvailabilityException, match="already used by a user"):
        group(organization, "JANE", email=None)
    group(organization, "sales", email=None)
    with pytest.raises(NameAvailabilityException, match="already used by a group"):
        user(organization, "Sales")
    with pytest.raises(NameAvailabilityException, match="already used in this organization"):
        group(organization, "SALES", email=None)
    assert Group.objects.count() == 1


@pytest.mark.parametrize("name", ["amazonjournaling", "AmazonJournaling", "Administrator"])
def test_reserved_names_are_refused_to_users_and_groups(organization, name):
    with pytest.raises(ReservedNameException):
        group(organization, name, email=None)
    with pytest.raises(ReservedNameException):
        user(organization, name.lower())


def test_an_address_is_one_entitys_even_while_it_is_disabled(organization):
    jane = user(organization, "jane")
    with pytest.raises(EmailAddressInUseException, match="another user"):
        group(organization, "team", email=jane.email.upper())
    services.disable_user(organization=organization, user_id=jane.user_id)
    with pytest.raises(EmailAddressInUseException):
        group(organization, "team", email=jane.email)  # a disabled user keeps it
    sales = group(organization, "sales")
    groups.disable_group(organization=organization, group_id=sales.pk)
    with pytest.raises(EmailAddressInUseException, match="a group"):
        services.create_user(
            organization=organization, name="bob", display_name="Bob", password=PASSWORD,
            email=sales.email,
        )  # fmt: skip


def test_a_groups_address_is_on_a_verified_domain_of_its_organization(organization):
    with pytest.raises(MailDomainNotFoundException):
        group(organization, "sales", email="sales@elsewhere.example")
    MailDomainFactory(organization=organization, name="pending.example")
    with pytest.raises(MailDomainStateException):
        group(organization, "sales", email="sales@pending.example")
    assert not Group.objects.exists()


def test_an_ad_connector_organizations_groups_are_read_only():
    organization = active_organization(directory_type=DirectoryType.AD_CONNECTOR)
    with pytest.raises(UnsupportedOperationException):
        group(organization, "sales")


# --- The state matrix -----------------------------------------------------------------------


def test_enable_registers_a_disabled_group_and_keeps_an_enabled_one(organization):
    sales = group(organization, "sales", email=None)
    mail = address(organization, "sales")
    enabled = groups.enable_group(organization=organization, group_id=sales.pk, email=mail)
    assert enabled.state == UserState.ENABLED and enabled.email == mail
    again = groups.enable_group(organization=organization, group_id=sales.pk, email=mail.upper())
    assert again.state == UserState.ENABLED  # the same address: no change
    with pytest.raises(EntityAlreadyRegisteredException):
        groups.enable_group(
            organization=organization, group_id=sales.pk, email=address(organization, "other")
        )


def test_disable_keeps_the_address_and_enable_brings_it_back(organization):
    sales = group(organization, "sales")
    disabled = groups.disable_group(organization=organization, group_id=sales.pk)
    assert disabled.state == UserState.DISABLED and disabled.email == sales.email
    assert groups.disable_group(organization=organization, group_id=sales.pk).state == (
        UserState.DISABLED
    )  # disabling a disabled group changes nothing
    groups.enable_group(organization=organization, group_id=sales.pk, email=sales.email)
    assert Group.objects.get(pk=sales.pk).state == UserState.ENABLED


def test_delete_needs_a_disabled_group_and_frees_its_name_and_address(organization):
    sales = group(organization, "sales")
    with pytest.raises(EntityStateException, match="must first disable"):
        groups.delete_group(organization=organization, group_id=sales.pk)
    groups.disable_group(organization=organization, group_id=sales.pk)
    deleted = groups.delete_group(organization=organization, group_id=sales.pk)
    assert deleted.state == UserState.DELETED
    assert groups.delete_group(organization=organization, group_id=sales.pk).state == (
        UserState.DELETED
    )  # DeleteGroup models no EntityNotFoundException: nothing more to do
    with pytest.raises(EntityStateException):
        groups.enable_group(organization=organization, group_id=sales.pk, email=sales.email)
    again = group(organization, "SALES", email=sales.email)
    assert again.pk != sales.pk and again.state == UserState.ENABLED


# --- Members --------------------------------------------------------------------------------


def test_members_are_users_and_groups_listed_by_name(organization):
    sales, team = group(organization, "sales"), group(organization, "team")
    jane, bob = user(organization, "jane"), user(organization, "bob")
    for member in ("jane", str(bob.user_id), team.email):  # a name, an ID, an address
        groups.associate_member(organization=organization, group_id=sales.pk, member_id=member)
    members = groups.list_group_members(organization=organization, group_id=sales.pk)
    assert [(m.member.name, m.member_type) for m in members] == [
        ("bob", "USER"),
        ("jane", "USER"),
        ("team", "GROUP"),
    ]
    groups.associate_member(organization=organization, group_id=sales.pk, member_id="jane")
    assert GroupMember.objects.count() == 3  # adding a member twice changes nothing
    groups.disassociate_member(
        organization=organization, group_id=sales.pk, member_id=str(jane.user_id)
    )
    with pytest.raises(EntityNotFoundException, match="not a member"):
        groups.disassociate_member(organization=organization, group_id=sales.pk, member_id="jane")


def test_only_an_enabled_group_takes_members_and_only_enabled_ones(organization):
    sales = group(organization, "sales", email=None)
    user(organization, "jane")
    with pytest.raises(EntityStateException, match="Enable it"):
        groups.associate_member(organization=organization, group_id=sales.pk, member_id="jane")
    team = group(organization, "team")
    user(organization, "bob", enabled=False)
    with pytest.raises(EntityStateException, match="disabled"):
        groups.associate_member(organization=organization, group_id=team.pk, member_id="bob")
    with pytest.raises(EntityNotFoundException):
        groups.associate_member(organization=organization, group_id=team.pk, member_id="nobody")
    assert not GroupMember.objects.exists()


def test_a_group_never_contains_itself_however_deep(organization):
    a, b, c = (group(organization, name) for name in ("a-team", "b-team", "c-team"))
    with pytest.raises(InvalidParameterException, match="the same group"):
        groups.associate_member(organization=organization, group_id=a.pk, member_id="a-team")
    groups.associate_member(organization=organization, group_id=a.pk, member_id="b-team")
    groups.associate_member(organization=organization, group_id=b.pk, member_id="c-team")
    for inner in (b, c):  # c in b in a: neither may take a
        with pytest.raises(InvalidParameterException, match="can't be a member"):
            groups.associate_member(
                organization=organization, group_id=inner.pk, member_id="a-team"
            )
    assert GroupMember.objects.count() == 2


def test_deleting_a_group_takes_it_out_of_every_group(organization):
    sales, team = group(organization, "sales"), group(organization, "team")
    groups.associate_member(organization=organization, group_id=sales.pk, member_id="team")
    groups.disable_group(organization=organization, group_id=team.pk)
    groups.delete_group(organization=organization, group_id=team.pk)
    assert groups.list_group_members(organization=organization, group_id=sales.pk) == []
    assert not GroupMember.objects.exists()


def test_a_deleted_organization_leaves_its_groups_disabled(organization):
    sales = group(organization, "sales")
    MailUserFactory(directory=organization.directory)
    services.deregister_all(organization)
    assert Group.objects.get(pk=sales.pk).state == UserState.DISABLED


def test_the_list_filters_by_state_and_text_and_hides_deleted_ones(organization):
    group(organization, "sales")
    group(organization, "support", email=None)
    gone = group(organization, "gone", email=None)
    groups.delete_group(organization=organization, group_id=gone.pk)

    def names(**filters) -> list[str]:
        return [g.name for g in groups.list_groups(organization=organization, **filters)]

    assert names() == ["sales", "support"]
    assert names(state="DISABLED") == ["support"]
    assert names(state="DELETED") == ["gone"]
    assert names(containing="SALES@") == ["sales"]
