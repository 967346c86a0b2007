"""An organization's users: the people with mailboxes (not the console's members, who administer
accounts). Users live in the organization's directory, as they do in WorkMail: the Amazon WorkMail
directory it created, or the Directory Service directory it was created on."""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from directories.models import Directory
from users.lifecycle import LIFECYCLE, UserState
from workmail_console.lifecycle import LifecycleModel

__all__ = ["UserState"]  # its home is users.lifecycle; the rest of users imports it from here


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


class User(LifecycleModel):
    lifecycle = LIFECYCLE
    region_field = None  # a user's moves write no events

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
