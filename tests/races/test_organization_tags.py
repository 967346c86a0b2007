"""An organization's tags under races: twenty admins adding tags at the same moment still leave at
most fifty (the organization's row lock serializes the count and the write)."""

from collections import Counter

import pytest

from organizations import settings_services as settings
from organizations.models import OrganizationTag
from tests.factories import active_organization
from tests.races.harness import COUNT, race
from workmail_console.errors import WorkMailError

pytestmark = pytest.mark.django_db(transaction=True)
ALREADY = 40  # tags the organization has: room for ten more


def test_twenty_adds_at_once_to_forty_tags_leave_fifty(admin) -> None:
    organization = active_organization(account=admin.account)
    existing = [(f"existing{i:02}", "") for i in range(ALREADY)]
    settings.tag_resource(organization=organization, tags=existing)

    def add(i: int) -> str:
        try:
            settings.tag_resource(organization=organization, tags=[(f"racer{i:02}", str(i))])
        except WorkMailError as error:
            return error.code
        return "tagged"

    results = race(add, writes_to=OrganizationTag)
    room = settings.TAGS_MAX - ALREADY
    assert Counter(results) == {"tagged": room, "TooManyTagsException": COUNT - room}
    assert OrganizationTag.objects.filter(organization=organization).count() == settings.TAGS_MAX


def test_twenty_saves_at_once_that_swap_tags_never_pass_fifty(admin) -> None:
    """Manage tags > Save: each removes a tag of its own and adds two; the removal and the adds
    are one change, so the fifty hold whatever the order."""
    organization = active_organization(account=admin.account)
    settings.tag_resource(organization=organization, tags=[(f"own{i:02}", "") for i in range(48)])

    def save(i: int) -> str:
        try:
            settings.save_tags(
                organization=organization, removed_keys=[f"own{i:02}"],
                tags=[(f"new{i:02}a", ""), (f"new{i:02}b", "")],
            )  # fmt: skip
        except WorkMailError as error:
            return error.code
        return "saved"

    results = race(save, writes_to=OrganizationTag)
    assert Counter(results) == {"saved": 2, "TooManyTagsException": COUNT - 2}
    assert OrganizationTag.objects.filter(organization=organization).count() == 50
