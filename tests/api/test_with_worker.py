"""boto3 over HTTP against the live server, with a real Celery worker moving the states: the
organization's whole life as a developer's script (or Terraform) lives it."""

import time
from typing import Any

import pytest

from tests.factories import USER_PASSWORD
from users.models import Group, Resource
from users.models import User as MailUser

pytestmark = pytest.mark.django_db(transaction=True)


def described_twice_in_a_row(client: Any, organization_id: str, state: str, timeout: float = 30):
    """Poll DescribeOrganization until two reads in a row say `state`, as Terraform's waiter
    does (its "continuous target occurrence" of 2); every state seen on the way."""
    seen: list[str] = []
    streak, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = client.describe_organization(OrganizationId=organization_id)["State"]
        if not seen or seen[-1] != current:
            seen.append(current)
        streak = streak + 1 if current == state else 0
        if streak == 2:
            return seen
        time.sleep(0.1)
    pytest.fail(f"{organization_id} never read {state} twice in a row; seen {seen}")


def test_an_organizations_life_through_boto3(celery_worker, live_workmail, admin) -> None:
    workmail = live_workmail
    organization_id = workmail.create_organization(Alias="lifecycle")["OrganizationId"]
    seen = described_twice_in_a_row(workmail, organization_id, "Active")
    assert seen[0] in ("Requested", "Creating", "Validating")
    assert seen[-1] == "Active"
    described = workmail.describe_organization(OrganizationId=organization_id)
    assert described["DefaultMailDomain"] == "lifecycle.awsapps.com"
    assert described["DirectoryId"].startswith("d-")
    assert described["CompletedDate"] is not None

    # A domain of one's own: its records, to publish in DNS.
    workmail.register_mail_domain(OrganizationId=organization_id, DomainName="mail.example.com")
    domain = workmail.get_mail_domain(OrganizationId=organization_id, DomainName="mail.example.com")
    assert domain["OwnershipVerificationStatus"] == "PENDING"
    assert {"TXT", "MX", "CNAME"} <= {record["Type"] for record in domain["Records"]}
    assert any(r["Hostname"] == "_amazonses.mail.example.com" for r in domain["Records"])

    # A user with a mailbox on the verified test domain, a group, a room with a delegate.
    user_id = workmail.create_user(
        OrganizationId=organization_id, Name="jdoe", DisplayName="Jane Doe", Password=USER_PASSWORD
    )["UserId"]
    workmail.register_to_work_mail(
        OrganizationId=organization_id, EntityId=user_id, Email="jdoe@lifecycle.awsapps.com"
    )
    group_id = workmail.create_group(OrganizationId=organization_id, Name="sales")["GroupId"]
    workmail.register_to_work_mail(
        OrganizationId=organization_id, EntityId=group_id, Email="sales@lifecycle.awsapps.com"
    )
    workmail.associate_member_to_group(
        OrganizationId=organization_id, GroupId=group_id, MemberId=user_id
    )
    resource_id = workmail.create_resource(
        OrganizationId=organization_id, Name="boardroom", Type="ROOM"
    )["ResourceId"]
    workmail.register_to_work_mail(
        OrganizationId=organization_id,
        EntityId=resource_id,
        Email="boardroom@lifecycle.awsapps.com",
    )
    workmail.associate_delegate_to_resource(
        OrganizationId=organization_id, ResourceId=resource_id, EntityId=user_id
    )
    assert workmail.describe_user(OrganizationId=organization_id, UserId=user_id)["State"] == (
        "ENABLED"
    )
    members = workmail.list_group_members(OrganizationId=organization_id, GroupId=group_id)
    assert [m["Id"] for m in members["Members"]] == [user_id]
    delegates = workmail.list_resource_delegates(
        OrganizationId=organization_id, ResourceId=resource_id
    )
    assert [d["Id"] for d in delegates["Delegates"]] == [user_id]
    assert MailUser.objects.get(pk=user_id).email == "jdoe@lifecycle.awsapps.com"
    assert Group.objects.get(pk=group_id).state == "ENABLED"
    assert Resource.objects.get(pk=resource_id).state == "ENABLED"

    # boto3's own paginators, one row a page.
    for n in range(3):
        workmail.create_user(
            OrganizationId=organization_id,
            Name=f"extra{n}",
            DisplayName=f"Extra {n}",
            Password=USER_PASSWORD,
        )
    pages = list(
        workmail.get_paginator("list_users").paginate(
            OrganizationId=organization_id, PaginationConfig={"PageSize": 1}
        )
    )
    names = [user["Name"] for page in pages for user in page["Users"]]
    assert len(pages) == 4 and sorted(names) == ["extra0", "extra1", "extra2", "jdoe"]
    organizations = [
        summary["OrganizationId"]
        for page in workmail.get_paginator("list_organizations").paginate(
            PaginationConfig={"PageSize": 1}
        )
        for summary in page["OrganizationSummaries"]
    ]
    assert organizations == [organization_id]

    # Deleting, then Deleted, and the organization still described (read-only) afterwards.
    deleting = workmail.delete_organization(
        OrganizationId=organization_id, DeleteDirectory=True, ForceDelete=True
    )
    assert deleting["State"] == "Deleting"
    seen = described_twice_in_a_row(workmail, organization_id, "Deleted")
    assert seen[-1] == "Deleted"
    summaries = workmail.list_organizations()["OrganizationSummaries"]
    assert [(s["OrganizationId"], s["State"]) for s in summaries] == [(organization_id, "Deleted")]
