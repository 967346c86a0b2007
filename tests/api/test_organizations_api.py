"""CreateOrganization, DescribeOrganization, ListOrganizations and DeleteOrganization through a
real boto3 client: the organization the console shows, with the modeled errors."""

import pytest
from botocore.exceptions import ClientError
from django.urls import reverse

from organizations.models import DomainChoice, Organization
from tests.api.clients import client_for
from tests.factories import DirectoryFactory, MailUserFactory, active_organization
from users.models import UserState


def test_create_then_describe(workmail, admin):
    created = workmail.create_organization(Alias="apicorp")
    organization = Organization.objects.get(pk=created["OrganizationId"])
    assert (organization.account, organization.region) == (admin.account, "us-east-1")
    described = workmail.describe_organization(OrganizationId=created["OrganizationId"])
    assert described["Alias"] == "apicorp"
    assert described["State"] == "Requested"
    assert described["ARN"] == (
        f"arn:aws:workmail:us-east-1:{admin.account.pk}:organization/{organization.pk}"
    )
    assert described["InteroperabilityEnabled"] is False
    assert "CompletedDate" not in described


def test_describe_gives_what_the_details_page_shows(workmail, admin):
    organization = active_organization(account=admin.account, error_message="")
    described = workmail.describe_organization(OrganizationId=organization.organization_id)
    assert described["State"] == "Active"
    assert described["DefaultMailDomain"] == organization.default_mail_domain
    assert described["DirectoryId"] == organization.directory.directory_id
    assert described["DirectoryType"] == organization.directory.directory_type
    assert described["CompletedDate"].timestamp() == pytest.approx(
        organization.completed_date.timestamp(), abs=0.001
    )


def test_a_taken_alias_is_name_availability(workmail, admin, stranger):
    active_organization(account=stranger.account, alias="taken")
    with pytest.raises(workmail.exceptions.NameAvailabilityException):
        workmail.create_organization(Alias="TAKEN")
    assert not admin.account.organizations.exists()


def test_create_refuses_what_the_console_refuses(workmail, admin):
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.create_organization(Alias="interop", EnableInteroperability=True)
    assert "AD Connector" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.create_organization(
            Alias="twodomains",
            Domains=[{"DomainName": "a.example.com"}, {"DomainName": "b.example.com"}],
        )
    assert not admin.account.organizations.exists()


def test_the_quota_is_limit_exceeded(workmail, admin, settings):
    settings.WORKMAIL_ORGANIZATIONS_PER_REGION = 1
    workmail.create_organization(Alias="first")
    with pytest.raises(workmail.exceptions.LimitExceededException):
        workmail.create_organization(Alias="second")


def test_a_directory_in_use_is_refused(workmail, admin):
    organization = active_organization(account=admin.account, alias="usesdir")
    with pytest.raises(workmail.exceptions.DirectoryInUseException):
        workmail.create_organization(
            Alias="usesdir", DirectoryId=organization.directory.directory_id
        )


def test_an_external_domain_is_the_requested_domain(workmail, admin):
    created = workmail.create_organization(
        Alias="withdomain", Domains=[{"DomainName": "mail.example.org"}]
    )
    organization = Organization.objects.get(pk=created["OrganizationId"])
    assert (organization.domain_choice, organization.requested_domain) == (
        DomainChoice.EXTERNAL,
        "mail.example.org",
    )


def test_the_same_client_token_makes_one_organization(workmail, admin):
    first = workmail.create_organization(Alias="once", ClientToken="token-1")
    again = workmail.create_organization(Alias="once", ClientToken="token-1")
    assert again["OrganizationId"] == first["OrganizationId"]
    assert admin.account.organizations.count() == 1
    with pytest.raises(ClientError, match="IdempotentParameterMismatchException"):
        workmail.create_organization(Alias="other", ClientToken="token-1")
    assert admin.account.organizations.count() == 1


def test_the_console_and_the_api_share_client_tokens(workmail, admin, admin_client):
    form = {
        "email_domain": "test",
        "alias": "shared",
        "directory_choice": "create",
        "encryption_choice": "managed",
        "client_token": "console-token",
    }
    admin_client.post(reverse("organizations:create", kwargs={"region": "us-east-1"}), form)
    organization = admin.account.organizations.get()
    answer = workmail.create_organization(Alias="shared", ClientToken="console-token")
    assert answer["OrganizationId"] == organization.organization_id
    with pytest.raises(ClientError, match="IdempotentParameterMismatchException"):
        workmail.create_organization(Alias="notshared", ClientToken="console-token")
    assert admin.account.organizations.count() == 1


def test_another_accounts_or_regions_organization_is_not_found(workmail, admin, stranger):
    theirs = active_organization(account=stranger.account)
    west = active_organization(account=admin.account, region="us-west-2")
    for organization in (theirs, west):
        with pytest.raises(workmail.exceptions.OrganizationNotFoundException):
            workmail.describe_organization(OrganizationId=organization.organization_id)
        with pytest.raises(workmail.exceptions.OrganizationNotFoundException):
            workmail.delete_organization(
                OrganizationId=organization.organization_id, DeleteDirectory=True
            )
    assert {theirs.state, west.state} == {"Active"}
    theirs.refresh_from_db()
    assert theirs.state == "Active"


