"""Each lifecycle step run in this process on the database: idempotent (races: tests/races)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directories.lifecycle import Stage
from directories.models import Directory
from directories.services import create_workmail_directory
from keys.models import KeyState
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import (
    AccountFactory,
    DirectoryFactory,
    KeyFactory,
    OrganizationFactory,
    advance,
)
from workmail_console import lifecycle
from workmail_console.lifecycle import Step


def steps_to_active(organization: Organization) -> list[State | None]:
    return [advance(organization.pk, state) for state in ("Requested", "Creating", "Validating")]


def test_each_step_moves_one_state(db) -> None:
    organization = OrganizationFactory()
    assert steps_to_active(organization) == [State.CREATING, State.VALIDATING, State.ACTIVE]


def test_running_a_step_again_does_nothing(db) -> None:
    organization = OrganizationFactory()
    steps_to_active(organization)
    assert steps_to_active(organization) == [None, None, None]
    assert organization.events.count() == 4
    assert Directory.objects.filter(idempotency_key=organization.pk).count() == 1


def test_a_step_that_died_before_moving_finds_what_it_provisioned(db) -> None:
    organization = OrganizationFactory(state=State.CREATING)
    made_before = create_workmail_directory(
        account_id=organization.account_id,
        region=organization.region,
        alias=organization.alias,
        idempotency_key=organization.pk,
    )
    assert advance(organization.pk, State.CREATING) == State.VALIDATING
    organization.refresh_from_db()
    assert organization.directory == made_before
    assert Directory.objects.filter(idempotency_key=organization.pk).count() == 1


def test_a_disabled_key_fails_validation_with_the_reason(db) -> None:
    organization = OrganizationFactory()
    advance(organization.pk, State.REQUESTED)
    advance(organization.pk, State.CREATING)
    organization.refresh_from_db()
    organization.encryption_key.key_state = KeyState.DISABLED
    organization.encryption_key.save()
    assert advance(organization.pk, State.VALIDATING) == State.FAILED
    organization.refresh_from_db()
    assert (
        organization.error_message == f"The KMS key {organization.encryption_key.arn} is disabled."
    )
    assert organization.completed_date is None


def test_an_inactive_directory_fails_validation(db) -> None:
    organization = OrganizationFactory()
    advance(organization.pk, State.REQUESTED)
    advance(organization.pk, State.CREATING)
    Directory.objects.filter(idempotency_key=organization.pk).update(stage=Stage.INOPERABLE)
    assert advance(organization.pk, State.VALIDATING) == State.FAILED
    organization.refresh_from_db()
    assert "is not Active (it is Inoperable)" in organization.error_message


def test_a_long_message_is_cut_to_what_its_columns_hold_and_the_move_happens(db) -> None:
    organization = OrganizationFactory(state=State.ACTIVE)
    message = "A health problem described at length. " * 20  # 780 characters
    assert organization.transition(
        State.IMPAIRED, reason=f"Health check failed: {message}", error_message=message
    )
    organization.refresh_from_db()
    assert organization.error_message == message[:256]
    event = organization.events.get(to_state=State.IMPAIRED)
    assert event.reason == f"Health check failed: {message}"[:256]


# The statements each step sends to the database, as the README's performance section gives
# them: the worker's hot path. A step in a worker runs in autocommit, as here.
STATEMENTS = {State.REQUESTED: 1, State.CREATING: 5, State.VALIDATING: 2}
# An account's first organization in a Region also makes its WorkMail managed key: BEGIN, the
# key with its first event, its alias, COMMIT.
FIRST_IN_REGION = {**STATEMENTS, State.CREATING: 9}


def statements_per_step(organization: Organization) -> dict[str, int]:
    counted = {}
    for state in (State.REQUESTED, State.CREATING, State.VALIDATING):
        with CaptureQueriesContext(connection) as queries:
            assert advance(organization.pk, state) is not None
        counted[state] = len(queries)
    return counted


@pytest.mark.django_db(transaction=True)
def test_each_step_sends_the_statements_the_readme_counts() -> None:
    first = OrganizationFactory(region="us-east-1")
    assert statements_per_step(first) == FIRST_IN_REGION
    second = OrganizationFactory(account=first.account, region="us-east-1")
    assert statements_per_step(second) == STATEMENTS


@pytest.mark.django_db(transaction=True)
def test_creating_an_organization_sends_only_its_own_steps(published_tasks) -> None:
    organization = OrganizationFactory()
    for state in (State.REQUESTED, State.CREATING, State.VALIDATING):
        advance(organization.pk, state)
    assert published_tasks == []  # the helper enqueues nothing; the worker's task does
    Directory.objects.get(idempotency_key=organization.pk)  # made, and announced to no one


def loaded(instance) -> dict[str, object]:
    """Every column's value as loaded, with its type (a JSON list is not its text)."""
    return {
        f.attname: (type(getattr(instance, f.attname)), getattr(instance, f.attname))
        for f in type(instance)._meta.concrete_fields
    }


def test_a_steps_read_loads_the_row_and_its_relations_as_the_orm_does(db) -> None:
    account = AccountFactory()
    directory = DirectoryFactory(
        account=account, dns_ip_addrs=["10.0.0.1", "10.0.0.2"], applications=["WorkDocs"]
    )
    key = KeyFactory(account=account)
    organization = OrganizationFactory(
        account=account, state=State.VALIDATING, directory=directory, encryption_key=key
    )
    step = Step(lambda resource: None, reads=("directory", "encryption_key", "hosted_zone"))
    expected = Organization.objects.select_related(*step.reads).get(pk=organization.pk)

    with CaptureQueriesContext(connection) as queries:
        read = lifecycle._read(Organization, organization.pk, State.VALIDATING, step)
        assert loaded(read) == loaded(expected)
        assert loaded(read.directory) == loaded(expected.directory)
        assert read.directory.dns_ip_addrs == ["10.0.0.1", "10.0.0.2"]
        assert loaded(read.encryption_key) == loaded(expected.encryption_key)
        assert read.hosted_zone is None
    assert len(queries) == 1  # the relations came with the row
    assert not read._state.adding
    assert lifecycle._read(Organization, organization.pk, State.CREATING, step) is None
