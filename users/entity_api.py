"""WorkMail API operations shared by users, groups and resources: aliases and mailbox
permissions."""

from typing import Any

from organizations.api import active_organization
from organizations.models import Organization
from users import addresses, mailboxes
from users.models import User
from workmail_console.api.answers import paged, with_token
from workmail_console.api.registry import Call, operation


def _entity(call: Call, params: dict[str, Any]) -> tuple[Organization, addresses.Entity]:
    organization = active_organization(call, params["OrganizationId"])
    entity = addresses.get_entity(organization=organization, entity_id=params["EntityId"])
    return organization, entity


# --- Aliases ----------------------------------------------------------------------------------


@operation("CreateAlias")
def create_alias(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization, entity = _entity(call, params)
    addresses.create_alias(organization=organization, entity=entity, alias=params["Alias"])
    return {}


@operation("DeleteAlias")
def delete_alias(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization, entity = _entity(call, params)
    addresses.delete_alias(organization=organization, entity=entity, alias=params["Alias"])
    return {}


@operation("ListAliases")
def list_aliases(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _, entity = _entity(call, params)
    rows = addresses.list_aliases(entity, refuse_deleted=True)
    found = paged(call, params, rows, organization=params["OrganizationId"], entity=str(entity.pk))
    return with_token({"Aliases": found.items}, found)


# --- Mailbox permissions ----------------------------------------------------------------------


def _mailbox_owner(call: Call, params: dict[str, Any]) -> tuple[Organization, User]:
    organization, entity = _entity(call, params)
    return organization, mailboxes.mailbox_owner(entity)


@operation("PutMailboxPermissions")
def put_mailbox_permissions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization, user = _mailbox_owner(call, params)
    mailboxes.put_mailbox_permissions(
        organization=organization, user=user, grantee_id=params["GranteeId"],
        permission_values=params["PermissionValues"],
    )  # fmt: skip
    return {}


@operation("DeleteMailboxPermissions")
def delete_mailbox_permissions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization, user = _mailbox_owner(call, params)
    mailboxes.delete_mailbox_permissions(
        organization=organization, user=user, grantee_id=params["GranteeId"]
    )
    return {}


@operation("ListMailboxPermissions")
def list_mailbox_permissions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _mailbox_owner(call, params)
    found = paged(
        call,
        params,
        mailboxes.list_mailbox_permissions(user),
        organization=params["OrganizationId"],
        entity=str(user.pk),
    )
    permissions = [
        {
            "GranteeId": str(permission.grantee.pk),
            "GranteeType": permission.grantee_type,
            "PermissionValues": permission.values,
        }
        for permission in found.items
    ]
    return with_token({"Permissions": permissions}, found)
