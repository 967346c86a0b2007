"""The Inactive rule (the guide's Considerations): "You can use the test mail domain ... as long
as you maintain enabled users in your Amazon WorkMail organization. ... The test domain might
become available for registration and use by other customers if your Amazon WorkMail
organization does not maintain at least one enabled user."

An Active organization with no enabled user for longer than WORKMAIL_INACTIVE_AFTER goes
Inactive and releases its alias and test domain; enabling a user brings it back
(users.services.enable_user), if its alias is still free.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from domains.services import release_test_domain
from organizations.lifecycle import State
from organizations.models import Organization
from workmail_console import lifecycle

log = logging.getLogger(__name__)
BATCH = 1000


def becomes_inactive_on(organization: Organization) -> datetime | None:
    """When the organization goes Inactive if no user is enabled before then; None while one is."""
    if organization.state != State.ACTIVE or organization.no_enabled_users_since is None:
        return None
    return organization.no_enabled_users_since + settings.WORKMAIL_INACTIVE_AFTER


def make_idle_organizations_inactive() -> list[str]:
    """Move every Active organization without an enabled user for too long to Inactive; the IDs
    moved. Each move is a compare-and-set on "Active, and still none enabled since before the
    cutoff", so a user enabled a moment earlier (which clears the date under the same row lock)
    keeps its organization Active, and two sweeps at once move it once."""
    now = timezone.now()
    cutoff = now - settings.WORKMAIL_INACTIVE_AFTER
    idle = Q(no_enabled_users_since__lt=cutoff)
    candidates = list(
        Organization.objects.filter(idle, state=State.ACTIVE)
        .order_by("no_enabled_users_since")
        .values_list("organization_id", flat=True)[:BATCH]
    )
    moved = []
    days = settings.WORKMAIL_INACTIVE_AFTER.total_seconds() / 86400
    reason = f"No enabled user for {days:g} days: the alias and test domain were released"
    for organization_id in candidates:
        with transaction.atomic():
            if lifecycle.move(
                Organization, organization_id, State.ACTIVE, State.INACTIVE,
                reason=reason, when=idle, alias_released_at=now,
            ):  # fmt: skip
                release_test_domain(Organization(organization_id=organization_id))
                moved.append(organization_id)
    if moved:
        log.info("%d organization(s) went Inactive: %s", len(moved), ", ".join(moved[:20]))
    return moved
