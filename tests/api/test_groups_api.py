"""The groups' API operations through boto3: CreateGroup, DescribeGroup, ListGroups, UpdateGroup,
DeleteGroup, AssociateMemberToGroup, DisassociateMemberFromGroup, ListGroupMembers and
ListGroupsForEntity, on the services the Groups pages use."""

import html

import pytest
from django.urls import reverse

from directories.models import DirectoryType
from organizations.lifecycle import State
from tests.factories import MailUserFactory, active_organization
from users import groups
from users.models import Group, GroupMember, UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


@pytest.fixture
def org_id(organization) -> str:
    return organization.organization_id


def enabled_group(organization, name: str) -> Group:
    return groups.create_group(
        organization=organization, name=name, email=f"{name}@{organization.test_domain}"
    )


def enabled_user(organization, name: str = "jane"):
    return MailUserFactory(
        directory=organization.directory, name=name, state=UserState.ENABLED,
        email=f"{name}@{organization.test_domain}",
    )  # fmt: skip


def error_message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


# --- CreateGroup, DescribeGroup -------------------------------------------------------------


def test_create_group_makes_a_disabled_group_without_an_address(workmail, org_id):
    group_id = workmail.create_group(OrganizationId=org_id, Name="Sales Team")["GroupId"]
    described = workmail.describe_group(OrganizationId=org_id, GroupId=group_id)
    assert described["GroupId"] == group_id and described["Name"] == "Sales Team"
    assert described["State"] == "DISABLED" and "Email" not in described
    assert described["HiddenFromGlobalAddressList"] is False
    assert Group.objects.get(pk=group_id).name == "Sales Team"


def test_create_group_can_hide_it_from_the_address_book(workmail, org_id):
    group_id = workmail.create_group(
        OrganizationId=org_id, Name="hidden", HiddenFromGlobalAddressList=True
    )["GroupId"]
    described = workmail.describe_group(OrganizationId=org_id, GroupId=group_id)
    assert described["HiddenFromGlobalAddressList"] is True


def test_a_group_made_by_the_api_is_on_the_consoles_groups_page(
    workmail, admin_client, organization
):
    group_id = workmail.create_group(OrganizationId=organization.organization_id, Name="support")[
        "GroupId"
    ]
    page = admin_client.get(
        reverse("groups:list", args=[organization.region, organization.organization_id])
    ).content.decode()
    assert f'data-group-id="{group_id}"' in page and ">support</a>" in page


def test_describe_group_finds_it_by_name_or_address_with_its_dates(workmail, organization):
    sales = enabled_group(organization, "sales")
    for identifier in ("SALES", f"sales@{organization.test_domain}", str(sales.pk)):
        described = workmail.describe_group(
            OrganizationId=organization.organization_id, GroupId=identifier
        )
        assert described["GroupId"] == str(sales.pk)
    assert described["Email"] == f"sales@{organization.test_domain}"
    assert described["State"] == "ENABLED"
    assert described["EnabledDate"].timestamp() == pytest.approx(sales.enabled_date.timestamp())
    assert "DisabledDate" not in described


def test_create_group_refuses_a_name_of_the_address_book_in_any_case(workmail, organization):
    MailUserFactory(directory=organization.directory, name="jane")
    with pytest.raises(workmail.exceptions.NameAvailabilityException) as excinfo:
        workmail.create_group(OrganizationId=organization.organization_id, Name="JANE")
    assert "already used by a user" in error_message(excinfo)
    assert not Group.objects.exists()


def test_create_group_refuses_a_reserved_name(workmail, org_id):
    with pytest.raises(workmail.exceptions.ReservedNameException):
        workmail.create_group(OrganizationId=org_id, Name="AmazonJournaling")
    assert not Group.objects.exists()


def test_create_group_checks_the_name_pattern_on_the_server(workmail, org_id):
    # botocore checks no pattern: the server does.
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.create_group(OrganizationId=org_id, Name="snow\u2603")
    assert not Group.objects.exists()


def test_an_unknown_group_is_entity_not_found(workmail, org_id):
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.describe_group(OrganizationId=org_id, GroupId="nobody-here")


def test_another_accounts_organization_is_not_found(stranger_workmail, organization):
    enabled_group(organization, "sales")
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        stranger_workmail.describe_group(
            OrganizationId=organization.organization_id, GroupId="sales"
        )


