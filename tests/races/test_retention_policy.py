"""An organization's retention policy under races: twenty admins saving it at the same moment
leave one policy, the last one saved, and none of them gets an error (the organization's row
lock serializes the check for a policy and its write)."""

from collections import Counter

import pytest

from organizations import settings_services as settings
from organizations.models import FolderConfiguration, RetentionPolicy
from tests.factories import active_organization
from tests.races.harness import COUNT, race
from workmail_console.errors import WorkMailError

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_first_saves_at_once_make_one_policy(admin) -> None:
    organization = active_organization(account=admin.account)

    def put(i: int) -> str:
        try:
            settings.put_retention_policy(
                organization=organization, name="default",
                folder_configurations=[FolderConfiguration(name="INBOX", action="DELETE",
                                                           period=i + 1)],
            )  # fmt: skip
        except WorkMailError as error:
            return error.code
        return "saved"

    results = race(put, writes_to=RetentionPolicy)
    assert Counter(results) == {"saved": COUNT}
    policy = RetentionPolicy.objects.get(organization=organization)
    assert policy.folder_configurations.count() == 1
