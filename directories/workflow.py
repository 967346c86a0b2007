"""What a worker does for a directory in each working stage: wait, then move on.

Directory Service takes minutes to create or delete a directory; here each working stage lasts
WORKMAIL_STAGE_DELAY seconds (the countdown of the message that moves it on).
"""

from directories.lifecycle import Stage
from directories.models import Directory

# Working stage -> (the stage it moves on to, the reason its DirectoryEvent gives).
STEPS: dict[Stage, tuple[Stage, str]] = {
    Stage.REQUESTED: (Stage.CREATING, "Creation workflow started"),
    Stage.CREATING: (Stage.ACTIVE, "Directory created"),
    Stage.DELETING: (Stage.DELETED, "Directory deleted; all its resources are released"),
}


def advance(directory_id: str, expected: Stage) -> Stage | None:
    """Move the directory out of `expected` if it is still in it; the new stage, or None.

    The compare-and-set decides: a duplicate, late or swept message finds the row moved on and
    changes nothing.
    """
    if expected not in STEPS:
        return None
    directory = Directory.objects.filter(directory_id=directory_id, stage=expected).first()
    if directory is None:
        return None  # moved on already, or no such directory
    target, reason = STEPS[expected]
    return target if directory.transition(target, reason=reason) else None
