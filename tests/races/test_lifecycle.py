"""The lifecycle's compare-and-set under races: twenty deliveries of one step, one transition."""

from collections import Counter

import pytest

from directories.models import Directory
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import OrganizationFactory, advance
from tests.races.harness import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("state", "next_state"), [("Requested", "Creating"), ("Creating", "Validating")]
)
def test_twenty_deliveries_at_once_make_one_transition(state: str, next_state: str) -> None:
    organization = OrganizationFactory(state=state)
    reached = race(lambda _: advance(organization.pk, State(state)), writes_to=Organization)
    assert Counter(map(str, reached)) == {next_state: 1, "None": 19}
    assert organization.events.filter(from_state=state).count() == 1
    assert Directory.objects.filter(idempotency_key=organization.pk).count() <= 1