def test_an_inactive_organizations_groups_are_refused(workmail, admin):
    idle = active_organization(account=admin.account, alias="idle", state=State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        workmail.create_group(OrganizationId=idle.organization_id, Name="sales")
    assert not Group.objects.exists()


def test_an_ad_connector_organizations_groups_are_read_only(workmail, admin):
    connected = active_organization(
        account=admin.account, alias="onprem", directory_type=DirectoryType.AD_CONNECTOR
    )
    sales = Group.objects.create(directory=connected.directory, name="sales")
    org_id = connected.organization_id
    writes = [
        lambda: workmail.create_group(OrganizationId=org_id, Name="support"),
        lambda: workmail.update_group(
            OrganizationId=org_id, GroupId=str(sales.pk), HiddenFromGlobalAddressList=True
        ),
        lambda: workmail.delete_group(OrganizationId=org_id, GroupId=str(sales.pk)),
    ]
    for write in writes:
        with pytest.raises(workmail.exceptions.UnsupportedOperationException):
            write()
    assert [g["Name"] for g in workmail.list_groups(OrganizationId=org_id)["Groups"]] == ["sales"]
    assert Group.objects.get().state == UserState.DISABLED
    assert not Group.objects.get().hidden_from_global_address_list


# --- ListGroups -----------------------------------------------------------------------------


def names(answer: dict) -> list[str]:
    return [group["Name"] for group in answer["Groups"]]


def test_list_groups_filters_by_name_prefix_address_prefix_or_state(workmail, organization):
    org_id = organization.organization_id
    for name in ("sales", "support", "team"):
        enabled_group(organization, name)
    groups.create_group(organization=organization, name="drafts")
    gone = groups.create_group(organization=organization, name="gone")
    groups.delete_group(organization=organization, group_id=gone.pk)

    assert names(workmail.list_groups(OrganizationId=org_id)) == [
        "drafts", "sales", "support", "team",
    ]  # fmt: skip
    by_name = workmail.list_groups(OrganizationId=org_id, Filters={"NamePrefix": "S"})
    assert names(by_name) == ["sales", "support"]
    by_email = workmail.list_groups(OrganizationId=org_id, Filters={"PrimaryEmailPrefix": "TE"})
    assert names(by_email) == ["team"]
    assert by_email["Groups"][0]["Email"] == f"team@{organization.test_domain}"
    assert names(workmail.list_groups(OrganizationId=org_id, Filters={"State": "DISABLED"})) == [
        "drafts"
    ]
    deleted = workmail.list_groups(OrganizationId=org_id, Filters={"State": "DELETED"})
    assert names(deleted) == ["gone"] and deleted["Groups"][0]["State"] == "DELETED"


def test_list_groups_takes_one_filter_per_request(workmail, org_id):
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.list_groups(OrganizationId=org_id, Filters={"NamePrefix": "s", "State": "ENABLED"})
    assert "Only one filter per request" in error_message(excinfo)


def test_the_list_groups_paginator_walks_every_group_once_in_order(workmail, organization):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        enabled_group(organization, name)
    pages = list(
        workmail.get_paginator("list_groups").paginate(
            OrganizationId=organization.organization_id, PaginationConfig={"PageSize": 2}
        )
    )
    assert [names(page) for page in pages] == [["a1", "a2"], ["a3", "a4"], ["a5"]]
    assert "NextToken" not in pages[-1]


def test_a_list_groups_token_holds_only_for_its_filters(workmail, organization):
    for name in ("a1", "a2", "a3"):
        enabled_group(organization, name)
    org_id = organization.organization_id
    first = workmail.list_groups(OrganizationId=org_id, MaxResults=1, Filters={"NamePrefix": "a"})
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.list_groups(
            OrganizationId=org_id, NextToken=first["NextToken"], Filters={"NamePrefix": "a1"}
        )
    assert error_message(excinfo) == "The NextToken is invalid."


# --- UpdateGroup, DeleteGroup ---------------------------------------------------------------


def test_update_group_hides_and_shows_it_in_the_address_book(workmail, organization):
    sales = enabled_group(organization, "sales")
    org_id = organization.organization_id
    workmail.update_group(OrganizationId=org_id, GroupId="sales", HiddenFromGlobalAddressList=True)
    assert Group.objects.get(pk=sales.pk).hidden_from_global_address_list
    workmail.update_group(OrganizationId=org_id, GroupId="sales")  # nothing given, nothing changes
    assert workmail.describe_group(OrganizationId=org_id, GroupId="sales")[
        "HiddenFromGlobalAddressList"
    ]
    workmail.update_group(OrganizationId=org_id, GroupId="sales", HiddenFromGlobalAddressList=False)
    assert not Group.objects.get(pk=sales.pk).hidden_from_global_address_list


def test_update_group_refuses_a_deleted_group(workmail, organization):
    gone = groups.create_group(organization=organization, name="gone")
    groups.delete_group(organization=organization, group_id=gone.pk)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.update_group(
            OrganizationId=organization.organization_id, GroupId=str(gone.pk),
            HiddenFromGlobalAddressList=True,
        )  # fmt: skip
    assert not Group.objects.get(pk=gone.pk).hidden_from_global_address_list


def test_delete_group_needs_a_disabled_group(workmail, organization):
    sales = enabled_group(organization, "sales")
    with pytest.raises(workmail.exceptions.EntityStateException) as excinfo:
        workmail.delete_group(OrganizationId=organization.organization_id, GroupId="sales")
    assert "you must first disable that group" in error_message(excinfo)
    assert Group.objects.get(pk=sales.pk).state == UserState.ENABLED


def test_delete_group_deletes_a_disabled_group_and_again_changes_nothing(workmail, organization):
    org_id = organization.organization_id
    sales = enabled_group(organization, "sales")
    groups.disable_group(organization=organization, group_id=sales.pk)
    workmail.delete_group(OrganizationId=org_id, GroupId="sales")
    workmail.delete_group(OrganizationId=org_id, GroupId=str(sales.pk))
    described = workmail.describe_group(OrganizationId=org_id, GroupId=str(sales.pk))
    assert described["State"] == "DELETED"
    assert "Email" not in described  # its address is free again, as its name is
    assert names(workmail.list_groups(OrganizationId=org_id)) == []
    workmail.create_group(OrganizationId=org_id, Name="sales")


# --- Members --------------------------------------------------------------------------------


def test_members_are_users_and_groups_with_their_type_and_state(workmail, organization):
    org_id = organization.organization_id
    sales, team = enabled_group(organization, "sales"), enabled_group(organization, "team")
    jane = enabled_user(organization)
    workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="jane")
    workmail.associate_member_to_group(
        OrganizationId=org_id, GroupId=str(sales.pk), MemberId=f"team@{organization.test_domain}"
    )
    workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="jane")
    members = workmail.list_group_members(OrganizationId=org_id, GroupId="sales")["Members"]
    assert [(m["Id"], m["Name"], m["Type"], m["State"]) for m in members] == [
        (str(jane.pk), "jane", "USER", "ENABLED"),
        (str(team.pk), "team", "GROUP", "ENABLED"),
    ]
    assert "EnabledDate" in members[1] and "DisabledDate" not in members[1]
    assert GroupMember.objects.filter(group=sales).count() == 2  # the second add changed nothing


