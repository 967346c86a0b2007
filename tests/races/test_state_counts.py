"""Opposite moves at once in one account and Region (Active -> Impaired beside Impaired ->
Active) both update the same two count rows: they must neither deadlock nor miscount."""

import pytest

from organizations.lifecycle import State
from organizations.models import Organization, StateCount
from tests.factories import AccountFactory, OrganizationFactory
from tests.races.harness import COUNT, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_opposite_moves_at_once_keep_the_counts() -> None:
    account = AccountFactory()
    organizations = [
        OrganizationFactory(account=account, state=State.ACTIVE if n % 2 else State.IMPAIRED)
        for n in range(COUNT)
    ]

    def move(index: int) -> bool:
        organization = organizations[index]
        target = State.IMPAIRED if organization.state == State.ACTIVE else State.ACTIVE
        return organization.transition(target, reason="flap")

    assert all(race(move, writes_to=Organization))
    counts = dict(
        StateCount.objects.filter(account=account).values_list("state", "count").order_by()
    )
    assert {state: n for state, n in counts.items() if n} == {
        "Active": COUNT // 2, "Impaired": COUNT // 2,
    }  # fmt: skip
