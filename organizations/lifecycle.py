"""The organization lifecycle as one table (DESIGN §4): states, console text, badges, transitions.

Everything else asks LIFECYCLE; no other code decides which state may follow which.
"""

from enum import StrEnum

from workmail_console.lifecycle import Badge, Lifecycle, StateInfo


class State(StrEnum):
    REQUESTED = "Requested"
    CREATING = "Creating"
    VALIDATING = "Validating"
    ACTIVE = "Active"
    FAILED = "Failed"
    IMPAIRED = "Impaired"
    INACTIVE = "Inactive"
    DELETING = "Deleting"
    DELETED = "Deleted"


_LIVE_EXITS = frozenset({State.DELETING})

TABLE: dict[str, StateInfo] = {
    State.REQUESTED: StateInfo(
        "Your organization creation request is in the queue and waiting to be created.",
        Badge.IN_PROGRESS,
        frozenset({State.CREATING}),
    ),
    State.CREATING: StateInfo(
        "A workflow is running to create your organization.",
        Badge.IN_PROGRESS,
        frozenset({State.VALIDATING, State.FAILED}),
    ),
    State.VALIDATING: StateInfo(
        "All settings for the organization are being health-checked.",
        Badge.IN_PROGRESS,
        frozenset({State.ACTIVE, State.FAILED}),
    ),
    State.ACTIVE: StateInfo(
        "Your organization is healthy and ready for use.",
        Badge.SUCCESS,
        frozenset({State.IMPAIRED, State.INACTIVE}) | _LIVE_EXITS,
    ),
    State.FAILED: StateInfo(
        "Your organization could not be created.",
        Badge.ERROR,
        _LIVE_EXITS,
    ),
    State.IMPAIRED: StateInfo(
        "Your organization is malfunctioning or an issue has been detected.",
        Badge.WARNING,
        frozenset({State.ACTIVE}) | _LIVE_EXITS,
    ),
    State.INACTIVE: StateInfo(
        "Your organization is inactive.",
        Badge.STOPPED,
        frozenset({State.ACTIVE}) | _LIVE_EXITS,
    ),
    State.DELETING: StateInfo(
        "Your organization and its resources are being deleted.",
        Badge.IN_PROGRESS,
        frozenset({State.DELETED}),
    ),
    State.DELETED: StateInfo(
        "Your organization has been deleted. It is kept read-only for your records.",
        Badge.STOPPED,
        frozenset(),
    ),
}

LIFECYCLE = Lifecycle(
    name="organization",
    noun="An organization",
    table=TABLE,
    # States in which a worker still has something to do; the sweep re-sends these when they sit.
    working=frozenset({State.REQUESTED, State.CREATING, State.VALIDATING, State.DELETING}),
    steps="organizations.workflow.STEPS",
)
# States from which an organization may be deleted: every live state the workers are not busy in.
DELETABLE = LIFECYCLE.entering(State.DELETING)