def test_list_pages_through_every_organization_once(workmail, admin):
    made = {active_organization(account=admin.account).organization_id for _ in range(5)}
    deleted = active_organization(account=admin.account, state="Deleted")
    pages = list(
        workmail.get_paginator("list_organizations").paginate(PaginationConfig={"PageSize": 2})
    )
    assert [len(page["OrganizationSummaries"]) for page in pages] == [2, 2, 2]
    seen = [s["OrganizationId"] for page in pages for s in page["OrganizationSummaries"]]
    assert sorted(seen) == sorted(made | {deleted.organization_id})
    states = {
        s["OrganizationId"]: s["State"] for page in pages for s in page["OrganizationSummaries"]
    }
    assert states[deleted.organization_id] == "Deleted"


def test_a_tampered_next_token_is_refused(workmail, admin):
    for _ in range(3):
        active_organization(account=admin.account)
    token = workmail.list_organizations(MaxResults=1)["NextToken"]
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_organizations(
            NextToken=token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        )


def test_a_next_token_is_bound_to_the_account(workmail, admin, stranger):
    for _ in range(3):
        active_organization(account=admin.account)
    token = workmail.list_organizations(MaxResults=1)["NextToken"]
    theirs = client_for(stranger)
    with pytest.raises(theirs.exceptions.InvalidParameterException):
        theirs.list_organizations(NextToken=token)


def test_delete_starts_deleting_and_says_so(workmail, admin):
    organization = active_organization(account=admin.account)
    answer = workmail.delete_organization(
        OrganizationId=organization.organization_id, DeleteDirectory=True
    )
    assert (answer["OrganizationId"], answer["State"]) == (organization.pk, "Deleting")
    organization.refresh_from_db()
    assert (organization.state, organization.delete_directory) == ("Deleting", True)
    again = workmail.delete_organization(
        OrganizationId=organization.organization_id, DeleteDirectory=True
    )
    assert again["State"] == "Deleting"


def test_delete_with_enabled_users_needs_force_delete(workmail, admin):
    organization = active_organization(account=admin.account)
    MailUserFactory(
        directory=organization.directory,
        state=UserState.ENABLED,
        email=f"someone@{organization.default_mail_domain}",
    )
    with pytest.raises(workmail.exceptions.OrganizationStateException) as excinfo:
        workmail.delete_organization(
            OrganizationId=organization.organization_id, DeleteDirectory=False
        )
    assert "ForceDelete" in excinfo.value.response["Error"]["Message"]
    organization.refresh_from_db()
    assert organization.state == "Active"
    answer = workmail.delete_organization(
        OrganizationId=organization.organization_id, DeleteDirectory=False, ForceDelete=True
    )
    assert answer["State"] == "Deleting"


def test_an_organization_being_created_cannot_be_deleted(workmail, admin):
    created = workmail.create_organization(Alias="young")
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        workmail.delete_organization(
            OrganizationId=created["OrganizationId"], DeleteDirectory=False
        )


def test_a_deletion_on_the_console_is_what_describe_reports(workmail, admin, admin_client):
    organization = active_organization(account=admin.account, alias="consoledel")
    admin_client.post(organization.delete_url, {"directory": "keep", "confirmation": "consoledel"})
    described = workmail.describe_organization(OrganizationId=organization.organization_id)
    assert described["State"] == "Deleting"


def test_an_organization_made_by_the_api_is_on_the_console(workmail, admin, admin_client):
    created = workmail.create_organization(Alias="onconsole")
    page = admin_client.get(reverse("organizations:list", kwargs={"region": "us-east-1"}))
    assert "onconsole" in page.content.decode()
    details = admin_client.get(
        reverse(
            "organizations:detail",
            kwargs={"region": "us-east-1", "organization_id": created["OrganizationId"]},
        )
    )
    assert created["OrganizationId"] in details.content.decode()


def test_an_existing_directory_is_attached(workmail, admin):
    directory = DirectoryFactory(account=admin.account, region="us-east-1", alias="ondir")
    created = workmail.create_organization(Alias="ondir", DirectoryId=directory.directory_id)
    organization = Organization.objects.get(pk=created["OrganizationId"])
    assert organization.directory == directory


def test_describe_reads_its_key_and_its_organization_in_one_statement(
    workmail, admin, django_assert_num_queries
):
    organization = active_organization(account=admin.account)
    workmail.describe_organization(OrganizationId=organization.organization_id)  # notes the use
    with django_assert_num_queries(1):
        described = workmail.describe_organization(OrganizationId=organization.organization_id)
    assert described["DirectoryId"] == organization.directory.directory_id
    assert described["DirectoryType"] == organization.directory.directory_type
