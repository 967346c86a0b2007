"""The health checks and the moves they cause, run in this process on the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directories.lifecycle import Stage as DirectoryStage
from keys.models import KeyState
from organizations import health
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import OrganizationFactory, advance

pytestmark = pytest.mark.django_db(transaction=True)


def active(**fields) -> Organization:
    organization = OrganizationFactory(**fields)
    for state in (State.REQUESTED, State.CREATING, State.VALIDATING):
        advance(organization.pk, state)
    return Organization.objects.select_related("directory", "encryption_key").get(
        pk=organization.pk
    )


def story(organization: Organization) -> list[tuple[str, str, str]]:
    return list(
        organization.events.order_by("at", "pk").values_list("from_state", "to_state", "reason")
    )[4:]


def test_a_disabled_key_impairs_and_enabling_it_restores() -> None:
    organization = active()
    key = organization.encryption_key
    key.key_state = KeyState.DISABLED
    key.save()
    assert health.check_using(key_pk=key.pk) == 1
    organization.refresh_from_db()
    assert organization.state == State.IMPAIRED
    assert organization.error_message == f"The KMS key {key.arn} is disabled."
    key.key_state = KeyState.ENABLED
    key.save()
    assert health.check_using(key_pk=key.pk) == 1
    organization.refresh_from_db()
    assert (organization.state, organization.error_message) == (State.ACTIVE, "")
    assert story(organization) == [
        ("Active", "Impaired", f"Health check failed: The KMS key {key.arn} is disabled."),
        ("Impaired", "Active", "Health check passed again"),
    ]


def test_an_inoperable_directory_impairs_the_organizations_on_it() -> None:
    organization = active()
    directory = organization.directory
    directory.stage = DirectoryStage.INOPERABLE
    directory.save()
    assert health.check_using(directory_pk=directory.pk) == 1
    organization.refresh_from_db()
    assert organization.state == State.IMPAIRED
    assert directory.directory_id in organization.error_message


def test_a_healthy_organization_is_left_alone_and_checking_twice_moves_once() -> None:
    healthy, sick = active(), active()
    sick.encryption_key.key_state = KeyState.PENDING_DELETION
    sick.encryption_key.save()
    assert health.check_batch()[0] == 1
    assert health.check_batch()[0] == 0  # already Impaired: nothing more to say
    assert Organization.objects.get(pk=healthy.pk).state == State.ACTIVE
    assert Organization.objects.get(pk=sick.pk).state == State.IMPAIRED


def test_the_sweep_goes_through_every_organization_in_batches() -> None:
    organizations = [active() for _ in range(5)]
    for organization in organizations:
        organization.encryption_key.key_state = KeyState.DISABLED
        organization.encryption_key.save()
    after, moved, batches = "", 0, 0
    while after is not None:
        count, after = health.check_batch(after, size=2)
        moved, batches = moved + count, batches + 1
    assert (moved, batches) == (5, 3)
    assert set(Organization.objects.values_list("state", flat=True)) == {State.IMPAIRED}


def test_a_batchs_queries_do_not_grow_with_its_organizations() -> None:
    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            health.check_batch(size=size)
        return len(captured)

    for _ in range(3):
        active()
    few = queries(3)
    for _ in range(12):
        active()
    assert queries(15) == few == 2  # the organizations, and the others on their directories
