"""User actions: one function per console action / API operation (CreateUser with
RegisterToWorkMail, RegisterToWorkMail, DeregisterFromWorkMail, ResetPassword, DeleteUser,
ListUsers, DescribeUser), for the pages and a future API alike.

Every change to who is enabled runs with the organization's row locked (SELECT ... FOR UPDATE;
SQLite's IMMEDIATE transactions hold its write lock), so "since when has no user been enabled",
which the Inactive rule reads, is right however many changes run at once; names and addresses
are unique by constraints (users.models), which the checks here only put into words.
"""

import re
import uuid
from functools import partial

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from domains.models import MailDomain
from domains.services import add_test_domain, verified_domain_names
from organizations.lifecycle import State
from organizations.models import Organization
from users.addressbook import require_address_free, require_name_free, write_or_explain
from users.models import EmailAlias, EntityEvent, Group, Resource, User, UserRole, UserState
from users.passwords import validate_password
from workmail_console.errors import (
    DirectoryUnavailableException,
    EntityAlreadyRegisteredException,
    EntityNotFoundException,
    EntityStateException,
    InvalidParameterException,
    MailDomainNotFoundException,
    MailDomainStateException,
    NameAvailabilityException,
    OrganizationStateException,
    UnsupportedOperationException,
)

# CreateUser's UserName pattern; \w as the API means it, ASCII only.
NAME_PATTERN = re.compile(r"[\w\-.]+(@[a-zA-Z0-9.\-]+\.[a-zA-Z0-9-]{2,})?", re.ASCII)
# "WorkMail directory user names have a maximum length of 64. All others ... 20."
WORKMAIL_NAME_MAX, DIRECTORY_NAME_MAX = 64, 20
ATTRIBUTE_MAX = 256
# The EmailAddress pattern, in two halves: the console asks for the local part and the domain.
LOCAL_PART_MAX = 64
LOCAL_PART_PATTERN = re.compile(rf"[a-zA-Z0-9._%+-]{{1,{LOCAL_PART_MAX}}}", re.ASCII)
DOMAIN_PATTERN = re.compile(r"[a-zA-Z0-9.-]+\.[a-zA-Z-]{2,}", re.ASCII)
EMAIL_MAX = 254
SEARCH_MAX = 256  # ListUsers' filters are up to 256 characters
# The states whose users can be listed and looked at (an Inactive organization's, to enable one).
READABLE = (State.ACTIVE, State.INACTIVE)


# --- Rules ----------------------------------------------------------------------------------


def is_ad_connector(organization: Organization) -> bool:
    directory = organization.directory
    return directory is not None and directory.directory_type == DirectoryType.AD_CONNECTOR


def name_max_length(directory: Directory | None) -> int:
    if directory is None or directory.directory_type == DirectoryType.WORKMAIL:
        return WORKMAIL_NAME_MAX
    return DIRECTORY_NAME_MAX


def name_too_long(directory: Directory | None) -> str:
    return f"The user name can be up to {name_max_length(directory)} characters long."


def validate_user_name(name: str, *, directory: Directory | None) -> str:
    if not name:
        raise InvalidParameterException("Enter a user name.", field="name")
    if len(name) > name_max_length(directory):
        raise InvalidParameterException(name_too_long(directory), field="name")
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidParameterException(
            "The user name can contain only letters (a-z, A-Z), numbers (0-9), underscores (_),"
            " hyphens (-) and periods (.), optionally followed by @ and a domain.",
            field="name",
        )
    return name


def validate_attributes(*, display_name: str, first_name: str = "", last_name: str = "") -> None:
    if not display_name.strip():
        raise InvalidParameterException("Enter a display name.", field="display_name")
    for field, value in (
        ("display_name", display_name), ("first_name", first_name), ("last_name", last_name),
    ):  # fmt: skip
        if len(value) > ATTRIBUTE_MAX:
            raise InvalidParameterException(
                f"Enter at most {ATTRIBUTE_MAX} characters.", field=field
            )
        if "\x00" in value:
            raise InvalidParameterException("Remove the null character.", field=field)