def test_only_an_enabled_group_takes_members_and_only_enabled_ones(workmail, organization):
    org_id = organization.organization_id
    enabled_group(organization, "sales")
    groups.create_group(organization=organization, name="drafts")
    MailUserFactory(directory=organization.directory, name="bob")
    enabled_user(organization)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.associate_member_to_group(OrganizationId=org_id, GroupId="drafts", MemberId="jane")
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="bob")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="zed")
    assert not GroupMember.objects.exists()


def test_a_nesting_that_would_form_a_cycle_is_refused_as_the_console_refuses_it(
    workmail, admin_client, organization
):
    org_id = organization.organization_id
    sales, inner = enabled_group(organization, "sales"), enabled_group(organization, "inner")
    enabled_group(organization, "team")
    workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="team")
    workmail.associate_member_to_group(OrganizationId=org_id, GroupId="team", MemberId="inner")
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.associate_member_to_group(OrganizationId=org_id, GroupId="inner", MemberId="sales")
    assert error_message(excinfo) == "Group sales can't be a member of inner: inner is in sales."
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="sales")
    page = admin_client.post(
        reverse("groups:add-member", args=[organization.region, org_id, inner.pk]),
        {"member": str(sales.pk)},
        follow=True,
    ).content.decode()
    assert html.escape(error_message(excinfo)) in page
    assert not GroupMember.objects.filter(group=inner, member_group=sales).exists()


def test_disassociate_member_removes_it_and_a_non_member_is_not_found(workmail, organization):
    org_id = organization.organization_id
    enabled_group(organization, "sales")
    enabled_user(organization)
    enabled_user(organization, "bob")
    workmail.associate_member_to_group(OrganizationId=org_id, GroupId="sales", MemberId="jane")
    workmail.disassociate_member_from_group(OrganizationId=org_id, GroupId="sales", MemberId="jane")
    assert workmail.list_group_members(OrganizationId=org_id, GroupId="sales")["Members"] == []
    with pytest.raises(workmail.exceptions.EntityNotFoundException) as excinfo:
        workmail.disassociate_member_from_group(
            OrganizationId=org_id, GroupId="sales", MemberId="bob"
        )
    assert error_message(excinfo) == "bob is not a member of group sales."


