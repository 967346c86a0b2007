"""The transition table (DESIGN §4): every allowed and every forbidden transition."""

import itertools

import pytest

from organizations.lifecycle import DELETABLE, LIFECYCLE, State
from workmail_console.lifecycle import Badge, InvalidTransition

ALLOWED = {
    (State.REQUESTED, State.CREATING),
    (State.CREATING, State.VALIDATING),
    (State.CREATING, State.FAILED),
    (State.VALIDATING, State.ACTIVE),
    (State.VALIDATING, State.FAILED),
    (State.ACTIVE, State.IMPAIRED),
    (State.ACTIVE, State.INACTIVE),
    (State.ACTIVE, State.DELETING),
    (State.FAILED, State.DELETING),
    (State.IMPAIRED, State.ACTIVE),
    (State.IMPAIRED, State.DELETING),
    (State.INACTIVE, State.ACTIVE),
    (State.INACTIVE, State.DELETING),
    (State.DELETING, State.DELETED),
}
FORBIDDEN = set(itertools.product(State, State)) - ALLOWED


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_it_allows_the_designed_transition(source: State, target: State) -> None:
    assert LIFECYCLE.can_transition(source, target)
    LIFECYCLE.check_transition(source, target)


@pytest.mark.parametrize(("source", "target"), sorted(FORBIDDEN))
def test_it_forbids_every_other_transition(source: State, target: State) -> None:
    assert not LIFECYCLE.can_transition(source, target)
    with pytest.raises(InvalidTransition):
        LIFECYCLE.check_transition(source, target)


def test_state_strings_are_the_exact_aws_words() -> None:
    assert [s.value for s in State] == [
        "Requested", "Creating", "Validating", "Active", "Failed",
        "Impaired", "Inactive", "Deleting", "Deleted",
    ]  # fmt: skip


def test_deleted_is_the_only_terminal_state() -> None:
    assert {State.DELETED} == LIFECYCLE.terminal


def test_working_states_are_the_ones_a_worker_moves_on() -> None:
    assert {
        State.REQUESTED, State.CREATING, State.VALIDATING, State.DELETING,
    } == LIFECYCLE.working  # fmt: skip


def test_deletable_states_are_those_that_lead_to_deleting() -> None:
    assert {State.ACTIVE, State.FAILED, State.IMPAIRED, State.INACTIVE} == DELETABLE


@pytest.mark.parametrize(
    ("state", "badge"),
    [
        (State.ACTIVE, Badge.SUCCESS),
        (State.REQUESTED, Badge.IN_PROGRESS),
        (State.CREATING, Badge.IN_PROGRESS),
        (State.VALIDATING, Badge.IN_PROGRESS),
        (State.DELETING, Badge.IN_PROGRESS),
        (State.FAILED, Badge.ERROR),
        (State.IMPAIRED, Badge.WARNING),
        (State.INACTIVE, Badge.STOPPED),
        (State.DELETED, Badge.STOPPED),
    ],
)
def test_each_state_has_the_consoles_badge(state: State, badge: Badge) -> None:
    assert LIFECYCLE.badge(state) == badge


def test_descriptions_are_the_consoles_words() -> None:
    assert LIFECYCLE.describe("Requested") == (
        "Your organization creation request is in the queue and waiting to be created."
    )
    assert LIFECYCLE.describe("Validating") == (
        "All settings for the organization are being health-checked."
    )