def validate_email(email: str, *, organization: Organization) -> str:
    """The address with its domain in lower case, if it is well formed and on one of the
    organization's verified domains; otherwise the error RegisterToWorkMail gives."""
    if len(email) > EMAIL_MAX:
        raise InvalidParameterException(
            f"The email address can be up to {EMAIL_MAX} characters long.", field="email"
        )
    local, at, domain = email.rpartition("@")
    if not at or not LOCAL_PART_PATTERN.fullmatch(local):
        raise InvalidParameterException(
            "Enter the email address's name (before the @) using only letters (a-z, A-Z),"
            " numbers (0-9) and . _ % + -, up to 64 characters.",
            field="email",
        )
    domain = domain.lower()
    if not DOMAIN_PATTERN.fullmatch(domain):
        raise InvalidParameterException(f"{domain} is not a valid domain.", field="email")
    if organization.state == State.INACTIVE and domain == organization.test_domain:
        return f"{local}@{domain}"  # released with the alias; enabling a user brings both back
    found = MailDomain.objects.filter(organization=organization, name=domain).first()
    if found is None:
        raise MailDomainNotFoundException(
            f"The domain {domain} is not a domain of organization {organization.alias}.",
            field="email",
        )
    if not found.is_verified:
        raise MailDomainStateException(
            f"The domain {domain} is not verified. Choose a verified domain.", field="email"
        )
    return f"{local}@{domain}"


def validate_role(role: str) -> str:
    """CreateUser's and UpdateUser's Role: "You cannot pass SYSTEM_USER or RESOURCE". A
    REMOTE_USER (a user without a mailbox) is not emulated: every user here gets one."""
    if role in (UserRole.SYSTEM_USER, UserRole.RESOURCE):
        raise InvalidParameterException(
            f"You cannot pass the {role} role: a user's role is USER.", field="role"
        )
    if role == UserRole.REMOTE_USER:
        raise UnsupportedOperationException(
            "This emulator has no remote users (REMOTE_USER): every user gets a mailbox when it"
            " is enabled. Leave the role out, or pass USER."
        )
    return role


def read_only_problem(organization: Organization, action: str) -> str | None:
    """Why `action` ("create users") is not for this organization's directory, or None."""
    if not is_ad_connector(organization):
        return None
    return (
        f"You can't {action} in an organization that uses an AD Connector directory. Its"
        " users come from your directory: manage them with your Active Directory tools, and"
        " enable or disable them here."
    )


def _require_managed_users(organization: Organization, action: str) -> None:
    if problem := read_only_problem(organization, action):
        raise UnsupportedOperationException(problem)


# What the Users page offers, by the organization's state and directory and the user's state:
# the rules of the actions below, as buttons.
ACTIONS_BY_USER_STATE = {
    UserState.ENABLED: frozenset({"disable", "reset-password"}),
    UserState.DISABLED: frozenset({"enable", "reset-password", "delete"}),
    UserState.DELETED: frozenset(),
}


# Why an action does not apply to a user in this state; the actions below raise these when they
# refuse (enabling an enabled user, or disabling a disabled one, changes nothing instead).
USER_STATE_PROBLEMS = {
    ("enable", UserState.ENABLED): "User {name} is already enabled.",
    ("enable", UserState.DELETED): "User {name} is deleted and can't be enabled.",
    ("disable", UserState.DISABLED): "User {name} is already disabled.",
    ("disable", UserState.DELETED): "User {name} is deleted.",
    ("reset-password", UserState.DELETED): "User {name} is deleted.",
    ("delete", UserState.ENABLED): (
        "You can delete only a disabled user. User {name} is enabled: disable it first."
    ),
    ("delete", UserState.DELETED): "User {name} is already deleted.",
}
ACTION_WORDS = {
    "create": "create users", "enable": "enable users", "disable": "disable users",
    "reset-password": "reset passwords", "delete": "delete users",
}  # fmt: skip


def _state_problem(action: str, user: User) -> str:
    return USER_STATE_PROBLEMS[action, UserState(user.state)].format(name=user.name)


