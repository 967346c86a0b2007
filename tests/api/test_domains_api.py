"""The mail domains' API operations through boto3: RegisterMailDomain, GetMailDomain,
ListMailDomains, UpdateDefaultMailDomain and DeregisterMailDomain, on the Domains pages'
services."""

import pytest
from botocore.exceptions import ClientError
from botocore.paginate import Paginator
from django.urls import reverse

from domains.models import MailDomain, VerificationStatus
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import MailDomainFactory, MailUserFactory, active_organization
from tests.html import texts
from users.models import UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def _register(workmail, organization: Organization, name: str = "example.com") -> None:
    workmail.register_mail_domain(OrganizationId=organization.organization_id, DomainName=name)


def _verified(organization: Organization, name: str) -> MailDomain:
    domain = MailDomainFactory(organization=organization, name=name)
    MailDomain.objects.filter(pk=domain.pk).update(ownership_status=VerificationStatus.VERIFIED)
    return domain


def _names(organization: Organization) -> list[str]:
    return list(organization.mail_domains.values_list("name", flat=True))


# --- RegisterMailDomain ---------------------------------------------------------------------


def test_register_adds_the_domain_pending_with_its_records(workmail, organization) -> None:
    answer = workmail.register_mail_domain(
        OrganizationId=organization.organization_id, DomainName="Example.COM"
    )
    assert set(answer) == {"ResponseMetadata"}
    domain = organization.mail_domains.get(name="example.com")
    assert (domain.ownership_status, domain.records.count()) == ("PENDING", 10)


def test_a_domain_registered_by_the_api_is_on_the_consoles_domains_page(
    workmail, admin_client, organization
) -> None:
    _register(workmail, organization)
    args = [organization.region, organization.organization_id]
    page = admin_client.get(reverse("domains:list", args=args)).content.decode()
    assert texts(page, "domain") == [
        "corp.awsapps.com Default Test domain Verified",
        "example.com Pending",
    ]
    records = admin_client.get(reverse("domains:detail", args=[*args, "example.com"]))
    shown = texts(records.content.decode(), "record")
    got = workmail.get_mail_domain(
        OrganizationId=organization.organization_id, DomainName="example.com"
    )
    assert len(shown) == len(got["Records"]) == 10
    for row, record in zip(shown, got["Records"], strict=True):
        assert row.startswith(f"{record['Type']} {record['Hostname']} Copy {record['Value']} Copy")


def test_register_refuses_a_domain_another_organization_in_the_region_uses(
    workmail, admin, organization
) -> None:
    other = active_organization(account=admin.account, alias="other")
    _register(workmail, other)
    with pytest.raises(workmail.exceptions.MailDomainInUseException) as refused:
        _register(workmail, organization)
    assert refused.value.response["Error"]["Message"] == (
        "The domain example.com is already in use by an organization in us-east-1."
    )
    assert _names(organization) == ["corp.awsapps.com"]


def test_register_refuses_the_101st_domain(workmail, organization) -> None:
    for n in range(99):  # with the test domain, 100
        MailDomainFactory(organization=organization, name=f"d{n}.example.com")
    with pytest.raises(workmail.exceptions.LimitExceededException) as refused:
        _register(workmail, organization, "one-more.com")
    assert refused.value.response["Error"]["Message"] == (
        "An organization can have up to 100 domains."
    )
    assert organization.mail_domains.count() == 100


@pytest.mark.parametrize(
    "name",
    [
        "exa_mple.com",  # outside the model's pattern
        "-example.com",  # the pattern's characters, not a domain name
        "example.123",
        "shop.corp.awsapps.com",  # under the test domains' suffix
    ],
)
def test_register_refuses_a_name_that_is_no_domain(workmail, organization, name) -> None:
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        _register(workmail, organization, name)
    assert _names(organization) == ["corp.awsapps.com"]


def test_register_retried_with_its_client_token_makes_one_domain(workmail, organization) -> None:
    call = {
        "OrganizationId": organization.organization_id,
        "DomainName": "example.com",
        "ClientToken": "retry-1",
    }
    workmail.register_mail_domain(**call)
    workmail.register_mail_domain(**call)  # a second register of it would be in use
    assert _names(organization) == ["corp.awsapps.com", "example.com"]


def test_a_client_token_reused_for_another_domain_is_refused(workmail, organization) -> None:
    call = {"OrganizationId": organization.organization_id, "ClientToken": "retry-1"}
    workmail.register_mail_domain(DomainName="example.com", **call)
    with pytest.raises(ClientError) as refused:
        workmail.register_mail_domain(DomainName="example.org", **call)
    assert refused.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert _names(organization) == ["corp.awsapps.com", "example.com"]


