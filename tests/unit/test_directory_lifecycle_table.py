"""The directory lifecycle table: Requested -> Creating -> Active; Active <-> Inoperable;
Active/Inoperable -> Deleting -> Deleted; and nothing else."""

import itertools

import pytest

from directories.lifecycle import DELETABLE, LIFECYCLE, Stage
from workmail_console.lifecycle import Badge, InvalidTransition

ALLOWED = {
    (Stage.REQUESTED, Stage.CREATING),
    (Stage.CREATING, Stage.ACTIVE),
    (Stage.ACTIVE, Stage.INOPERABLE),
    (Stage.INOPERABLE, Stage.ACTIVE),
    (Stage.ACTIVE, Stage.DELETING),
    (Stage.INOPERABLE, Stage.DELETING),
    (Stage.DELETING, Stage.DELETED),
}
FORBIDDEN = set(itertools.product(Stage, Stage)) - ALLOWED


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_it_allows_the_designed_move(source: Stage, target: Stage) -> None:
    LIFECYCLE.check_transition(source, target)


@pytest.mark.parametrize(("source", "target"), sorted(FORBIDDEN))
def test_it_forbids_every_other_move(source: Stage, target: Stage) -> None:
    with pytest.raises(InvalidTransition, match=f"A directory can't go from {source} to {target}"):
        LIFECYCLE.check_transition(source, target)


def test_the_derived_sets() -> None:
    assert LIFECYCLE.working == {Stage.REQUESTED, Stage.CREATING, Stage.DELETING}
    assert LIFECYCLE.terminal == {Stage.DELETED}
    assert set(DELETABLE) == {Stage.ACTIVE, Stage.INOPERABLE}


def test_badges_follow_the_consoles_colours() -> None:
    badges = {stage: LIFECYCLE.badge(stage) for stage in Stage}
    assert badges == {
        Stage.REQUESTED: Badge.IN_PROGRESS,
        Stage.CREATING: Badge.IN_PROGRESS,
        Stage.ACTIVE: Badge.SUCCESS,
        Stage.INOPERABLE: Badge.ERROR,
        Stage.DELETING: Badge.IN_PROGRESS,
        Stage.DELETED: Badge.STOPPED,
    }