def action_problem(organization: Organization, action: str, user: User | None = None) -> str | None:
    """Why `action` does not apply (to `user`), in the console's words; None when it does."""
    if action in available_actions(organization, user):
        return None
    allowed = READABLE if action == "enable" else (State.ACTIVE,)
    problem = organization.state_problem(*allowed)
    problem = problem or read_only_problem(organization, ACTION_WORDS[action])
    return problem or _state_problem(action, user)


def available_actions(organization: Organization, user: User | None = None) -> frozenset[str]:
    """The actions that apply to `user`, or without one to some user of the organization
    ("create" among them)."""
    if organization.state == State.ACTIVE:
        actions = {"create", "enable", "disable", "reset-password", "delete"}
    elif organization.state == State.INACTIVE:
        actions = {"enable"}
    else:
        return frozenset()
    if is_ad_connector(organization):
        actions -= {"create", "reset-password", "delete"}
    if user is not None:
        actions &= ACTIONS_BY_USER_STATE[UserState(user.state)]
    return frozenset(actions)


def address_domains(organization: Organization) -> list[str]:
    """The domains a user's address may be on, the default first: the verified ones, and in an
    Inactive organization its test domain, which comes back when a user is enabled."""
    names = verified_domain_names(organization)
    if organization.state == State.INACTIVE and organization.test_domain not in names:
        names.append(organization.test_domain)
    return names


# --- Reading --------------------------------------------------------------------------------


def users_of(organization: Organization):
    return User.objects.filter(directory_id=organization.directory_id)


def users_in(directory: Directory):
    """A directory's users, as its own tools list them: every user that is not deleted."""
    return User.objects.filter(directory=directory).existing().order_by("name", "user_id")


def get_user(*, organization: Organization, user_id: str | uuid.UUID) -> User:
    """DescribeUser: by user ID, user name or email address; a deleted user is still found."""
    found = None
    users = users_of(organization)
    if organization.directory_id is not None:
        if isinstance(user_id, uuid.UUID) or _is_uuid(user_id):
            found = users.filter(pk=user_id).first()
        elif user_id:
            folded = str(user_id).lower()
            found = (
                users.existing()
                .alias(folded_name=Lower("name"), folded_email=Lower("email"))
                .filter(Q(folded_name=folded) | Q(folded_email=folded))
                .first()
            )
    if found is None:
        raise EntityNotFoundException(f"The user {user_id} was not found in {organization.alias}.")
    return found


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def search_text(search: str) -> str:
    """What the list searches for: no database stores a NUL in a query, and nobody types 10 kB
    to find a user."""
    return search.replace("\x00", "").strip()[:SEARCH_MAX]


def list_users(
    *,
    organization: Organization,
    search: str = "",
    state: str = "",
    username_prefix: str = "",
    display_name_prefix: str = "",
    primary_email_prefix: str = "",
) -> QuerySet[User]:
    """Users page (ListUsers): by name; deleted users only when that state is asked for; with
    ListUsers' prefixes, those whose name, display name or primary address starts with it (any
    case)."""
    organization.require_state(*READABLE)
    users = users_of(organization)
    users = users.filter(state=state) if state in UserState.values else users.existing()
    if search := search_text(search):
        users = users.filter(
            Q(name__icontains=search) | Q(display_name__icontains=search)
            | Q(email__icontains=search)
        )  # fmt: skip
    prefixes = {
        "name__istartswith": username_prefix, "display_name__istartswith": display_name_prefix,
        "email__istartswith": primary_email_prefix,
    }  # fmt: skip
    users = users.filter(**{lookup: prefix for lookup, prefix in prefixes.items() if prefix})
    return users.order_by("name", "user_id")


# --- Changing -------------------------------------------------------------------------------


def _user_for_update(organization: Organization, user_id: str | uuid.UUID) -> User:
    user = get_user(organization=organization, user_id=user_id)
    return User.objects.select_for_update().get(pk=user.pk)


def _taken(
    organization: Organization, *, name: str = "", email: str = "", user: User | None = None
) -> None:
    """Say which of `name` and `email` another user or group has (users.addressbook): under
    the organization's lock, the rule across tables; within users, the constraints' in words."""
    if name:
        require_name_free(organization, name, kind="user")
    if email:
        require_address_free(organization, email, entity=user)


