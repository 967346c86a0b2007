"""Impaired and back through a real worker and beat: the health sweep notices a disabled key or
an inoperable directory under an Active organization, and the fix."""

import pytest

from directories import services as directory_services
from directories.lifecycle import Stage as DirectoryStage
from keys import services as key_services
from keys.models import KeyState
from organizations import services
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import KeyFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def reaches(organization: Organization, state: State, timeout: float = 20) -> Organization:
    def probe() -> Organization | None:
        fresh = Organization.objects.select_related("directory", "encryption_key").get(
            pk=organization.pk
        )
        return fresh if fresh.state == state else None

    probe.__doc__ = f"{organization.alias} to reach {state}"
    return wait_for(probe, timeout=timeout)


def later_events(organization: Organization) -> list[tuple[str, str]]:
    return list(organization.events.order_by("at", "pk").values_list("from_state", "to_state"))[4:]


def test_a_disabled_key_impairs_the_organization_until_it_is_enabled(
    celery_worker, celery_beat, admin
) -> None:
    organization = reaches(
        services.create_organization(account=admin.account, region="us-east-1", alias="keyed"),
        State.ACTIVE,
    )
    key = organization.encryption_key
    key.key_state = KeyState.DISABLED
    key.save(update_fields=["key_state"])
    impaired = reaches(organization, State.IMPAIRED, timeout=10)
    assert impaired.error_message == f"The KMS key {key.arn} is disabled."
    key.key_state = KeyState.ENABLED
    key.save(update_fields=["key_state"])
    assert reaches(organization, State.ACTIVE, timeout=10).error_message == ""
    assert later_events(organization) == [("Active", "Impaired"), ("Impaired", "Active")]


def test_an_inoperable_directory_impairs_the_organization_until_it_recovers(
    celery_worker, celery_beat, admin
) -> None:
    organization = reaches(
        services.create_organization(account=admin.account, region="eu-west-1", alias="dirred"),
        State.ACTIVE,
    )
    directory = organization.directory
    directory.stage = DirectoryStage.INOPERABLE
    directory.save(update_fields=["stage"])
    impaired = reaches(organization, State.IMPAIRED, timeout=10)
    assert directory.directory_id in impaired.error_message
    directory.stage = DirectoryStage.ACTIVE
    directory.save(update_fields=["stage"])
    reaches(organization, State.ACTIVE, timeout=10)
    assert later_events(organization) == [("Active", "Impaired"), ("Impaired", "Active")]


def test_disabling_a_key_impairs_at_once_without_waiting_for_the_sweep(celery_worker, admin):
    """No beat here: the key's change itself sends the check."""
    organization = reaches(
        services.create_organization(account=admin.account, region="us-west-2", alias="quick"),
        State.ACTIVE,
    )
    key = KeyFactory(account=admin.account, region="us-west-2")
    Organization.objects.filter(pk=organization.pk).update(encryption_key=key)
    key_services.disable_key(key)
    impaired = reaches(organization, State.IMPAIRED, timeout=5)
    assert impaired.error_message == f"The KMS key {key.arn} is disabled."
    key_services.enable_key(key)
    reaches(organization, State.ACTIVE, timeout=5)


def test_a_directory_outage_impairs_at_once_and_recover_restores(celery_worker, admin) -> None:
    """No beat here either: Simulate outage and Recover send the check themselves."""
    organization = reaches(
        services.create_organization(account=admin.account, region="us-east-1", alias="outage"),
        State.ACTIVE,
    )
    where = {"account": admin.account, "region": "us-east-1"}
    directory_id = organization.directory.directory_id
    directory_services.simulate_outage(**where, directory_id=directory_id)
    impaired = reaches(organization, State.IMPAIRED, timeout=5)
    assert directory_id in impaired.error_message
    directory_services.recover(**where, directory_id=directory_id)
    assert reaches(organization, State.ACTIVE, timeout=5).error_message == ""
