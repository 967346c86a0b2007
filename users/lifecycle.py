"""A user's states as one table: WorkMail's EntityState (ENABLED / DISABLED / DELETED), which the
organization's groups and resources share.

Create user makes a user Enabled (with an address) or Disabled; Disable and Enable go back and
forth; Delete needs a Disabled user and is for good. Nothing here is a worker's: people move
users, and a user's moves are not kept as events (WorkMail keeps no user history).
"""

from django.db import models

from workmail_console.lifecycle import Badge, Lifecycle, StateInfo


class UserState(models.TextChoices):
    """EntityState: enabled is registered to WorkMail, with a mailbox."""

    ENABLED = "ENABLED", "Enabled"
    DISABLED = "DISABLED", "Disabled"
    DELETED = "DELETED", "Deleted"


# Enabled is success (green); Disabled and Deleted are stopped (grey), as the console shows a
# resource that is not in use. Users, groups and resources share the moves; only the words
# differ (ours: the console shows none). Enable and Disable go back and forth; Delete needs a
# Disabled entity and is for good.
def entity_table(*, enabled: str, disabled: str) -> dict[str, StateInfo]:
    """EntityState's table, with what Enabled and Disabled mean for this kind of entity."""
    return {
        UserState.ENABLED: StateInfo(
            enabled, Badge.SUCCESS, frozenset({UserState.DISABLED}),
            label=UserState.ENABLED.label,
        ),
        UserState.DISABLED: StateInfo(
            disabled, Badge.STOPPED, frozenset({UserState.ENABLED, UserState.DELETED}),
            label=UserState.DISABLED.label,
        ),
        UserState.DELETED: StateInfo(
            "Deleted for good. Its name is free again.", Badge.STOPPED, frozenset(),
            label=UserState.DELETED.label,
        ),
    }  # fmt: skip


TABLE = entity_table(
    enabled="Registered to Amazon WorkMail: the user has a mailbox and can sign in.",
    disabled="In the directory, without a mailbox: the user can't sign in to Amazon WorkMail.",
)
LIFECYCLE = Lifecycle(name="user", noun="A user", table=TABLE)

# Create group (with its address) makes a group Enabled; Delete needs a Disabled group ("Before
# you can delete a group, you must first disable that group").
GROUP_TABLE = entity_table(
    enabled="Registered to Amazon WorkMail: the group receives email at its addresses.",
    disabled="In the directory, without an address in Amazon WorkMail: it receives no email.",
)
GROUP_LIFECYCLE = Lifecycle(name="group", noun="A group", table=GROUP_TABLE)

# "When you disable a resource, you make it unavailable for booking"; "you must first disable
# the resource" to delete it.
RESOURCE_TABLE = entity_table(
    enabled="Registered to Amazon WorkMail: users can book it.",
    disabled="Unavailable for booking.",
)
RESOURCE_LIFECYCLE = Lifecycle(name="resource", noun="A resource", table=RESOURCE_TABLE)
