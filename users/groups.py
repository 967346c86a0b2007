"""Group actions: one function per console action / API operation (CreateGroup with
RegisterToWorkMail, RegisterToWorkMail, DeregisterFromWorkMail, DeleteGroup, DescribeGroup,
ListGroups, UpdateGroup, AssociateMemberToGroup, DisassociateMemberFromGroup, ListGroupMembers,
ListGroupsForEntity).

A group's name and address are in the organization's one address book (users.addressbook); every
change that checks it, and every member added (the check for a cycle), runs with the
organization's row locked, so twenty requests at once find what the one before them wrote.
"""

import re
import uuid

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.lifecycle import State
from organizations.models import Organization
from users.addressbook import require_address_free, require_name_free, write_or_explain
from users.models import EmailAlias, Group, GroupMember, MemberType, User, UserState
from users.services import READABLE, get_user, read_only_problem, validate_email
from workmail_console.errors import (
    EntityAlreadyRegisteredException,
    EntityNotFoundException,
    EntityStateException,
    InvalidParameterException,
    UnsupportedOperationException,
)

# CreateGroup's GroupName: 1..256 characters of [\u0020-\u00FF] (spaces and Latin-1 allowed).
GROUP_NAME_MAX = 256
GROUP_NAME_PATTERN = re.compile(r"[\u0020-\u00FF]+")
MEMBERS_PER_ADD = 100  # "add up to 100 users at a time"

STATE_PROBLEMS = {
    ("enable", UserState.DELETED): "Group {name} is deleted and can't be enabled.",
    ("disable", UserState.DELETED): "Group {name} is deleted.",
    ("update", UserState.DELETED): "Group {name} is deleted.",
    ("delete", UserState.ENABLED): (
        "Before you can delete a group, you must first disable that group. Group {name} is enabled."
    ),
    ("members", UserState.DISABLED): (
        "Group {name} is disabled. Enable it before you change its members."
    ),
    ("members", UserState.DELETED): "Group {name} is deleted.",
}


def _problem(action: str, group: Group) -> str:
    return STATE_PROBLEMS[action, UserState(group.state)].format(name=group.name)


def validate_group_name(name: str) -> str:
    if not name or not name.strip():
        raise InvalidParameterException("Enter a group name.", field="name")
    if len(name) > GROUP_NAME_MAX:
        raise InvalidParameterException(
            f"The group name can be up to {GROUP_NAME_MAX} characters long.", field="name"
        )
    if not GROUP_NAME_PATTERN.fullmatch(name):
        raise InvalidParameterException(
            "The group name can contain only letters, numbers, spaces and the punctuation of"
            " Latin-1 (no control characters).",
            field="name",
        )
    return name


def _require_managed_groups(organization: Organization, action: str) -> None:
    if problem := read_only_problem(organization, action):
        raise UnsupportedOperationException(problem.replace("users", "groups"))


# --- Reading --------------------------------------------------------------------------------


def groups_of(organization: Organization) -> QuerySet[Group]:
    return Group.objects.filter(directory_id=organization.directory_id)


def list_groups(
    *,
    organization: Organization,
    containing: str = "",
    state: str = "",
    name_prefix: str = "",
    primary_email_prefix: str = "",
) -> QuerySet[Group]:
    """Groups page (ListGroups): by name; deleted groups only when that state is asked for;
    with `containing`, those whose name or address contains it; with ListGroups' prefixes,
    those whose name or primary address starts with it (any case)."""
    organization.require_state(*READABLE)
    groups = groups_of(organization)
    groups = groups.filter(state=state) if state in UserState.values else groups.existing()
    if containing:
        groups = groups.filter(Q(name__icontains=containing) | Q(email__icontains=containing))
    if name_prefix:
        groups = groups.filter(name__istartswith=name_prefix)
    if primary_email_prefix:
        groups = groups.filter(email__istartswith=primary_email_prefix)
    return groups.order_by("name", "group_id")


def get_group(*, organization: Organization, group_id: str | uuid.UUID) -> Group:
    """DescribeGroup: by group ID, name or email address; a deleted group is still found by
    its ID."""
    found = None
    groups = groups_of(organization)
    if organization.directory_id is not None and group_id:
        if isinstance(group_id, uuid.UUID) or _is_uuid(str(group_id)):
            found = groups.filter(pk=group_id).first()
        else:
            folded = str(group_id).lower()
            found = (
                groups.existing()
                .alias(folded_name=Lower("name"), folded_email=Lower("email"))
                .filter(Q(folded_name=folded) | Q(folded_email=folded))
                .first()
            )
    if found is None:
        raise EntityNotFoundException(
            f"The group {group_id} was not found in {organization.alias}."
        )
    return found


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def list_group_members(*, organization: Organization, group_id: str | uuid.UUID) -> list:
    """ListGroupMembers: the group's users and groups, by name (deleted ones never)."""
    group = get_group(organization=organization, group_id=group_id)
    if group.state == UserState.DELETED:
        raise EntityStateException(_problem("disable", group))
    memberships = (
        GroupMember.objects.filter(group=group)
        .select_related("user", "member_group")
        .exclude(user__state=UserState.DELETED)
        .exclude(member_group__state=UserState.DELETED)
    )
    return sorted(memberships, key=lambda m: (m.member.name.lower(), str(m.member.pk)))