def _enabled_now(organization: Organization) -> None:
    Organization.objects.filter(pk=organization.pk).update(no_enabled_users_since=None)
    organization.no_enabled_users_since = None


def _maybe_none_enabled(organization: Organization) -> None:
    """After a user stopped being enabled: start the Inactive clock if it was the last one."""
    if not users_of(organization).enabled().exists():
        now = timezone.now()
        Organization.objects.filter(pk=organization.pk, no_enabled_users_since=None).update(
            no_enabled_users_since=now
        )
        organization.no_enabled_users_since = organization.no_enabled_users_since or now


def create_user(
    *,
    organization: Organization,
    name: str,
    display_name: str,
    password: str,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    hidden_from_global_address_list: bool = False,
    role: str = UserRole.USER,
) -> User:
    """Create user: CreateUser and, with an email address, RegisterToWorkMail, as the console
    does in one step ("Amazon WorkMail automatically creates mailboxes for them")."""
    organization.require_state(State.ACTIVE)
    _require_managed_users(organization, "create users")
    validate_role(role)
    validate_user_name(name, directory=organization.directory)
    validate_attributes(display_name=display_name, first_name=first_name, last_name=last_name)
    validate_password(password, user_name=name)
    password_hash = make_password(password)  # slow on purpose: not while holding the lock
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE)
        if email is not None:
            email = validate_email(email, organization=organization)
        _taken(organization, name=name, email=email or "")
        now = timezone.now()
        user = User(
            directory_id=organization.directory_id, name=name, display_name=display_name,
            first_name=first_name, last_name=last_name, email=email,
            password=password_hash,
            hidden_from_global_address_list=hidden_from_global_address_list,
            state=UserState.ENABLED if email else UserState.DISABLED,
            enabled_date=now if email else None,
        )  # fmt: skip
        write_or_explain(organization, user, lambda: user.save(force_insert=True))
        if user.is_enabled:
            _enabled_now(organization)
    return user


def add_directory_user(
    *, directory: Directory, name: str, display_name: str, first_name: str = "",
    last_name: str = "",
) -> User:  # fmt: skip
    """A user made in the directory itself (Active Directory tools, for an AD Connector's
    on-premises directory): disabled in WorkMail, without an address, until enabled there.
    Other directories' users are made with Create user, in their organization."""
    if directory.directory_type != DirectoryType.AD_CONNECTOR:
        raise UnsupportedOperationException(
            f"Directory {directory.directory_id} is not an AD Connector. Create its users in"
            " their Amazon WorkMail organization, with Create user."
        )
    if directory.stage == Stage.DELETED:
        raise DirectoryUnavailableException(f"Directory {directory.directory_id} is deleted.")
    validate_user_name(name, directory=directory)
    validate_attributes(display_name=display_name, first_name=first_name, last_name=last_name)
    user = User(
        directory=directory, name=name, display_name=display_name, first_name=first_name,
        last_name=last_name,
    )  # fmt: skip
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        raise NameAvailabilityException(
            f"The user name {name} is already used in directory {directory.directory_id}.",
            field="name",
        ) from None
    return user


def _reactivate(organization: Organization) -> None:
    """Inactive -> Active, taking back the alias and the test domain, if nobody took them."""
    try:
        with transaction.atomic():
            moved = organization.transition(
                State.ACTIVE, reason="A user was enabled; the alias and test domain are back",
                alias_released_at=None, no_enabled_users_since=None,
            )  # fmt: skip
    except IntegrityError:
        raise OrganizationStateException(
            f"The alias {organization.alias} was taken by another organization while this one"
            " was Inactive, so this organization can't become Active again. Create a new"
            " organization with another alias for these users."
        ) from None
    if not moved:
        raise OrganizationStateException(
            f"The organization {organization.alias} changed state. Reload the page and try again."
        )
    add_test_domain(organization)


