"""An organization's address book: its users, groups and resources share one namespace of
names and one of email addresses, as WorkMail's do ("The user, group, or resource name isn't
unique"; "already created for a different user, group, or resource").

Each table holds its own rows unique by constraints (users.models); across the tables, the rule is
held by the organization's row lock: every create, enable and address change takes it
(`Organization.lock()`, SELECT ... FOR UPDATE) before it checks here, so two requests never both
find a name free. Names and addresses compare in any case; a deleted entity's are free again; a
disabled entity keeps its address (enabling it again brings it back).
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from organizations.models import Organization
from users.models import EmailAlias, Group, Resource, User
from workmail_console.errors import (
    EmailAddressInUseException,
    NameAvailabilityException,
    ReservedNameException,
)

# "amazonjournaling" is WorkMail's (journaling's address); the others are the built-in accounts
# every Active Directory has, which a directory-backed organization lists as system users. The
# list beyond "amazonjournaling" is this emulator's choice (README).
RESERVED_NAMES = frozenset({"amazonjournaling", "administrator", "guest", "krbtgt"})


def _users(organization: Organization):
    return User.objects.filter(directory_id=organization.directory_id).existing()


def _groups(organization: Organization):
    return Group.objects.filter(directory_id=organization.directory_id).existing()


def _resources(organization: Organization):
    return Resource.objects.filter(directory_id=organization.directory_id).existing()


def require_name_free(
    organization: Organization,
    name: str,
    *,
    kind: str,
    field: str = "name",
    entity: "User | Group | Resource | None" = None,
) -> None:
    """NameAvailabilityException when a user, group or resource of the organization has `name`
    (in any case); ReservedNameException for a name nobody may have. `kind`: what is being
    named: "user", "group" or "resource"; `entity`, one being renamed, may keep its own name in
    another case (sales to Sales is no clash)."""
    folded = name.lower()
    if folded in RESERVED_NAMES:
        raise ReservedNameException(
            f"The name {name} is reserved in Amazon WorkMail. Choose another {kind} name.",
            field=field,
        )
    for other, rows in (("user", _users), ("group", _groups), ("resource", _resources)):
        named = rows(organization).alias(folded=Lower("name")).filter(folded=folded)
        if entity is not None and other == kind:
            named = named.exclude(pk=entity.pk)
        if not named.exists():
            continue
        if other == kind:
            message = f"The {kind} name {name} is already used in this organization's directory."
        else:
            message = (
                f"The name {name} is already used by a {other} in this organization. Users,"
                f" groups and resources share one address book: choose another {kind} name."
            )
        raise NameAvailabilityException(message, field=field)


def require_address_free(
    organization: Organization,
    email: str,
    *,
    entity: User | Group | Resource | None = None,
    field: str = "email",
) -> None:
    """EmailAddressInUseException when another user, group or resource of the organization has
    `email`
    (enabled or not), or an enabled user anywhere has it as their mailbox; `entity` may keep its
    own address."""
    folded = email.lower()
    users = _users(organization).alias(folded=Lower("email")).filter(folded=folded)
    groups = _groups(organization).alias(folded=Lower("email")).filter(folded=folded)
    resources = _resources(organization).alias(folded=Lower("email")).filter(folded=folded)
    aliases = (
        EmailAlias.objects.filter(directory_id=organization.directory_id)
        .alias(folded=Lower("address"))
        .filter(folded=folded)
    )
    mailboxes = User.objects.enabled().alias(folded=Lower("email")).filter(folded=folded)
    if isinstance(entity, User):
        users, mailboxes = users.exclude(pk=entity.pk), mailboxes.exclude(pk=entity.pk)
    elif isinstance(entity, Group):
        groups = groups.exclude(pk=entity.pk)
    elif isinstance(entity, Resource):
        resources = resources.exclude(pk=entity.pk)
    if users.exists() or mailboxes.exists():
        raise EmailAddressInUseException(
            f"The email address {email} is already used by another user.", field=field
        )
    for other, rows in (("a group", groups), ("a resource", resources)):
        if rows.exists():
            raise EmailAddressInUseException(
                f"The email address {email} is already used by {other}.", field=field
            )
    if entity is not None:  # its own alias may become its primary address
        aliases = aliases.exclude(**{_owner_field(entity): entity})
    if aliases.exists():
        raise EmailAddressInUseException(
            f"The email address {email} is already an alias in this organization.", field=field
        )


def _owner_field(entity: User | Group | Resource) -> str:
    return {User: "user", Group: "group", Resource: "resource"}[type(entity)]


def write_or_explain(
    organization: Organization, entity: User | Group | Resource, write: Callable[[], object]
) -> None:
    """`write` the entity (insert it, move it or change it). The constraints back the lock: a
    write they refuse, because another request took the name or address a moment ago, becomes
    the address book's error for this one (and any other IntegrityError goes on up)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        existing = None if entity._state.adding else entity
        require_name_free(organization, entity.name, kind=entity.lifecycle.name, entity=existing)
        require_address_free(organization, entity.email or "", entity=existing)
        raise
