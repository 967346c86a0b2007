"""What a worker does for a directory in each working stage: wait, then move on.

Directory Service takes minutes to create or delete a directory; here each working stage lasts
WORKMAIL_STAGE_DELAY seconds (the countdown of the message that moves it on).
"""

from directories.lifecycle import Stage
from directories.models import Directory
from workmail_console.lifecycle import Outcome, Step


def _moves_on(target: Stage, reason: str) -> Step:
    """A stage that only waits (its message's countdown), then moves on."""

    def run(directory: Directory) -> Outcome:
        return target, reason, {}

    return Step(run)


STEPS: dict[str, Step] = {
    Stage.REQUESTED: _moves_on(Stage.CREATING, "Creation workflow started"),
    Stage.CREATING: _moves_on(Stage.ACTIVE, "Directory created"),
    Stage.DELETING: _moves_on(Stage.DELETED, "Directory deleted; all its resources are released"),
}