def enable_user(*, organization: Organization, user_id: str | uuid.UUID, email: str) -> User:
    """Enable (RegisterToWorkMail): give the user this address and a mailbox. An enabled user
    with this address is left as it is (with another, EntityAlreadyRegisteredException);
    enabling a user of an Inactive organization makes it Active again."""
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, State.INACTIVE)
        user = _user_for_update(organization, user_id)
        if user.state == UserState.DELETED:
            raise EntityStateException(_state_problem("enable", user))
        if user.is_enabled:
            if (user.email or "").lower() == email.lower():
                return user
            raise EntityAlreadyRegisteredException(
                f"User {user.name} is already enabled, with the address {user.email}.",
                field="email",
            )
        if organization.state == State.INACTIVE:
            _reactivate(organization)
        email = validate_email(email, organization=organization)
        if (user.email or "").lower() != email.lower():
            _taken(organization, email=email)
        user.email = email  # the address a constraint may refuse (write_or_explain says so)
        enable = partial(
            user.transition, UserState.ENABLED, reason="", email=email, enabled_date=timezone.now()
        )
        write_or_explain(organization, user, enable)
        _enabled_now(organization)
    return user


def disable_user(*, organization: Organization, user_id: str | uuid.UUID) -> User:
    """Disable (DeregisterFromWorkMail): the mailbox goes; a disabled user is left as it is."""
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE)
        user = _user_for_update(organization, user_id)
        if user.state == UserState.DELETED:
            raise EntityStateException(_state_problem("disable", user))
        if user.is_enabled:  # a disabled user is left as it is
            user.transition(UserState.DISABLED, reason="", disabled_date=timezone.now())
            _maybe_none_enabled(organization)
    return user


def reset_password(*, organization: Organization, user_id: str | uuid.UUID, password: str) -> User:
    """Reset password (ResetPassword), under the same policy as Create user."""
    organization.require_state(State.ACTIVE)
    _require_managed_users(organization, "reset passwords")
    user = get_user(organization=organization, user_id=user_id)
    if user.state == UserState.DELETED:
        raise EntityStateException(_state_problem("reset-password", user))
    validate_password(password, user_name=user.name)
    password_hash = make_password(password)  # slow on purpose: not while holding the lock
    with transaction.atomic():
        organization.lock().require_state(State.ACTIVE)
        User.objects.filter(pk=user.pk).exclude(state=UserState.DELETED).update(
            password=password_hash
        )
    return user


def delete_user(*, organization: Organization, user_id: str | uuid.UUID) -> User:
    """Delete (DeleteUser): only a disabled user; permanent. Its name is free again."""
    organization.require_state(State.ACTIVE)
    _require_managed_users(organization, "delete users")
    with transaction.atomic():
        organization.lock().require_state(State.ACTIVE)
        user = _user_for_update(organization, user_id)
        if not user.transition(UserState.DELETED, reason="", source=UserState.DISABLED):
            raise EntityStateException(_state_problem("delete", user))
        EmailAlias.objects.filter(user=user).delete()  # its addresses are free again
    return user


def deregister_all(organization: Organization) -> int:
    """The organization is deleted: its users' mailboxes go, its groups stop receiving email
    and its resources can't be booked (all stay in their directory). How many users were
    deregistered."""
    now = timezone.now()
    disabled = {"state": UserState.DISABLED, "state_changed_at": now, "disabled_date": now}
    everyone = (
        Group.objects.filter(directory_id=organization.directory_id),
        Resource.objects.filter(directory_id=organization.directory_id),
        users_of(organization),
    )
    with transaction.atomic():  # the moves and their events, or none of them
        events, count = [], 0
        # Nobody enables anything in a Deleting organization: the rows read are the rows moved.
        for rows in everyone:
            kind = rows.model.lifecycle.name
            enabled = list(rows.enabled().values_list("pk", "directory_id", "name"))
            count = rows.enabled().update(**disabled)
            events += [
                EntityEvent(directory_id=directory_id, kind=kind, entity_id=str(pk), name=name,
                            from_state=UserState.ENABLED, to_state=UserState.DISABLED, at=now)
                for pk, directory_id, name in enabled
            ]  # fmt: skip
        EntityEvent.objects.bulk_create(events)
    return count  # the users'; they come last