def test_ops_can_read_domains_but_not_register_one(ops_workmail, organization) -> None:
    listed = ops_workmail.list_mail_domains(OrganizationId=organization.organization_id)
    assert [d["DomainName"] for d in listed["MailDomains"]] == ["corp.awsapps.com"]
    with pytest.raises(ClientError) as refused:
        _register(ops_workmail, organization)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert _names(organization) == ["corp.awsapps.com"]


# --- GetMailDomain --------------------------------------------------------------------------


def test_get_answers_the_records_and_statuses(workmail, organization) -> None:
    _register(workmail, organization)
    domain = organization.mail_domains.get(name="example.com")
    MailDomain.objects.filter(pk=domain.pk).update(
        ownership_status=VerificationStatus.VERIFIED, dkim_status=VerificationStatus.FAILED
    )
    got = workmail.get_mail_domain(
        OrganizationId=organization.organization_id, DomainName="EXAMPLE.com"
    )
    assert (got["IsTestDomain"], got["IsDefault"]) == (False, False)
    assert (got["OwnershipVerificationStatus"], got["DkimVerificationStatus"]) == (
        "VERIFIED",
        "FAILED",
    )
    assert got["Records"] == [
        {"Type": r.type, "Hostname": r.hostname, "Value": r.value} for r in domain.records.all()
    ]
    assert got["Records"][0] == {
        "Type": "TXT",
        "Hostname": "_amazonses.example.com",
        "Value": domain.ownership_token,
    }
    assert {
        "Type": "MX",
        "Hostname": "example.com",
        "Value": "10 inbound-smtp.us-east-1.amazonaws.com",
    } in got["Records"]


def test_get_the_test_domain_is_the_default_with_no_records(workmail, organization) -> None:
    got = workmail.get_mail_domain(
        OrganizationId=organization.organization_id, DomainName="corp.awsapps.com"
    )
    assert (got["IsTestDomain"], got["IsDefault"], got["Records"]) == (True, True, [])
    assert got["OwnershipVerificationStatus"] == "VERIFIED"


def test_get_an_unknown_domain_is_not_found(workmail, organization) -> None:
    with pytest.raises(workmail.exceptions.MailDomainNotFoundException) as refused:
        workmail.get_mail_domain(OrganizationId=organization.organization_id, DomainName="nope.com")
    assert "nope.com" in refused.value.response["Error"]["Message"]


def test_get_a_domain_of_another_organization_is_not_found(workmail, admin, organization) -> None:
    other = active_organization(account=admin.account, alias="other")
    _register(workmail, other)
    with pytest.raises(workmail.exceptions.MailDomainNotFoundException):
        workmail.get_mail_domain(
            OrganizationId=organization.organization_id, DomainName="example.com"
        )


# --- ListMailDomains ------------------------------------------------------------------------


def test_list_names_every_domain_and_the_default(workmail, organization) -> None:
    _verified(organization, "verified.com")
    _register(workmail, organization, "pending.com")
    workmail.update_default_mail_domain(
        OrganizationId=organization.organization_id, DomainName="verified.com"
    )
    listed = workmail.list_mail_domains(OrganizationId=organization.organization_id)
    assert listed["MailDomains"] == [
        {"DomainName": "corp.awsapps.com", "DefaultDomain": False},
        {"DomainName": "pending.com", "DefaultDomain": False},
        {"DomainName": "verified.com", "DefaultDomain": True},
    ]
    assert "NextToken" not in listed


def _paginator(workmail) -> Paginator:
    """boto3's paginator for ListMailDomains, which botocore ships none for (the operation takes
    NextToken and MaxResults all the same): the CLI's and SDKs' loop, PageSize and all."""
    config = {
        "input_token": "NextToken",
        "output_token": "NextToken",
        "limit_key": "MaxResults",
        "result_key": "MailDomains",
    }
    model = workmail.meta.service_model.operation_model("ListMailDomains")
    return Paginator(workmail.list_mail_domains, config, model)


def test_paging_sees_every_domain_once(workmail, organization) -> None:
    for n in range(6):
        MailDomainFactory(organization=organization, name=f"d{n}.example.com")
    pages = list(
        _paginator(workmail).paginate(
            OrganizationId=organization.organization_id, PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["MailDomains"]) for page in pages] == [2, 2, 2, 1]
    seen = [d["DomainName"] for page in pages for d in page["MailDomains"]]
    assert seen == ["corp.awsapps.com", *(f"d{n}.example.com" for n in range(6))]


def test_a_token_of_another_organization_is_refused(workmail, admin, organization) -> None:
    other = active_organization(account=admin.account, alias="other")
    MailDomainFactory(organization=other, name="example.org")
    MailDomainFactory(organization=organization, name="example.com")
    first = workmail.list_mail_domains(OrganizationId=other.organization_id, MaxResults=1)
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_mail_domains(
            OrganizationId=organization.organization_id, NextToken=first["NextToken"]
        )


def test_list_refuses_more_than_100_a_page(workmail, organization) -> None:
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_mail_domains(OrganizationId=organization.organization_id, MaxResults=101)


