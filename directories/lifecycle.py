"""The directory lifecycle as one table, with AWS Directory Service's status words and texts.

Requested -> Creating -> Active; Active <-> Inoperable; Active/Inoperable -> Deleting -> Deleted.
Everything else asks this module; no other code decides which stage may follow which.
"""

from enum import StrEnum

from workmail_console.lifecycle import Badge, Lifecycle, StateInfo


class Stage(StrEnum):
    REQUESTED = "Requested"
    CREATING = "Creating"
    ACTIVE = "Active"
    INOPERABLE = "Inoperable"
    DELETING = "Deleting"
    DELETED = "Deleted"


TABLE: dict[str, StateInfo] = {
    Stage.REQUESTED: StateInfo(
        "A request to create your directory is currently pending.",
        Badge.IN_PROGRESS,
        frozenset({Stage.CREATING}),
    ),
    Stage.CREATING: StateInfo(
        "The directory is currently being created.",
        Badge.IN_PROGRESS,
        frozenset({Stage.ACTIVE}),
    ),
    Stage.ACTIVE: StateInfo(
        "The directory is operating normally. No issues have been detected by AWS Directory"
        " Service for your directory.",
        Badge.SUCCESS,
        frozenset({Stage.INOPERABLE, Stage.DELETING}),
    ),
    Stage.INOPERABLE: StateInfo(
        "The directory is not functional. All directory endpoints have reported issues.",
        Badge.ERROR,
        frozenset({Stage.ACTIVE, Stage.DELETING}),
    ),
    Stage.DELETING: StateInfo(
        "The directory is currently being deleted. The directory will remain in this state until"
        " it has been completely deleted.",
        Badge.IN_PROGRESS,
        frozenset({Stage.DELETED}),
    ),
    Stage.DELETED: StateInfo(
        "The directory has been deleted. All resources for the directory have been released.",
        Badge.STOPPED,
        frozenset(),
    ),
}

LIFECYCLE = Lifecycle(
    name="directory",
    noun="A directory",
    table=TABLE,
    # Stages a worker moves on from by itself, after WORKMAIL_STAGE_DELAY; the sweep re-sends them.
    working=frozenset({Stage.REQUESTED, Stage.CREATING, Stage.DELETING}),
    steps="directories.workflow.STEPS",
    state_field="stage",
    changed_at_field="stage_changed_at",
    word="Status",
)
# Stages from which a directory may be deleted.
DELETABLE = LIFECYCLE.entering(Stage.DELETING)
