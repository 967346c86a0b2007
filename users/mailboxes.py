"""A user's details beyond create: UpdateUser (personal data), UpdateMailboxQuota and
GetMailboxDetails, PutMailboxPermissions, DeleteMailboxPermissions and ListMailboxPermissions.

Changes to a user run with the organization's row locked, as every other change to its address
book does; permissions name grantees from the same address book.
"""

from django.db import transaction

from organizations.lifecycle import State
from organizations.models import Organization
from users.groups import user_or_group
from users.models import Group, MailboxPermission, Resource, User, UserState
from users.services import ATTRIBUTE_MAX, read_only_problem, validate_attributes
from workmail_console.errors import (
    EntityNotFoundException,
    EntityStateException,
    InvalidParameterException,
    UnsupportedOperationException,
)

QUOTA_MIN, QUOTA_MAX = 1, 51200  # MB: "Quotas can range from 1 MB to 51,200 MB (50 GB)"
# UpdateUser's attributes besides the names ("Personal data"), with the console's labels.
PERSONAL_DATA = {
    "initials": "Initials", "telephone": "Telephone", "street": "Street",
    "job_title": "Job title", "city": "City", "company": "Company", "zip_code": "ZIP code",
    "department": "Department", "country": "Country", "office": "Office",
}  # fmt: skip
PERMISSIONS = {
    "full_access": "FULL_ACCESS", "send_as": "SEND_AS", "send_on_behalf": "SEND_ON_BEHALF",
}  # fmt: skip


def _locked_user(organization: Organization, user: User, action: str) -> User:
    organization = organization.lock()
    organization.require_state(State.ACTIVE)
    if problem := read_only_problem(organization, action):
        raise UnsupportedOperationException(problem)
    return User.objects.select_for_update().get(pk=user.pk)


def update_user(
    *,
    organization: Organization,
    user: User,
    display_name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    hidden_from_global_address_list: bool | None = None,
    **personal_data: str,
) -> User:
    """UpdateUser: what is given changes (the name never: it has no UpdateUser member). A
    deleted user can't change (EntityStateException); a disabled one can."""
    unknown = set(personal_data) - set(PERSONAL_DATA)
    if unknown:
        raise InvalidParameterException(f"Unknown attribute {sorted(unknown)[0]}.")
    for field, value in personal_data.items():
        if len(value) > ATTRIBUTE_MAX:
            raise InvalidParameterException(
                f"Enter at most {ATTRIBUTE_MAX} characters.", field=field
            )
        if "\x00" in value:
            raise InvalidParameterException("Remove the null character.", field=field)
    names = {"display_name": display_name, "first_name": first_name, "last_name": last_name}
    names = {field: value for field, value in names.items() if value is not None}
    with transaction.atomic():
        user = _locked_user(organization, user, "change users")
        if user.state == UserState.DELETED:
            raise EntityStateException(f"User {user.name} is deleted.")
        merged = {"display_name": user.display_name, "first_name": user.first_name,
                  "last_name": user.last_name, **names}  # fmt: skip
        validate_attributes(**merged)
        changes = {**names, **personal_data}
        if hidden_from_global_address_list is not None:
            changes["hidden_from_global_address_list"] = hidden_from_global_address_list
        for field, value in changes.items():
            setattr(user, field, value)
        if changes:
            user.save(update_fields=list(changes))
    return user


def update_mailbox_quota(*, organization: Organization, user: User, mailbox_quota: int) -> User:
    """UpdateMailboxQuota: 1 to 51,200 MB; only an enabled user has a mailbox."""
    if not QUOTA_MIN <= mailbox_quota <= QUOTA_MAX:
        raise InvalidParameterException(
            f"Enter a mailbox quota from {QUOTA_MIN} to {QUOTA_MAX} MB.", field="mailbox_quota"
        )
    with transaction.atomic():
        user = _locked_user(organization, user, "change users")
        if user.state != UserState.ENABLED:
            raise EntityStateException(
                f"User {user.name} is {user.get_state_display().lower()}: it has no mailbox.",
                field="mailbox_quota",
            )
        user.mailbox_quota = mailbox_quota
        user.save(update_fields=["mailbox_quota"])
    return user


