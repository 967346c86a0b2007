"""An entity's whole life through the API as Terraform's aws_workmail_user drives it, and the
console and the API seeing one user: what one does, the other shows."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import Organization
from tests.factories import active_organization
from tests.html import key_values, text
from workmail_console.models import Membership

PASSWORD = "Str0ng-Passw0rd"
READS = 10  # Terraform polls until the state it waits for; here a change is there at once


@pytest.fixture
def organization(admin: Membership) -> Organization:
    return active_organization(account=admin.account)


def wait_for(read: Callable[[], str], *states: str) -> list[str]:
    """Read the state until it is one of `states`, as Terraform's waiters do; what was read."""
    seen = []
    for _ in range(READS):
        seen.append(read())
        if seen[-1] in states:
            return seen
    pytest.fail(f"never {' or '.join(states)}: read {seen}")


def user_state_or_gone(workmail: Any, organization_id: str, user_id: str) -> str:
    try:
        return workmail.describe_user(OrganizationId=organization_id, UserId=user_id)["State"]
    except workmail.exceptions.EntityNotFoundException:
        return "GONE"


def terraform_user_lifecycle(workmail: Any, organization: Organization) -> None:
    """Create, Register, wait for ENABLED, Update, Deregister, wait for DISABLED, Delete, wait
    for DELETED (or not found): each read sees the state its write made, nothing between."""
    organization_id = organization.organization_id
    email = f"jane@{organization.test_domain}"

    def state() -> str:
        return user_state_or_gone(workmail, organization_id, user_id)

    user_id = workmail.create_user(
        OrganizationId=organization_id, Name="jane", DisplayName="Jane", Password=PASSWORD
    )["UserId"]
    assert state() == "DISABLED"
    workmail.register_to_work_mail(OrganizationId=organization_id, EntityId=user_id, Email=email)
    assert wait_for(state, "ENABLED") == ["ENABLED"]
    workmail.update_user(
        OrganizationId=organization_id, UserId=user_id, DisplayName="Jane Doe", City="Paris"
    )
    described = workmail.describe_user(OrganizationId=organization_id, UserId=user_id)
    assert (described["DisplayName"], described["City"], described["Email"]) == (
        "Jane Doe", "Paris", email,
    )  # fmt: skip
    workmail.deregister_from_work_mail(OrganizationId=organization_id, EntityId=user_id)
    assert wait_for(state, "DISABLED") == ["DISABLED"]
    workmail.delete_user(OrganizationId=organization_id, UserId=user_id)
    assert wait_for(state, "DELETED", "GONE") == ["DELETED"]


@pytest.mark.django_db
def test_terraforms_user_lifecycle_in_process(workmail, organization):
    terraform_user_lifecycle(workmail, organization)


@pytest.mark.django_db(transaction=True)
def test_terraforms_user_lifecycle_over_http(live_workmail, organization):
    terraform_user_lifecycle(live_workmail, organization)


@pytest.mark.django_db
def test_a_group_lives_the_same_way_through_register_and_deregister(workmail, organization):
    organization_id = organization.organization_id

    def state() -> str:
        return workmail.describe_group(OrganizationId=organization_id, GroupId=group_id)["State"]

    group_id = workmail.create_group(OrganizationId=organization_id, Name="sales")["GroupId"]
    assert state() == "DISABLED"
    workmail.register_to_work_mail(
        OrganizationId=organization_id, EntityId=group_id,
        Email=f"sales@{organization.test_domain}",
    )  # fmt: skip
    assert wait_for(state, "ENABLED") == ["ENABLED"]
    workmail.deregister_from_work_mail(OrganizationId=organization_id, EntityId="sales")
    assert wait_for(state, "DISABLED") == ["DISABLED"]
    workmail.delete_group(OrganizationId=organization_id, GroupId=group_id)
    assert wait_for(state, "DELETED") == ["DELETED"]


# --- The console and the API: one set of users -----------------------------------------------


def users_url(name: str, organization: Organization, *user_id: str) -> str:
    return reverse(
        f"users:{name}", args=[organization.region, organization.organization_id, *user_id]
    )


def listed(client: Client, organization: Organization) -> str:
    return text(client.get(users_url("list", organization)).content.decode(), "user")


@pytest.mark.django_db
def test_a_user_created_through_the_api_is_on_the_users_page_with_its_state(
    workmail, admin_client, organization
):
    user_id = workmail.create_user(
        OrganizationId=organization.organization_id, Name="jane", DisplayName="Jane Doe",
        Password=PASSWORD,
    )["UserId"]  # fmt: skip
    assert listed(admin_client, organization) == "jane Jane Doe - Disabled User"
    email = f"jane@{organization.test_domain}"
    workmail.register_to_work_mail(
        OrganizationId=organization.organization_id, EntityId=user_id, Email=email
    )
    assert listed(admin_client, organization) == f"jane Jane Doe {email} Enabled User"
    page = admin_client.get(users_url("detail", organization, user_id)).content.decode()
    assert key_values(page)["State"] == "Enabled"


@pytest.mark.django_db
def test_a_user_disabled_on_the_console_reads_disabled_through_the_api(
    workmail, admin_client, organization
):
    organization_id = organization.organization_id
    user_id = workmail.create_user(
        OrganizationId=organization_id, Name="jane", DisplayName="Jane", Password=PASSWORD
    )["UserId"]
    workmail.register_to_work_mail(
        OrganizationId=organization_id, EntityId=user_id,
        Email=f"jane@{organization.test_domain}",
    )  # fmt: skip
    response = admin_client.post(users_url("disable", organization, user_id))
    assert response.status_code == 302
    described = workmail.describe_user(OrganizationId=organization_id, UserId=user_id)
    assert described["State"] == "DISABLED" and "DisabledDate" in described
    listed_users = workmail.list_users(
        OrganizationId=organization_id, Filters={"State": "DISABLED"}
    )["Users"]
    assert [user["Id"] for user in listed_users] == [user_id]
