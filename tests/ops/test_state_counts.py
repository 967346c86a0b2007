"""The dashboard's counts per account, Region and state are kept by database triggers: whatever
writes the organizations table, StateCount matches a count of the table itself (also on SQLite:
tests/integration/test_races_on_sqlite.py reruns this file)."""

from collections import Counter

import pytest

from organizations.lifecycle import State
from organizations.models import Organization, StateCount
from tests.factories import AccountFactory, OrganizationFactory, advance


def counted() -> Counter:
    return Counter(
        {
            (row.account_id, row.region, row.state): row.count
            for row in StateCount.objects.all()
            if row.count
        }
    )


def actual() -> Counter:
    return Counter(Organization.objects.values_list("account_id", "region", "state"))


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_write_keeps_the_counts() -> None:
    one, two = AccountFactory(), AccountFactory()
    first = OrganizationFactory(account=one)
    OrganizationFactory(account=one, region="eu-west-1")
    assert counted() == actual() == {
        (one.pk, "us-east-1", "Requested"): 1, (one.pk, "eu-west-1", "Requested"): 1,
    }  # fmt: skip
    for state in (State.REQUESTED, State.CREATING, State.VALIDATING):
        advance(first.pk, state)  # the lifecycle's own single-statement moves
    assert counted()[(one.pk, "us-east-1", "Active")] == 1
    Organization.objects.bulk_create(
        [Organization(account=two, region="us-west-2", alias=f"bulk{n}") for n in range(5)]
    )
    Organization.objects.filter(account=two).update(state=State.FAILED)
    Organization.objects.filter(pk=first.pk).update(region="us-west-2")  # never done; still right
    Organization.objects.filter(account=two)[:1].get().delete()
    assert counted() == actual()
    two.delete()  # the account's organizations go with it
    assert counted() == actual()
    assert (two.pk, "us-west-2", "Failed") not in counted()
