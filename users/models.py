"""An organization's users: the people with mailboxes (not the console's members, who administer
accounts). Users live in the organization's directory, as they do in WorkMail: the Amazon WorkMail
directory it created, or the Directory Service directory it was created on."""

import uuid

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from directories.models import Directory
from users.lifecycle import GROUP_LIFECYCLE, LIFECYCLE, RESOURCE_LIFECYCLE, UserState
from workmail_console.lifecycle import LifecycleModel

__all__ = ["UserState"]  # its home is users.lifecycle; the rest of users imports it from here


class EntityEvents:
    """Users, groups and resources keep what happened to them (created, enabled, disabled,
    deleted) as EntityEvent rows, written in the same transaction as the change, for the
    organization's Monitoring page. Not a lifecycle's event table: entities belong to a
    directory, not to an account and Region."""

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                EntityEvent.record(self, from_state="", at=self.created_date)

    def transition(self, target: str, **kwargs) -> bool:
        previous = self.state
        moved = super().transition(target, **kwargs)
        if moved:
            EntityEvent.record(self, from_state=previous, at=self.state_changed_at)
        return moved


class UserRole(models.TextChoices):
    USER = "USER", "User"
    RESOURCE = "RESOURCE", "Resource"
    SYSTEM_USER = "SYSTEM_USER", "System user"
    REMOTE_USER = "REMOTE_USER", "Remote user"


class UserQuerySet(models.QuerySet["User"]):
    def enabled(self) -> "UserQuerySet":
        return self.filter(state=UserState.ENABLED)

    def existing(self) -> "UserQuerySet":
        return self.exclude(state=UserState.DELETED)


