"""What a worker does for an organization in each working state.

A step runs inside one transaction that holds the organization's row: it provisions what the state
calls for and moves the state with a compare-and-set, so a late or repeated message finds the row
moved on and does nothing.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from directories.services import create_workmail_directory, delete_directory, directory_problem
from organizations.keys import key_problem, workmail_managed_key
from organizations.lifecycle import State
from organizations.models import Organization

Outcome = tuple[State, str, dict[str, Any]]


def _start_creating(organization: Organization) -> Outcome:
    return State.CREATING, "Creation workflow started", {}


def _provision(organization: Organization) -> Outcome:
    directory = create_workmail_directory(
        account=organization.account,
        region=organization.region,
        alias=organization.alias,
        idempotency_key=organization.organization_id,
    )
    key = workmail_managed_key(account=organization.account, region=organization.region)
    return (
        State.VALIDATING,
        f"Provisioned directory {directory.directory_id} and key {key.key_id}",
        {
            "directory": directory,
            "encryption_key": key,
            "default_mail_domain": organization.test_domain,
        },
    )


def _validate(organization: Organization) -> Outcome:
    problems = [
        directory_problem(organization.directory, region=organization.region),
        key_problem(organization.encryption_key, region=organization.region),
    ]
    if problem := next((p for p in problems if p), None):
        return State.FAILED, "Validation failed", {"error_message": problem[:256]}
    return State.ACTIVE, "All settings passed validation", {"completed_date": timezone.now()}


def _finish_deleting(organization: Organization) -> Outcome:
    if organization.delete_directory and organization.directory:
        delete_directory(organization.directory)
        return State.DELETED, f"Deleted with directory {organization.directory.directory_id}", {}
    return State.DELETED, "Deleted; the user directory was kept", {}


STEPS: dict[State, Callable[[Organization], Outcome]] = {
    State.REQUESTED: _start_creating,
    State.CREATING: _provision,
    State.VALIDATING: _validate,
    State.DELETING: _finish_deleting,
}


def advance(organization_id: str, expected: State) -> State | None:
    """Do the step for `expected` if the organization is still in it; the new state, or None."""
    step = STEPS.get(expected)
    if step is None:
        return None
    with transaction.atomic():
        organization = (
            Organization.objects.select_for_update(of=("self",))
            .select_related("account", "directory", "encryption_key__account")
            .filter(pk=organization_id, state=expected)
            .first()
        )
        if organization is None:
            return None  # moved on already: a duplicate, late or swept message
        target, reason, changes = step(organization)
        if not organization.transition(target, reason=reason, **changes):
            return None
    return target
