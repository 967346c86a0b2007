"""Each lifecycle event carries its organization's account and Region and the time spent in the
state it leaves: the dashboard, the history and /metrics read them. Both write paths: PostgreSQL's
one statement and SQLite's transaction (tests/integration/test_races_on_sqlite.py reruns this)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import OrganizationFactory, advance
from workmail_console import lifecycle


@pytest.mark.django_db(transaction=True)
def test_an_event_records_scope_and_the_time_spent_in_the_state_it_leaves() -> None:
    organization = OrganizationFactory(region="eu-west-1")
    Organization.objects.filter(pk=organization.pk).update(
        state_changed_at=timezone.now() - timedelta(seconds=42)
    )
    assert advance(organization.pk, State.REQUESTED) == State.CREATING
    first, moved = organization.events.order_by("at", "pk")
    assert (first.account_id, first.region, first.from_state_seconds) == (
        organization.account_id, "eu-west-1", None,
    )  # fmt: skip
    assert (moved.account_id, moved.region) == (organization.account_id, "eu-west-1")
    assert moved.from_state_seconds == pytest.approx(42, abs=2)


@pytest.mark.django_db(transaction=True)
def test_a_move_that_loses_its_compare_and_set_writes_no_event() -> None:
    organization = OrganizationFactory()
    assert (
        lifecycle.move(Organization, organization.pk, "Creating", "Validating", reason="x") is None
    )
    assert organization.events.count() == 1
