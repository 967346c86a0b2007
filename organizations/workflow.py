"""What a worker does for an organization in each working state."""

from typing import Any

from django.utils import timezone

from directories.services import create_workmail_directory, delete_directory
from domains.services import add_chosen_domain, add_test_domain
from keys.services import workmail_managed_key
from organizations import health
from organizations.lifecycle import State
from organizations.models import DirectoryChoice, Organization
from users.services import deregister_all
from workmail_console.errors import WorkMailError
from workmail_console.lifecycle import Outcome, Step


def _provision(organization: Organization) -> Outcome:
    """Create new Amazon WorkMail directory and the managed key, unless existing ones were
    chosen at creation (they are on the organization already), the test domain and the Email
    domain chosen, with its records in its Route 53 zone."""
    add_test_domain(organization)
    try:
        add_chosen_domain(organization)
    except WorkMailError as error:  # taken in the Region since the request, say
        return (
            State.FAILED,
            "Adding the email domain failed",
            {"error_message": error.message},
        )
    changes: dict[str, Any] = {"default_mail_domain": organization.test_domain}
    if organization.directory_id is None:
        directory = create_workmail_directory(
            account_id=organization.account_id,
            region=organization.region,
            alias=organization.alias,
            idempotency_key=organization.organization_id,
        )
        changes["directory"] = directory
    if organization.encryption_key_id is None:
        changes["encryption_key"] = workmail_managed_key(
            account_id=organization.account_id, region=organization.region
        )
    directory = changes.get("directory") or organization.directory
    key = changes.get("encryption_key") or organization.encryption_key
    reason = f"Provisioned directory {directory.directory_id} and key {key.key_id}"
    return State.VALIDATING, reason, changes


def _validate(organization: Organization) -> Outcome:
    if problem := health.problem(organization) or alias_mismatch(organization):
        return State.FAILED, "Validation failed", {"error_message": problem}
    now = timezone.now()
    # No user is enabled yet: the Inactive rule's clock starts with the organization.
    changes = {"completed_date": now, "no_enabled_users_since": now}
    return State.ACTIVE, "All settings passed validation", changes


def alias_mismatch(organization: Organization) -> str | None:
    """The directory chosen at creation no longer matching the alias (Create organization
    refuses one that doesn't; this is for what changed since)."""
    directory = organization.directory
    if organization.directory_choice != DirectoryChoice.EXISTING or directory is None:
        return None
    return health.directory_alias_mismatch(organization.alias, directory)


def _finish_deleting(organization: Organization) -> Outcome:
    deregister_all(organization)
    directory = organization.directory
    if organization.delete_directory and directory:
        kept = delete_directory(directory, reason=f"Deleted with organization {organization.alias}")
        if kept:  # another AWS application still uses it
            return State.DELETED, f"Deleted; the user directory was kept: {kept}", {}
        return State.DELETED, f"Deleted with directory {directory.directory_id}", {}
    return State.DELETED, "Deleted; the user directory was kept", {}


def _start_creating(organization: Organization) -> Outcome:
    return State.CREATING, "Creation workflow started", {}


STEPS: dict[State, Step] = {
    State.REQUESTED: Step(_start_creating, reads=None),
    # Its relations are usually still empty here (a directory, key and zone chosen at creation
    # are the exception), and joining four tables costs PostgreSQL more to plan than the reads
    # it would save: an existing one chosen is read when the step first needs it.
    State.CREATING: Step(_provision),
    State.VALIDATING: Step(_validate, reads=("directory", "encryption_key")),
    State.DELETING: Step(_finish_deleting, reads=("directory",)),
}
