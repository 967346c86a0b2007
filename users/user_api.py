"""The users' WorkMail API operations (and RegisterToWorkMail / DeregisterFromWorkMail for every
entity), on the services the Users pages use."""

from collections.abc import Callable
from typing import Any

from organizations.api import active_organization
from organizations.models import Organization
from users import services
from users.addresses import Entity, get_entity, update_primary_email_address
from users.group_api import address, only_one_filter
from users.groups import disable_group, enable_group
from users.mailboxes import (
    PERSONAL_DATA,
    mailbox_details,
    update_mailbox_quota,
    update_user,
)
from users.models import Group, Resource, User, UserRole, UserState
from users.resources import disable_resource, enable_resource
from workmail_console.api.answers import paged, present, with_token
from workmail_console.api.registry import Call, operation
from workmail_console.errors import UnsupportedOperationException

# UpdateUser's and DescribeUser's members for the personal data: Initials, JobTitle, ZipCode, ...
PERSONAL_DATA_MEMBERS = {
    "".join(word.capitalize() for word in field.split("_")): field for field in PERSONAL_DATA
}
NO_IDENTITY_CENTER = (
    "This emulator has no IAM Identity Center: a user can't have an IdentityProviderUserId."
)


def _without_identity_center(params: dict[str, Any]) -> None:
    if params.get("IdentityProviderUserId"):
        raise UnsupportedOperationException(NO_IDENTITY_CENTER)


@operation("CreateUser")
def create(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    _without_identity_center(params)
    user = services.create_user(
        organization=organization,
        name=params["Name"],
        display_name=params["DisplayName"],
        # Without one: the policy's "Enter a password." (no Identity Center to sign in with).
        password=params.get("Password", ""),
        role=params.get("Role", UserRole.USER),
        first_name=params.get("FirstName", ""),
        last_name=params.get("LastName", ""),
        hidden_from_global_address_list=params.get("HiddenFromGlobalAddressList", False),
    )
    return {"UserId": str(user.user_id)}


@operation("DescribeUser")
def describe(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"], *services.READABLE)
    user = services.get_user(organization=organization, user_id=params["UserId"])
    # The mailbox comes with enabling and goes with disabling (DeregisterFromWorkMail).
    deprovisioned = user.disabled_date if user.state != UserState.ENABLED else None
    return present(
        {
            "UserId": str(user.user_id),
            "Name": user.name,
            "Email": address(user),
            "DisplayName": user.display_name or None,
            "State": user.state,
            "UserRole": user.role,
            "EnabledDate": user.enabled_date,
            "DisabledDate": user.disabled_date,
            "MailboxProvisionedDate": user.enabled_date,
            "MailboxDeprovisionedDate": deprovisioned,
            "FirstName": user.first_name or None,
            "LastName": user.last_name or None,
            "HiddenFromGlobalAddressList": user.hidden_from_global_address_list,
            **{
                member: getattr(user, field) or None
                for member, field in PERSONAL_DATA_MEMBERS.items()
            },
        }
    )


@operation("ListUsers")
def list_(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"], *services.READABLE)
    filters = only_one_filter(params.get("Filters", {}))
    rows = services.list_users(
        organization=organization,
        state=filters.get("State", ""),
        username_prefix=filters.get("UsernamePrefix", ""),
        display_name_prefix=filters.get("DisplayNamePrefix", ""),
        primary_email_prefix=filters.get("PrimaryEmailPrefix", ""),
    )
    if "IdentityProviderUserIdPrefix" in filters:
        rows = rows.none()  # nobody has an IAM Identity Center ID here
    found = paged(call, params, rows, organization=organization.organization_id, **filters)
    users = [
        present(
            {
                "Id": str(user.user_id),
                "Email": address(user),
                "Name": user.name,
                "DisplayName": user.display_name or None,
                "State": user.state,
                "UserRole": user.role,
                "EnabledDate": user.enabled_date,
                "DisabledDate": user.disabled_date,
            }
        )
        for user in found.items
    ]
    return with_token({"Users": users}, found)


@operation("UpdateUser")
def update(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    user = services.get_user(organization=organization, user_id=params["UserId"])
    if "Role" in params:
        services.validate_role(params["Role"])  # USER: what every user here is
    _without_identity_center(params)
    update_user(
        organization=organization,
        user=user,
        display_name=params.get("DisplayName"),
        first_name=params.get("FirstName"),
        last_name=params.get("LastName"),
        hidden_from_global_address_list=params.get("HiddenFromGlobalAddressList"),
        **{
            field: params[member]
            for member, field in PERSONAL_DATA_MEMBERS.items()
            if member in params
        },
    )
    return {}


@operation("ResetPassword")
def reset_password(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    services.reset_password(
        organization=organization, user_id=params["UserId"], password=params["Password"]
    )
    return {}


@operation("DeleteUser")
def delete(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    services.delete_user(organization=organization, user_id=params["UserId"])
    return {}


@operation("UpdatePrimaryEmailAddress")
def update_primary_email(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    entity = get_entity(organization=organization, entity_id=params["EntityId"])
    update_primary_email_address(organization=organization, entity=entity, email=params["Email"])
    return {}


@operation("UpdateMailboxQuota")
def update_quota(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    user = services.get_user(organization=organization, user_id=params["UserId"])
    update_mailbox_quota(organization=organization, user=user, mailbox_quota=params["MailboxQuota"])
    return {}


@operation("GetMailboxDetails")
def get_mailbox_details(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"], *services.READABLE)
    user = services.get_user(organization=organization, user_id=params["UserId"])
    details = mailbox_details(user)
    return {"MailboxQuota": details["mailbox_quota"], "MailboxSize": details["mailbox_size"]}


# RegisterToWorkMail and DeregisterFromWorkMail name a user, a group or a resource: each kind's
# own Enable and Disable, which hold its rules.
ENABLE: dict[type, Callable[[Organization, Any, str], Entity]] = {
    User: lambda organization, pk, email: services.enable_user(
        organization=organization, user_id=pk, email=email
    ),
    Group: lambda organization, pk, email: enable_group(
        organization=organization, group_id=pk, email=email
    ),
    Resource: lambda organization, pk, email: enable_resource(
        organization=organization, resource_id=pk, email=email
    ),
}
DISABLE: dict[type, Callable[[Organization, Any], Entity]] = {
    User: lambda organization, pk: services.disable_user(organization=organization, user_id=pk),
    Group: lambda organization, pk: disable_group(organization=organization, group_id=pk),
    Resource: lambda organization, pk: disable_resource(organization=organization, resource_id=pk),
}


@operation("RegisterToWorkMail")
def register(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"], *services.READABLE)
    entity = get_entity(organization=organization, entity_id=params["EntityId"])
    ENABLE[type(entity)](organization, entity.pk, params["Email"])
    return {}


@operation("DeregisterFromWorkMail")
def deregister(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    entity = get_entity(organization=organization, entity_id=params["EntityId"])
    DISABLE[type(entity)](organization, entity.pk)
    return {}