def list_groups_for_entity(
    *, organization: Organization, entity_id: str, group_name_prefix: str = ""
) -> QuerySet[Group]:
    """ListGroupsForEntity: the groups a user or group is a member of (directly), by name; with
    `group_name_prefix`, those whose name starts with it (any case)."""
    organization.require_state(*READABLE)
    entity = user_or_group(organization, entity_id, field="entity")
    kind = "memberships__member_group" if isinstance(entity, Group) else "memberships__user"
    rows = groups_of(organization).existing().filter(**{kind: entity})
    if group_name_prefix:
        rows = rows.filter(name__istartswith=group_name_prefix)
    return rows.order_by("name", "group_id")


# --- Changing -------------------------------------------------------------------------------


def create_group(
    *,
    organization: Organization,
    name: str,
    email: str | None = None,
    hidden_from_global_address_list: bool = False,
) -> Group:
    """Create group: CreateGroup and, with an email address, RegisterToWorkMail, as the console
    does in one step (its form asks for the address)."""
    organization.require_state(State.ACTIVE)
    _require_managed_groups(organization, "create users")
    validate_group_name(name)
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE)
        if email is not None:
            email = validate_email(email, organization=organization)
        require_name_free(organization, name, kind="group")
        if email:
            require_address_free(organization, email)
        now = timezone.now()
        group = Group(
            directory_id=organization.directory_id, name=name, email=email,
            hidden_from_global_address_list=hidden_from_global_address_list,
            state=UserState.ENABLED if email else UserState.DISABLED,
            enabled_date=now if email else None,
        )  # fmt: skip
        write_or_explain(organization, group, lambda: group.save(force_insert=True))
    return group


def enable_group(*, organization: Organization, group_id: str | uuid.UUID, email: str) -> Group:
    """Enable (RegisterToWorkMail): the group gets this address. An enabled group with the same
    address is left as it is; with another, EntityAlreadyRegisteredException."""
    with transaction.atomic():
        organization = _locked(organization, "enable users")
        group = _group_for_update(organization, group_id)
        if group.state == UserState.DELETED:
            raise EntityStateException(_problem("enable", group))
        email = validate_email(email, organization=organization)
        if group.is_enabled:
            if (group.email or "").lower() == email.lower():
                return group
            raise EntityAlreadyRegisteredException(
                f"Group {group.name} is already enabled, with the address {group.email}.",
                field="email",
            )
        if (group.email or "").lower() != email.lower():
            require_address_free(organization, email, entity=group)
        group.email = email
        write_or_explain(
            organization, group,
            lambda: group.transition(
                UserState.ENABLED, reason="", email=email, enabled_date=timezone.now()
            ),
        )  # fmt: skip
    return group


def disable_group(*, organization: Organization, group_id: str | uuid.UUID) -> Group:
    """Disable (DeregisterFromWorkMail): it receives no email; a disabled group is left as it
    is. It keeps its address, for when it is enabled again."""
    with transaction.atomic():
        organization = _locked(organization, "disable users")
        group = _group_for_update(organization, group_id)
        if group.state == UserState.DELETED:
            raise EntityStateException(_problem("disable", group))
        if group.is_enabled:
            group.transition(UserState.DISABLED, reason="", disabled_date=timezone.now())
    return group


def delete_group(*, organization: Organization, group_id: str | uuid.UUID) -> Group:
    """Delete group (DeleteGroup): only a disabled group; permanent. Its name and address are
    free again, and it is no longer a member of any group. A deleted group: nothing to do."""
    with transaction.atomic():
        organization = _locked(organization, "delete users")
        group = _group_for_update(organization, group_id)
        if group.state == UserState.DELETED:
            return group
        if not group.transition(UserState.DELETED, reason="", source=UserState.DISABLED):
            raise EntityStateException(_problem("delete", group))
        GroupMember.objects.filter(Q(group=group) | Q(member_group=group)).delete()
        EmailAlias.objects.filter(group=group).delete()
    return group


