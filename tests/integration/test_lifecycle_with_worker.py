"""The lifecycle driven by a real `celery worker` process on the real broker and database."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from directories.lifecycle import Stage
from organizations import services
from organizations.models import Organization
from tests.factories import OrganizationFactory
from tests.waiting import wait_for
from workmail_console.tasks import advance

pytestmark = pytest.mark.django_db(transaction=True)

CREATED = [
    ("", "Requested"),
    ("Requested", "Creating"),
    ("Creating", "Validating"),
    ("Validating", "Active"),
]


def reaches(organization: Organization, state: str, timeout: float = 20) -> Organization:
    def probe() -> Organization | None:
        fresh = Organization.objects.select_related("directory", "encryption_key").get(
            pk=organization.pk
        )
        return fresh if fresh.state == state else None

    probe.__doc__ = f"{organization.alias} to reach {state}"
    return wait_for(probe, timeout=timeout)


def transitions(organization: Organization) -> list[tuple[str, str]]:
    return list(organization.events.order_by("at", "pk").values_list("from_state", "to_state"))


def test_a_created_organization_goes_to_active_with_its_events_in_order(celery_worker, admin):
    organization = services.create_organization(
        account=admin.account, region="us-west-2", alias="acme"
    )
    active = reaches(organization, "Active")
    assert transitions(active) == CREATED
    assert re.fullmatch(r"d-[0-9a-f]{10}", active.directory.directory_id)
    assert active.directory.region == "us-west-2"
    assert active.encryption_key.arn.startswith(
        f"arn:aws:kms:us-west-2:{admin.account.account_id}:key/"
    )
    assert active.default_mail_domain == "acme.awsapps.com"
    assert active.completed_date is not None
    assert active.error_message == ""


def test_a_message_delivered_twice_makes_one_transition_each(celery_worker, admin):
    organization = OrganizationFactory(account=admin.account)  # written, no message sent
    for _ in range(2):
        advance.delay("organization", organization.pk, "Requested")
    reaches(organization, "Active")
    assert transitions(organization) == CREATED


def test_a_message_for_a_state_already_left_changes_nothing(celery_worker, admin):
    organization = services.create_organization(
        account=admin.account, region="us-east-1", alias="late"
    )
    reaches(organization, "Active")
    advance.delay("organization", organization.pk, "Validating")
    advance.delay("organization", organization.pk, "Requested")
    # A marker message sent after them: once it is done, so are they (one queue, in order).
    marker = OrganizationFactory(account=admin.account)
    advance.delay("organization", marker.pk, "Requested")
    reaches(marker, "Active")
    assert transitions(organization) == CREATED


def test_an_organization_whose_message_was_dropped_is_picked_up_by_the_sweep(
    celery_worker, celery_beat, admin
):
    lost = OrganizationFactory(
        account=admin.account, state_changed_at=timezone.now() - timedelta(seconds=30)
    )
    reaches(lost, "Active", timeout=30)
    assert transitions(lost) == CREATED


def test_delete_reaches_deleted_and_frees_the_alias(celery_worker, admin):
    first = services.create_organization(account=admin.account, region="us-east-1", alias="acme")
    first = reaches(first, "Active")
    services.delete_organization(
        account=admin.account,
        region="us-east-1",
        organization_id=first.pk,
        delete_directory=True,
    )
    deleted = reaches(first, "Deleted")
    assert transitions(deleted)[-2:] == [("Active", "Deleting"), ("Deleting", "Deleted")]
    # The directory goes through its own lifecycle: Deleting, then Deleted by a worker.
    directory = deleted.directory
    wait_for(lambda: directory.refresh_from_db() or directory.stage == Stage.DELETED)

    second = services.create_organization(account=admin.account, region="eu-west-1", alias="ACME")
    reaches(second, "Active")
    assert Organization.objects.filter(alias__iexact="acme").count() == 2


def test_delete_can_keep_the_user_directory(celery_worker, admin):
    organization = services.create_organization(
        account=admin.account, region="us-east-1", alias="keeper"
    )
    reaches(organization, "Active")
    services.delete_organization(
        account=admin.account,
        region="us-east-1",
        organization_id=organization.pk,
        delete_directory=False,
    )
    assert reaches(organization, "Deleted").directory.stage == Stage.ACTIVE