def test_list_group_members_of_a_deleted_group_is_refused(workmail, organization):
    gone = groups.create_group(organization=organization, name="gone")
    groups.delete_group(organization=organization, group_id=gone.pk)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.list_group_members(
            OrganizationId=organization.organization_id, GroupId=str(gone.pk)
        )


def test_the_list_group_members_paginator_walks_every_member_once(workmail, organization):
    org_id = organization.organization_id
    sales = enabled_group(organization, "sales")
    for name in ("u1", "u2", "u3", "u4", "u5"):
        groups.associate_member(
            organization=organization, group_id=sales.pk,
            member_id=str(enabled_user(organization, name).pk),
        )  # fmt: skip
    pages = list(
        workmail.get_paginator("list_group_members").paginate(
            OrganizationId=org_id, GroupId="sales", PaginationConfig={"PageSize": 2}
        )
    )
    assert [[m["Name"] for m in page["Members"]] for page in pages] == [
        ["u1", "u2"], ["u3", "u4"], ["u5"],
    ]  # fmt: skip


def test_a_list_group_members_token_holds_only_for_its_group(workmail, organization):
    org_id = organization.organization_id
    for name in ("sales", "team"):
        enabled_group(organization, name)
        for person in ("u1", "u2"):
            if name == "sales":
                enabled_user(organization, person)
            groups.associate_member(organization=organization, group_id=name, member_id=person)
    first = workmail.list_group_members(OrganizationId=org_id, GroupId="sales", MaxResults=1)
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_group_members(
            OrganizationId=org_id, GroupId="team", NextToken=first["NextToken"]
        )


# --- ListGroupsForEntity --------------------------------------------------------------------


def test_list_groups_for_entity_names_the_groups_it_is_in(workmail, organization):
    org_id = organization.organization_id
    jane = enabled_user(organization)
    for name in ("sales", "support", "team", "other"):
        group = enabled_group(organization, name)
        if name != "other":
            groups.associate_member(organization=organization, group_id=group.pk, member_id="jane")
    groups.associate_member(organization=organization, group_id="sales", member_id="team")

    answer = workmail.list_groups_for_entity(OrganizationId=org_id, EntityId=str(jane.pk))
    assert [g["GroupName"] for g in answer["Groups"]] == ["sales", "support", "team"]
    assert answer["Groups"][0]["GroupId"] == str(Group.objects.get(name="sales").pk)
    filtered = workmail.list_groups_for_entity(
        OrganizationId=org_id, EntityId="jane", Filters={"GroupNamePrefix": "S"}
    )
    assert [g["GroupName"] for g in filtered["Groups"]] == ["sales", "support"]
    of_group = workmail.list_groups_for_entity(OrganizationId=org_id, EntityId="team")
    assert [g["GroupName"] for g in of_group["Groups"]] == ["sales"]


def test_list_groups_for_entity_pages_with_next_token(workmail, organization):
    org_id = organization.organization_id
    enabled_user(organization)
    for name in ("g1", "g2", "g3"):
        group = enabled_group(organization, name)
        groups.associate_member(organization=organization, group_id=group.pk, member_id="jane")
    seen, token = [], None
    for _ in range(3):
        kwargs = {"NextToken": token} if token else {}
        answer = workmail.list_groups_for_entity(
            OrganizationId=org_id, EntityId="jane", MaxResults=2, **kwargs
        )
        seen.append([g["GroupName"] for g in answer["Groups"]])
        token = answer.get("NextToken")
        if token is None:
            break
    assert seen == [["g1", "g2"], ["g3"]]


def test_a_list_groups_for_entity_token_holds_only_for_its_entity(workmail, organization):
    org_id = organization.organization_id
    for person in ("jane", "bob"):
        enabled_user(organization, person)
    for name in ("g1", "g2"):
        group = enabled_group(organization, name)
        for person in ("jane", "bob"):
            groups.associate_member(organization=organization, group_id=group.pk, member_id=person)
    first = workmail.list_groups_for_entity(OrganizationId=org_id, EntityId="jane", MaxResults=1)
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_groups_for_entity(
            OrganizationId=org_id, EntityId="bob", NextToken=first["NextToken"]
        )


def test_list_groups_for_an_unknown_entity_is_entity_not_found(workmail, org_id):
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.list_groups_for_entity(OrganizationId=org_id, EntityId="nobody")
