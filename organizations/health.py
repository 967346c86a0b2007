"""Health: whether an organization's directory and key still work, and the moves it causes.

Validating asks `problem()` before an organization becomes Active; afterwards the health sweep asks
the same question of every Active and Impaired organization, in batches: a failing check makes an
Active organization Impaired with the reason, and an Impaired one whose checks pass again becomes
Active. Every move is a lifecycle compare-and-set with its event, so a sweep racing a delete, a
second sweep or an immediate check changes nothing twice.
"""

import logging

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from directories.lifecycle import Stage
from directories.models import Directory
from directories.services import unsupported_reason
from keys.services import key_problem
from organizations.lifecycle import State
from organizations.models import Organization

log = logging.getLogger(__name__)

CHECKED = (State.ACTIVE, State.IMPAIRED)


# --- The directory -----------------------------------------------------------------------------


def organizations_using(directory: Directory) -> QuerySet[Organization]:
    """The live (not Deleted) organizations that use the directory."""
    return directory.organizations.exclude(state=State.DELETED)


def _used_by_another(directory: Directory, organization_id: str | None) -> bool:
    """Whether a live organization other than `organization_id` uses the directory.

    It reads `directory.organizations`, so a batch of checks made with
    prefetch_related("directory__organizations") costs one query, not one per organization.
    """
    return any(
        organization.state != State.DELETED and organization.pk != organization_id
        for organization in directory.organizations.all()
    )


def directory_problem(
    directory: Directory, *, region: str, organization_id: str | None = None
) -> str | None:
    """Why the directory can't back an organization in `region`, in WorkMail's words, or None.

    CreateOrganization, the Validating step and the health sweep ask this. `organization_id` is
    the organization asking, which may of course use its own directory.
    """
    directory_id = directory.directory_id
    if directory.stage == Stage.DELETED or directory.region != region:
        # DirectoryUnavailableException's words.
        return (
            f"The directory {directory_id} is unavailable. It might be located in another Region"
            " or deleted."
        )
    if reason := unsupported_reason(directory):
        return reason
    if directory.stage != Stage.ACTIVE:
        return f"The directory {directory_id} is not Active (it is {directory.stage})."
    # A directory Amazon WorkMail made for this organization is its own; another organization
    # that chose it finds it in use when it asks (and the question costs no query here).
    made_for_it = organization_id is not None and directory.idempotency_key == organization_id
    if not made_for_it and _used_by_another(directory, organization_id):
        # DirectoryInUseException's words.
        return (
            f"The directory {directory_id} is already in use by another WorkMail organization in"
            " the same account and Region."
        )
    return None


# --- The organization ---------------------------------------------------------------------------


def directory_alias_mismatch(alias: str, directory: Directory) -> str | None:
    """An existing Directory Service directory: "the organization alias must match the directory
    alias" (CreateOrganization)."""
    if directory.alias.lower() == alias.lower():
        return None
    return (
        f"The organization alias {alias} must match the directory alias {directory.alias} of"
        f" {directory.directory_id}."
    )


def problem(organization: Organization) -> str | None:
    """Why the organization can't work as it is, in the console's words, or None. It reads only
    the directory and key fetched with the organization (select_related): no query of its own."""
    if organization.directory is not None:
        found = directory_problem(
            organization.directory,
            region=organization.region,
            organization_id=organization.organization_id,
        )
        if found:
            return found
    if organization.encryption_key is not None:
        return key_problem(organization.encryption_key, region=organization.region)
    return None


def apply(organization: Organization) -> State | None:
    """Move the organization to what its health says, if that is a move; the state it reached."""
    found = problem(organization)
    if organization.state == State.ACTIVE and found:
        reason = f"Health check failed: {found}"
        moved = organization.transition(State.IMPAIRED, reason=reason, error_message=found)
    elif organization.state == State.IMPAIRED and not found:
        moved = organization.transition(
            State.ACTIVE, reason="Health check passed again", error_message=""
        )
    else:
        return None
    return State(organization.state) if moved else None


def checked(rows: Q | None = None) -> "list[Organization]":
    """Active and Impaired organizations matching `rows`, with what the checks read."""
    found = Organization.objects.filter(state__in=CHECKED)
    if rows is not None:
        found = found.filter(rows)
    # The directory's other organizations: directory_problem's in-use check reads them.
    others = Prefetch("directory__organizations", Organization.objects.only("state", "directory"))
    return (
        found.select_related("directory", "encryption_key")
        .prefetch_related(others)
        .only(
            "organization_id", "account_id", "region", "state", "state_changed_at",
            "error_message", "directory", "encryption_key",
        )
    )  # fmt: skip


def check_batch(after: str = "", *, size: int | None = None) -> tuple[int, str | None]:
    """Check the next `size` organizations by ID after `after`: (how many moved, the last ID
    checked, or None when this was the last batch). Two queries (the organizations, and the others
    on their directories), plus one per move."""
    size = size or settings.WORKMAIL_HEALTH_BATCH
    batch = list(checked(Q(pk__gt=after)).order_by("pk")[:size])
    moved = sum(1 for organization in batch if apply(organization) is not None)
    last = batch[-1].pk if len(batch) == size else None
    return moved, last


def check_using(*, key_pk: int | None = None, directory_pk: int | None = None) -> int:
    """Check at once the organizations that use this key or directory; how many moved."""
    rows = Q(encryption_key_id=key_pk) if key_pk is not None else Q(directory_id=directory_pk)
    moved = 0
    for organization in checked(rows).order_by("pk").iterator(chunk_size=500):
        if apply(organization) is not None:
            moved += 1
    return moved