def update_group(
    *,
    organization: Organization,
    group_id: str | uuid.UUID,
    hidden_from_global_address_list: bool | None = None,
) -> Group:
    """UpdateGroup: what is given changes (the name never: it has no UpdateGroup member). A
    deleted group can't change (EntityStateException); a disabled one can."""
    with transaction.atomic():
        organization = _locked(organization, "change groups")
        group = _group_for_update(organization, group_id)
        if group.state == UserState.DELETED:
            raise EntityStateException(_problem("update", group))
        if hidden_from_global_address_list is not None:
            group.hidden_from_global_address_list = hidden_from_global_address_list
            group.save(update_fields=["hidden_from_global_address_list"])
    return group


def _locked(organization: Organization, action: str) -> Organization:
    """The organization, locked until the transaction ends, Active and with groups WorkMail
    manages: where every change to a group starts."""
    organization = organization.lock()
    organization.require_state(State.ACTIVE)
    _require_managed_groups(organization, action)
    return organization


def _group_for_update(organization: Organization, group_id: str | uuid.UUID) -> Group:
    group = get_group(organization=organization, group_id=group_id)
    return Group.objects.select_for_update().get(pk=group.pk)


def user_or_group(organization: Organization, identifier: str, *, field: str) -> User | Group:
    """A member, delegate or grantee by ID, name or address: a user or a group of the
    organization, not deleted (names are one namespace, so at most one of them answers)."""
    finders = (
        lambda: get_user(organization=organization, user_id=identifier),
        lambda: get_group(organization=organization, group_id=identifier),
    )
    for find in finders:
        try:
            found = find()
        except EntityNotFoundException:
            continue
        if found.state != UserState.DELETED:
            return found
    raise EntityNotFoundException(
        f"No user or group {identifier} was found in {organization.alias}.", field=field
    )


def enabled_choices(organization: Organization, *, leaving_out: set[str]) -> list:
    """A dropdown of the organization's enabled users and groups ("jane (user)"), by name, but
    those whose IDs are in `leaving_out` (already chosen, or the entity itself)."""
    users = User.objects.filter(directory_id=organization.directory_id).enabled()
    groups = groups_of(organization).enabled()
    return [
        (str(entity.pk), f"{entity.name} ({kind})")
        for kind, rows in (("user", users), ("group", groups))
        for entity in rows.only("pk", "name").order_by("name")
        if str(entity.pk) not in leaving_out
    ]


def _contains(group: Group, other: Group) -> bool:
    """Whether `other` is `group` or in it, however deep (members of members)."""
    seen, frontier = {group.pk}, {group.pk}
    while frontier:
        if other.pk in frontier:
            return True
        frontier = set(
            GroupMember.objects.filter(group_id__in=frontier, member_group__isnull=False)
            .values_list("member_group_id", flat=True)
        ) - seen  # fmt: skip
        seen |= frontier
    return False


def associate_member(
    *, organization: Organization, group_id: str | uuid.UUID, member_id: str
) -> GroupMember:
    """AssociateMemberToGroup: add a user or a group. Only to an enabled group, only an enabled
    member; a group can't contain itself, however deep (InvalidParameterException). A member
    already there is left as it is."""
    with transaction.atomic():
        organization = _locked(organization, "change groups")
        group = _group_for_update(organization, group_id)
        if not group.is_enabled:
            raise EntityStateException(_problem("members", group))
        member = user_or_group(organization, member_id, field="member")
        if not member.is_enabled:
            raise EntityStateException(
                f"{member.name} is disabled. Only an enabled user or group can be a member.",
                field="member",
            )
        if isinstance(member, Group):
            if _contains(member, group):
                raise InvalidParameterException(
                    f"Group {member.name} can't be a member of {group.name}: {group.name} is"
                    f" {'the same group' if member.pk == group.pk else f'in {member.name}'}.",
                    field="member",
                )
            membership, _ = GroupMember.objects.get_or_create(group=group, member_group=member)
        else:
            membership, _ = GroupMember.objects.get_or_create(group=group, user=member)
    return membership


def disassociate_member(
    *, organization: Organization, group_id: str | uuid.UUID, member_id: str
) -> None:
    """DisassociateMemberFromGroup: a member that is not there is EntityNotFoundException."""
    with transaction.atomic():
        organization = _locked(organization, "change groups")
        group = _group_for_update(organization, group_id)
        if group.state == UserState.DELETED:
            raise EntityStateException(_problem("members", group))
        member = user_or_group(organization, member_id, field="member")
        kind = {"member_group": member} if isinstance(member, Group) else {"user": member}
        deleted, _ = GroupMember.objects.filter(group=group, **kind).delete()
        if not deleted:
            raise EntityNotFoundException(
                f"{member.name} is not a member of group {group.name}.", field="member"
            )


def member_type(member: User | Group) -> str:
    return MemberType.GROUP if isinstance(member, Group) else MemberType.USER
