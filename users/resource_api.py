"""The resources' WorkMail API operations, on the services the Resources pages use."""

from typing import Any

from organizations.api import active_organization
from users import resources
from users.group_api import address, only_one_filter
from users.models import Resource
from workmail_console.api.answers import paged, present, with_token
from workmail_console.api.registry import Call, operation

# BookingOptions' members and the resource's fields that hold them.
BOOKING_OPTIONS = {
    "AutoAcceptRequests": "auto_accept_requests",
    "AutoDeclineRecurringRequests": "auto_decline_recurring_requests",
    "AutoDeclineConflictingRequests": "auto_decline_conflicting_requests",
}


@operation("CreateResource")
def create(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # The API's CreateResource registers nothing: disabled until RegisterToWorkMail.
    resource = resources.create_resource(
        organization=active_organization(call, params["OrganizationId"]),
        name=params["Name"],
        resource_type=params["Type"],
        description=params.get("Description", ""),
        hidden_from_global_address_list=params.get("HiddenFromGlobalAddressList", False),
    )
    return {"ResourceId": resource.pk}


@operation("DescribeResource")
def describe(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    resource = resources.get_resource(
        organization=active_organization(call, params["OrganizationId"]),
        resource_id=params["ResourceId"],
    )
    return present({
        "ResourceId": resource.pk, "Email": address(resource), "Name": resource.name,
        "Type": resource.resource_type,
        "BookingOptions": {
            member: getattr(resource, field) for member, field in BOOKING_OPTIONS.items()
        },
        "State": resource.state, "EnabledDate": resource.enabled_date,
        "DisabledDate": resource.disabled_date, "Description": resource.description or None,
        "HiddenFromGlobalAddressList": resource.hidden_from_global_address_list,
    })  # fmt: skip


@operation("UpdateResource")
def update(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    booking = params.get("BookingOptions", {})
    resources.update_resource(
        organization=active_organization(call, params["OrganizationId"]),
        resource_id=params["ResourceId"],
        name=params.get("Name"),
        resource_type=params.get("Type"),
        description=params.get("Description"),
        hidden_from_global_address_list=params.get("HiddenFromGlobalAddressList"),
        **{field: booking.get(member) for member, field in BOOKING_OPTIONS.items()},
    )
    return {}


@operation("ListResources")
def list_(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    filters = only_one_filter(params.get("Filters", {}))
    rows = resources.list_resources(
        organization=organization,
        state=filters.get("State", ""),
        name_prefix=filters.get("NamePrefix", ""),
        primary_email_prefix=filters.get("PrimaryEmailPrefix", ""),
    )
    found = paged(call, params, rows, organization=organization.organization_id, **filters)
    return with_token({"Resources": [_summary(row) for row in found.items]}, found)


def _summary(resource: Resource) -> dict[str, Any]:
    return present({
        "Id": resource.pk, "Email": address(resource), "Name": resource.name,
        "Type": resource.resource_type, "State": resource.state,
        "EnabledDate": resource.enabled_date, "DisabledDate": resource.disabled_date,
        "Description": resource.description or None,
    })  # fmt: skip


@operation("DeleteResource")
def delete(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    resources.delete_resource(
        organization=active_organization(call, params["OrganizationId"]),
        resource_id=params["ResourceId"],
    )
    return {}


@operation("AssociateDelegateToResource")
def associate_delegate(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    resources.associate_delegate(
        organization=active_organization(call, params["OrganizationId"]),
        resource_id=params["ResourceId"],
        entity_id=params["EntityId"],
    )
    return {}


@operation("DisassociateDelegateFromResource")
def disassociate_delegate(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    resources.disassociate_delegate(
        organization=active_organization(call, params["OrganizationId"]),
        resource_id=params["ResourceId"],
        entity_id=params["EntityId"],
    )
    return {}


@operation("ListResourceDelegates")
def list_delegates(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    rows = resources.list_resource_delegates(
        organization=organization, resource_id=params["ResourceId"]
    )
    found = paged(
        call, params, rows, organization=organization.organization_id,
        resource=params["ResourceId"],
    )  # fmt: skip
    delegates = [{"Id": str(row.delegate.pk), "Type": row.delegate_type} for row in found.items]
    return with_token({"Delegates": delegates}, found)