class User(EntityEvents, LifecycleModel):
    lifecycle = LIFECYCLE
    region_field = None  # no lifecycle events: EntityEvents keeps its history

    user_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="users")
    name = models.CharField("User name", max_length=64)
    display_name = models.CharField(max_length=256)
    first_name = models.CharField(max_length=256, blank=True)
    last_name = models.CharField(max_length=256, blank=True)
    # The primary email address; NULL until the user is first enabled (a directory's own users).
    email = models.CharField(max_length=254, null=True, blank=True)  # noqa: DJ001
    state = models.CharField(max_length=8, choices=UserState.choices, default=UserState.DISABLED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    role = models.CharField(max_length=11, choices=UserRole.choices, default=UserRole.USER)
    # A Django password hash (make_password); empty for users whose password lives elsewhere
    # (an AD Connector's on-premises directory).
    password = models.CharField(max_length=128, blank=True)
    hidden_from_global_address_list = models.BooleanField(default=False)
    created_date = models.DateTimeField(default=timezone.now)
    enabled_date = models.DateTimeField(null=True, blank=True)
    disabled_date = models.DateTimeField(null=True, blank=True)
    # UpdateUser's other attributes ("Personal data"): AD attributes, up to 256 characters each.
    initials = models.CharField(max_length=256, blank=True)
    telephone = models.CharField(max_length=256, blank=True)
    street = models.CharField(max_length=256, blank=True)
    job_title = models.CharField(max_length=256, blank=True)
    city = models.CharField(max_length=256, blank=True)
    company = models.CharField(max_length=256, blank=True)
    zip_code = models.CharField(max_length=256, blank=True)
    department = models.CharField(max_length=256, blank=True)
    country = models.CharField(max_length=256, blank=True)
    office = models.CharField(max_length=256, blank=True)
    # The mailbox quota in MB: 1 to 51,200 (50 GB, the hard maximum and our default).
    mailbox_quota = models.PositiveIntegerField(default=51200)

    objects = UserQuerySet.as_manager()

    class Meta:
        ordering = ["name", "user_id"]
        constraints = [
            # NameAvailabilityException: a name is one user in its directory (AD names are not
            # case-sensitive); a deleted user's name is free again.
            models.UniqueConstraint(
                "directory", Lower("name"), condition=~Q(state="DELETED"),
                name="unique_user_name_in_directory",
            ),
            # EmailAddressInUseException: an address is one user in the organization, enabled or
            # not, and one mailbox anywhere (a released test domain may come back to another).
            models.UniqueConstraint(
                "directory", Lower("email"), condition=~Q(state="DELETED"),
                name="unique_user_email_in_directory",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=Q(state="ENABLED"), name="unique_enabled_user_email"
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["directory", "state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enabled(self) -> bool:
        return self.state == UserState.ENABLED

    @property
    def local_part(self) -> str:
        return (self.email or "").partition("@")[0]

    @property
    def domain(self) -> str:
        return (self.email or "").partition("@")[2]


class Group(EntityEvents, LifecycleModel):
    """A group of an organization's directory: a distribution list, and a security group for
    sharing mailboxes. Groups have addresses but no mailbox; users and groups are its members."""

    lifecycle = GROUP_LIFECYCLE
    region_field = None  # no lifecycle events: EntityEvents keeps its history

    group_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("Group name", max_length=256)
    # The primary email address; NULL until the group is first enabled (CreateGroup alone).
    email = models.CharField(max_length=254, null=True, blank=True)  # noqa: DJ001
    state = models.CharField(max_length=8, choices=UserState.choices, default=UserState.DISABLED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    hidden_from_global_address_list = models.BooleanField(default=False)
    created_date = models.DateTimeField(default=timezone.now)
    enabled_date = models.DateTimeField(null=True, blank=True)
    disabled_date = models.DateTimeField(null=True, blank=True)

    objects = UserQuerySet.as_manager()

    class Meta:
        ordering = ["name", "group_id"]
        constraints = [
            # A group's name and address among the groups; the whole address book (users,
            # groups and resources) is one namespace, held by the organization's lock.
            models.UniqueConstraint(
                "directory", Lower("name"), condition=~Q(state="DELETED"),
                name="unique_group_name_in_directory",
            ),
            models.UniqueConstraint(
                "directory", Lower("email"), condition=~Q(state="DELETED"),
                name="unique_group_email_in_directory",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["directory", "state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enabled(self) -> bool:
        return self.state == UserState.ENABLED


class MemberType(models.TextChoices):
    """ListGroupMembers' member types: resources can't be members."""

    USER = "USER", "User"
    GROUP = "GROUP", "Group"


class GroupMember(models.Model):
    """One member of a group: a user or a group (not itself, and no cycle: the services check
    that under the organization's lock)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="group_memberships"
    )
    member_group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="parent_memberships"
    )
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(member_group__isnull=True))
                | (Q(user__isnull=True) & Q(member_group__isnull=False)),
                name="group_member_is_a_user_or_a_group",
            ),
            models.CheckConstraint(
                condition=~Q(member_group=models.F("group")), name="group_not_a_member_of_itself"
            ),
            models.UniqueConstraint("group", "user", name="unique_user_in_group"),
            models.UniqueConstraint("group", "member_group", name="unique_group_in_group"),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.group}"

    @property
    def member(self) -> "User | Group":
        return self.user if self.user_id is not None else self.member_group

    @property
    def member_type(self) -> MemberType:
        return MemberType.USER if self.user_id is not None else MemberType.GROUP


class ResourceType(models.TextChoices):
    ROOM = "ROOM", "Room"
    EQUIPMENT = "EQUIPMENT", "Equipment"


def new_resource_id() -> str:
    """A resource ID as WorkMail's: r- and 32 hexadecimal digits."""
    return f"r-{uuid.uuid4().hex}"


class Resource(EntityEvents, LifecycleModel):
    """A meeting room or equipment users book by inviting it. Its booking options answer
    requests; delegates (users or groups) answer what it doesn't."""

    lifecycle = RESOURCE_LIFECYCLE
    region_field = None  # no lifecycle events: EntityEvents keeps its history

    resource_id = models.CharField(
        primary_key=True, max_length=34, default=new_resource_id, editable=False
    )
    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField("Resource name", max_length=20)
    resource_type = models.CharField(
        "Resource type", max_length=9, choices=ResourceType.choices, default=ResourceType.ROOM
    )
    description = models.CharField("Resource description", max_length=64, blank=True)
    email = models.CharField(max_length=254, null=True, blank=True)  # noqa: DJ001
    state = models.CharField(max_length=8, choices=UserState.choices, default=UserState.DISABLED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    hidden_from_global_address_list = models.BooleanField(default=False)
    # BookingOptions; the defaults are describe-resource's example (AWS documents none).
    auto_accept_requests = models.BooleanField(default=True)
    auto_decline_recurring_requests = models.BooleanField(default=False)
    auto_decline_conflicting_requests = models.BooleanField(default=True)
    created_date = models.DateTimeField(default=timezone.now)
    enabled_date = models.DateTimeField(null=True, blank=True)
    disabled_date = models.DateTimeField(null=True, blank=True)

    objects = UserQuerySet.as_manager()

    class Meta:
        ordering = ["name", "resource_id"]
        constraints = [
            models.UniqueConstraint(
                "directory", Lower("name"), condition=~Q(state="DELETED"),
                name="unique_resource_name_in_directory",
            ),
            models.UniqueConstraint(
                "directory", Lower("email"), condition=~Q(state="DELETED"),
                name="unique_resource_email_in_directory",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["directory", "state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enabled(self) -> bool:
        return self.state == UserState.ENABLED


class ResourceDelegate(models.Model):
    """A user or group that answers a resource's booking requests."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="delegates")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="delegations"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="delegations"
    )
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group__isnull=True))
                | (Q(user__isnull=True) & Q(group__isnull=False)),
                name="delegate_is_a_user_or_a_group",
            ),
            models.UniqueConstraint("resource", "user", name="unique_user_delegate"),
            models.UniqueConstraint("resource", "group", name="unique_group_delegate"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} for {self.resource}"

    @property
    def delegate(self) -> "User | Group":
        return self.user if self.user_id is not None else self.group

    @property
    def delegate_type(self) -> MemberType:
        return MemberType.USER if self.user_id is not None else MemberType.GROUP


class EmailAlias(models.Model):
    """An address of a user, group or resource besides its primary one. Unique in the
    directory by this constraint; against the primaries, by the organization's lock
    (users.addressbook)."""

    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="aliases")
    address = models.CharField(max_length=254)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )

    class Meta:
        ordering = ["address", "pk"]
        constraints = [
            models.UniqueConstraint(
                "directory", Lower("address"), name="unique_alias_in_directory"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, group__isnull=True, resource__isnull=True)
                | Q(user__isnull=True, group__isnull=False, resource__isnull=True)
                | Q(user__isnull=True, group__isnull=True, resource__isnull=False),
                name="alias_of_one_entity",
            ),
        ]

    def __str__(self) -> str:
        return self.address


class MailboxPermission(models.Model):
    """PutMailboxPermissions: what one grantee (a user or group) may do with a user's mailbox."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="permissions")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="granted"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="granted"
    )
    full_access = models.BooleanField(default=False)
    send_as = models.BooleanField(default=False)
    send_on_behalf = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group__isnull=True))
                | (Q(user__isnull=True) & Q(group__isnull=False)),
                name="grantee_is_a_user_or_a_group",
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(full_access=False),
                name="no_full_access_for_a_group",
            ),
            models.UniqueConstraint("owner", "user", name="unique_user_grantee"),
            models.UniqueConstraint("owner", "group", name="unique_group_grantee"),
        ]

    def __str__(self) -> str:
        return f"{self.grantee} on {self.owner}"

    @property
    def grantee(self) -> "User | Group":
        return self.user if self.user_id is not None else self.group

    @property
    def grantee_type(self) -> MemberType:
        return MemberType.USER if self.user_id is not None else MemberType.GROUP

    @property
    def values(self) -> list[str]:
        """PermissionValues, in the API's words."""
        flags = (("FULL_ACCESS", self.full_access), ("SEND_AS", self.send_as),
                 ("SEND_ON_BEHALF", self.send_on_behalf))  # fmt: skip
        return [name for name, on in flags if on]


class EntityKind(models.TextChoices):
    USER = "user", "User"
    GROUP = "group", "Group"
    RESOURCE = "resource", "Resource"


class EntityEvent(models.Model):
    """A user, group or resource created (no `from_state`) or moved to another EntityState. Kept
    by directory, as the entities are; the organization's Monitoring page reads its directory's
    events since the organization was created. The name is the entity's at the time."""

    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=EntityKind.choices)
    entity_id = models.CharField(max_length=36)
    name = models.CharField(max_length=256)
    from_state = models.CharField(max_length=8, blank=True)
    to_state = models.CharField(max_length=8, choices=UserState.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["directory", "-at"], name="entity_events_newest_first")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}: {self.from_state or '∅'} → {self.to_state}"

    @classmethod
    def record(cls, entity: "User | Group | Resource", *, from_state: str, at) -> None:
        cls.objects.create(
            directory_id=entity.directory_id, kind=entity.lifecycle.name, entity_id=str(entity.pk),
            name=entity.name, from_state=from_state, to_state=entity.state, at=at,
        )  # fmt: skip