# --- UpdateDefaultMailDomain ----------------------------------------------------------------


def test_update_default_makes_a_verified_domain_the_default(workmail, organization) -> None:
    _verified(organization, "example.com")
    workmail.update_default_mail_domain(
        OrganizationId=organization.organization_id, DomainName="example.com"
    )
    organization.refresh_from_db()
    assert organization.default_mail_domain == "example.com"


def test_update_default_refuses_a_pending_domain(workmail, organization) -> None:
    _register(workmail, organization)
    with pytest.raises(workmail.exceptions.MailDomainStateException) as refused:
        workmail.update_default_mail_domain(
            OrganizationId=organization.organization_id, DomainName="example.com"
        )
    assert refused.value.response["Error"]["Message"] == "The domain example.com is not verified."
    organization.refresh_from_db()
    assert organization.default_mail_domain == "corp.awsapps.com"


def test_update_default_to_an_unknown_domain_is_not_found(workmail, organization) -> None:
    with pytest.raises(workmail.exceptions.MailDomainNotFoundException):
        workmail.update_default_mail_domain(
            OrganizationId=organization.organization_id, DomainName="nope.com"
        )
    organization.refresh_from_db()
    assert organization.default_mail_domain == "corp.awsapps.com"


# --- DeregisterMailDomain -------------------------------------------------------------------


def test_deregister_removes_the_domain_and_its_records(workmail, organization) -> None:
    _register(workmail, organization)
    workmail.deregister_mail_domain(
        OrganizationId=organization.organization_id, DomainName="example.com"
    )
    assert _names(organization) == ["corp.awsapps.com"]
    assert not MailDomain.objects.filter(name="example.com").exists()


def test_deregister_of_a_domain_already_gone_succeeds(workmail, organization) -> None:
    workmail.deregister_mail_domain(
        OrganizationId=organization.organization_id, DomainName="gone.com"
    )
    assert _names(organization) == ["corp.awsapps.com"]


def test_deregister_refuses_the_test_domain(workmail, organization) -> None:
    with pytest.raises(workmail.exceptions.MailDomainInUseException) as refused:
        workmail.deregister_mail_domain(
            OrganizationId=organization.organization_id, DomainName="corp.awsapps.com"
        )
    assert "test domain" in refused.value.response["Error"]["Message"]
    assert _names(organization) == ["corp.awsapps.com"]


def test_deregister_refuses_the_default_domain(workmail, organization) -> None:
    _verified(organization, "example.com")
    Organization.objects.filter(pk=organization.pk).update(default_mail_domain="example.com")
    with pytest.raises(workmail.exceptions.MailDomainInUseException) as refused:
        workmail.deregister_mail_domain(
            OrganizationId=organization.organization_id, DomainName="example.com"
        )
    assert "default domain" in refused.value.response["Error"]["Message"]
    assert "example.com" in _names(organization)


def test_deregister_refuses_a_domain_a_users_address_is_on(workmail, organization) -> None:
    _verified(organization, "example.com")
    MailUserFactory(
        directory=organization.directory, state=UserState.ENABLED, email="jane@example.com"
    )
    with pytest.raises(workmail.exceptions.MailDomainInUseException) as refused:
        workmail.deregister_mail_domain(
            OrganizationId=organization.organization_id, DomainName="example.com"
        )
    assert "user's email address" in refused.value.response["Error"]["Message"]
    assert "example.com" in _names(organization)


# --- The organization -----------------------------------------------------------------------

CALLS = {
    "register_mail_domain": {"DomainName": "new.com"},
    "get_mail_domain": {"DomainName": "example.com"},
    "list_mail_domains": {},
    "update_default_mail_domain": {"DomainName": "example.com"},
    "deregister_mail_domain": {"DomainName": "example.com"},
}


@pytest.mark.parametrize("method", CALLS)
def test_an_organization_not_active_refuses_every_operation(workmail, organization, method):
    _verified(organization, "example.com")
    Organization.objects.filter(pk=organization.pk).update(state=State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        getattr(workmail, method)(OrganizationId=organization.organization_id, **CALLS[method])
    assert _names(organization) == ["corp.awsapps.com", "example.com"]


@pytest.mark.parametrize("method", CALLS)
def test_another_accounts_organization_is_not_found(stranger_workmail, organization, method):
    _verified(organization, "example.com")
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        getattr(stranger_workmail, method)(
            OrganizationId=organization.organization_id, **CALLS[method]
        )
    assert _names(organization) == ["corp.awsapps.com", "example.com"]


def test_an_organization_of_another_region_is_not_found(make_client, admin, organization):
    west = make_client(admin, region="us-west-2")
    with pytest.raises(west.exceptions.OrganizationNotFoundException):
        west.list_mail_domains(OrganizationId=organization.organization_id)