def mailbox_details(user: User) -> dict[str, float]:
    """GetMailboxDetails: the quota, and the size (no mail is ever delivered here: 0)."""
    return {"mailbox_quota": user.mailbox_quota, "mailbox_size": 0.0}


def mailbox_owner(entity: User | Group | Resource) -> User:
    """The user whose mailbox permissions an API call names (PutMailboxPermissions,
    DeleteMailboxPermissions, ListMailboxPermissions' EntityId). A group has no mailbox; a
    resource's mailbox permissions are not kept by this emulator (ours)."""
    if isinstance(entity, Group):
        raise InvalidParameterException(
            f"{entity.name} is a group: groups don't have a mailbox. Name a user."
        )
    if isinstance(entity, Resource):
        raise UnsupportedOperationException(
            f"{entity.name} is a resource: this emulator keeps mailbox permissions for users'"
            " mailboxes only."
        )
    return entity


def list_mailbox_permissions(user: User) -> list[MailboxPermission]:
    """ListMailboxPermissions: each grantee with its permissions, by name."""
    rows = (
        MailboxPermission.objects.filter(owner=user)
        .select_related("user", "group")
        .exclude(user__state=UserState.DELETED)
        .exclude(group__state=UserState.DELETED)
    )
    return sorted(rows, key=lambda p: (p.grantee.name.lower(), str(p.grantee.pk)))


def put_mailbox_permissions(
    *, organization: Organization, user: User, grantee_id: str, permission_values: list[str]
) -> MailboxPermission | None:
    """PutMailboxPermissions: "This replaces any pre-existing permissions." A group can't have
    Full Access ("Groups can't be granted full access rights"); none at all removes the
    grantee (the console's None)."""
    unknown = set(permission_values) - set(PERMISSIONS.values())
    if unknown:
        raise InvalidParameterException(f"{sorted(unknown)[0]} is not a mailbox permission.")
    with transaction.atomic():
        user = _locked_user(organization, user, "change mailbox permissions")
        if user.state != UserState.ENABLED:
            raise EntityStateException(
                f"User {user.name} is {user.get_state_display().lower()}: it has no mailbox.",
                field="grantee",
            )
        grantee = user_or_group(organization, grantee_id, field="grantee")
        if grantee.pk == user.pk:
            raise InvalidParameterException(
                f"{user.name} owns this mailbox: it needs no permission to it.", field="grantee"
            )
        if isinstance(grantee, Group) and "FULL_ACCESS" in permission_values:
            raise InvalidParameterException(
                "Groups can't be granted full access rights: groups don't have a mailbox.",
                field="full_access",
            )
        kind = {"group": grantee} if isinstance(grantee, Group) else {"user": grantee}
        if not permission_values:
            MailboxPermission.objects.filter(owner=user, **kind).delete()
            return None
        flags = {field: value in permission_values for field, value in PERMISSIONS.items()}
        permission, _ = MailboxPermission.objects.update_or_create(
            owner=user, **kind, defaults=flags
        )
    return permission


def delete_mailbox_permissions(*, organization: Organization, user: User, grantee_id: str) -> None:
    """DeleteMailboxPermissions: the grantee's permissions go; none there is EntityNotFound."""
    with transaction.atomic():
        user = _locked_user(organization, user, "change mailbox permissions")
        grantee = user_or_group(organization, grantee_id, field="grantee")
        kind = {"group": grantee} if isinstance(grantee, Group) else {"user": grantee}
        deleted, _ = MailboxPermission.objects.filter(owner=user, **kind).delete()
        if not deleted:
            raise EntityNotFoundException(
                f"{grantee.name} has no permission to the mailbox of {user.name}.",
                field="grantee",
            )
