"""The organization lifecycle as one table (DESIGN §4): states, console text, badges, transitions.

Everything else asks this module; no other code decides which state may follow which.
"""

from dataclasses import dataclass
from enum import StrEnum


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


class Badge(StrEnum):
    """The console's status indicator types (Cloudscape): colour and icon go together."""

    SUCCESS = "success"
    IN_PROGRESS = "in-progress"
    ERROR = "error"
    WARNING = "warning"
    STOPPED = "stopped"


@dataclass(frozen=True)
class StateInfo:
    description: str
    badge: Badge
    leaves_to: frozenset[State]


_LIVE_EXITS = frozenset({State.DELETING})

TABLE: dict[State, StateInfo] = {
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

# States in which a worker still has something to do; the sweep re-enqueues these when they sit.
WORKING = frozenset({State.REQUESTED, State.CREATING, State.VALIDATING, State.DELETING})
# States that never change again.
TERMINAL = frozenset(state for state, info in TABLE.items() if not info.leaves_to)
# States from which an organization may be deleted: every live state the workers are not busy in.
DELETABLE = frozenset(state for state, info in TABLE.items() if State.DELETING in info.leaves_to)


class InvalidTransition(Exception):
    def __init__(self, source: State, target: State) -> None:
        super().__init__(f"An organization can't go from {source} to {target}.")
        self.source = source
        self.target = target


def can_transition(source: State | str, target: State | str) -> bool:
    return State(target) in TABLE[State(source)].leaves_to


def check_transition(source: State | str, target: State | str) -> None:
    if not can_transition(source, target):
        raise InvalidTransition(State(source), State(target))


def describe(state: State | str) -> str:
    return TABLE[State(state)].description


def badge(state: State | str) -> Badge:
    return TABLE[State(state)].badge


def is_working(state: State | str) -> bool:
    return State(state) in WORKING
