"""The groups' WorkMail API operations, on the services the Groups pages use."""

from typing import Any

from organizations.api import active_organization
from users import groups
from users.models import Group, GroupMember, UserState
from workmail_console.api.answers import paged, present, with_token
from workmail_console.api.registry import Call, operation
from workmail_console.errors import InvalidParameterException


def only_one_filter(filters: dict[str, Any]) -> dict[str, Any]:
    """ListUsers', ListGroups' and ListResources' Filters: "Only one filter per request is
    supported"."""
    if len(filters) > 1:
        raise InvalidParameterException(
            f"Only one filter per request is supported; this request has {len(filters)}"
            f" ({', '.join(sorted(filters))})."
        )
    return filters


def address(entity: Any) -> str | None:
    """The primary address an answer shows: none once deleted (it is free again)."""
    return entity.email if entity.email and entity.state != UserState.DELETED else None


@operation("CreateGroup")
def create(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # The API's CreateGroup registers nothing: the group is disabled until RegisterToWorkMail.
    group = groups.create_group(
        organization=active_organization(call, params["OrganizationId"]),
        name=params["Name"],
        hidden_from_global_address_list=params.get("HiddenFromGlobalAddressList", False),
    )
    return {"GroupId": str(group.pk)}


@operation("DescribeGroup")
def describe(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    group = groups.get_group(
        organization=active_organization(call, params["OrganizationId"]),
        group_id=params["GroupId"],
    )
    return present({
        "GroupId": str(group.pk), "Name": group.name, "Email": address(group),
        "State": group.state, "EnabledDate": group.enabled_date,
        "DisabledDate": group.disabled_date,
        "HiddenFromGlobalAddressList": group.hidden_from_global_address_list,
    })  # fmt: skip


@operation("ListGroups")
def list_(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    filters = only_one_filter(params.get("Filters", {}))
    rows = groups.list_groups(
        organization=organization,
        state=filters.get("State", ""),
        name_prefix=filters.get("NamePrefix", ""),
        primary_email_prefix=filters.get("PrimaryEmailPrefix", ""),
    )
    found = paged(call, params, rows, organization=organization.organization_id, **filters)
    return with_token({"Groups": [_summary(group) for group in found.items]}, found)


def _summary(group: Group) -> dict[str, Any]:
    return present({
        "Id": str(group.pk), "Email": address(group), "Name": group.name, "State": group.state,
        "EnabledDate": group.enabled_date, "DisabledDate": group.disabled_date,
    })  # fmt: skip


@operation("UpdateGroup")
def update(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    groups.update_group(
        organization=active_organization(call, params["OrganizationId"]),
        group_id=params["GroupId"],
        hidden_from_global_address_list=params.get("HiddenFromGlobalAddressList"),
    )
    return {}


@operation("DeleteGroup")
def delete(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    groups.delete_group(
        organization=active_organization(call, params["OrganizationId"]),
        group_id=params["GroupId"],
    )
    return {}


@operation("AssociateMemberToGroup")
def associate_member(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    groups.associate_member(
        organization=active_organization(call, params["OrganizationId"]),
        group_id=params["GroupId"],
        member_id=params["MemberId"],
    )
    return {}


@operation("DisassociateMemberFromGroup")
def disassociate_member(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    groups.disassociate_member(
        organization=active_organization(call, params["OrganizationId"]),
        group_id=params["GroupId"],
        member_id=params["MemberId"],
    )
    return {}


@operation("ListGroupMembers")
def list_members(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    rows = groups.list_group_members(organization=organization, group_id=params["GroupId"])
    found = paged(
        call, params, rows, organization=organization.organization_id, group=params["GroupId"]
    )
    return with_token({"Members": [_member(membership) for membership in found.items]}, found)


def _member(membership: GroupMember) -> dict[str, Any]:
    member = membership.member
    return present({
        "Id": str(member.pk), "Name": member.name, "Type": membership.member_type,
        "State": member.state, "EnabledDate": member.enabled_date,
        "DisabledDate": member.disabled_date,
    })  # fmt: skip


@operation("ListGroupsForEntity")
def list_for_entity(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    prefix = params.get("Filters", {}).get("GroupNamePrefix", "")
    rows = groups.list_groups_for_entity(
        organization=organization, entity_id=params["EntityId"], group_name_prefix=prefix
    )
    found = paged(
        call, params, rows, organization=organization.organization_id,
        entity=params["EntityId"], group_name_prefix=prefix,
    )  # fmt: skip
    summaries = [{"GroupId": str(group.pk), "GroupName": group.name} for group in found.items]
    return with_token({"Groups": summaries}, found)
