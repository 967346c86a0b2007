"""The KMS key lifecycle as one table, with KMS's key states (`KeyState`) and the console's words.

Enabled <-> Disabled; either -> PendingDeletion (Schedule key deletion) -> Disabled (Cancel key
deletion), or -> Deleted when the waiting period ends. Nothing works on a key by itself, so no
state is a working one: people move keys, and the deletion sweep ends their waiting period.
"""

from django.db import models

from workmail_console.lifecycle import Badge, Lifecycle, StateInfo


class KeyState(models.TextChoices):
    ENABLED = "Enabled", "Enabled"
    DISABLED = "Disabled", "Disabled"
    PENDING_DELETION = "PendingDeletion", "Pending deletion"
    # Ours: KMS has no such state, a deleted key is simply gone. Its row stays (organizations
    # that used it refer to it and report it missing); no page or lookup finds it.
    DELETED = "Deleted", "Deleted"


TABLE: dict[str, StateInfo] = {
    KeyState.ENABLED: StateInfo(
        "The key can be used in cryptographic operations.",
        Badge.SUCCESS,
        frozenset({KeyState.DISABLED, KeyState.PENDING_DELETION}),
    ),
    KeyState.DISABLED: StateInfo(
        "The key can't be used in cryptographic operations until it is enabled.",
        Badge.STOPPED,
        frozenset({KeyState.ENABLED, KeyState.PENDING_DELETION}),
    ),
    KeyState.PENDING_DELETION: StateInfo(
        "The key is scheduled for deletion and can't be used. You can cancel the deletion until"
        " the waiting period ends.",
        Badge.WARNING,
        frozenset({KeyState.DISABLED, KeyState.DELETED}),
        label=KeyState.PENDING_DELETION.label,
    ),
    KeyState.DELETED: StateInfo(
        "The key and its aliases are deleted.",
        Badge.STOPPED,
        frozenset(),
    ),
}

LIFECYCLE = Lifecycle(
    name="key",
    noun="A KMS key",
    table=TABLE,
    state_field="key_state",
    changed_at_field="key_state_changed_at",
    word="Key state",
)
