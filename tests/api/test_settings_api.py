"""The API's organization settings through boto3: the retention policy (PutRetentionPolicy,
GetDefaultRetentionPolicy, DeleteRetentionPolicy), tags on the organization's ARN (TagResource,
UntagResource, ListTagsForResource) and availability configurations
(CreateAvailabilityConfiguration, ListAvailabilityConfigurations,
DeleteAvailabilityConfiguration), on the services the Retention policy, Tags and
Interoperability pages use."""

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from django.urls import reverse

from organizations import settings_services as settings
from organizations.lifecycle import State
from organizations.models import (
    AvailabilityConfiguration,
    Organization,
    OrganizationTag,
    ProviderType,
    RetentionPolicy,
)
from tests.factories import active_organization
from tests.html import text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization: Organization) -> str:
    return reverse(f"organizations:{name}", args=[organization.region, organization.pk])


def in_state(organization: Organization, state: State) -> None:
    Organization.objects.filter(pk=organization.pk).update(state=state)


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def message(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Message"]


def bare(answer: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in answer.items() if name != "ResponseMetadata"}


# --- Retention policy -------------------------------------------------------------------------

FOLDERS = [
    {"Name": "INBOX", "Action": "DELETE", "Period": 30},
    {"Name": "JUNK_EMAIL", "Action": "PERMANENTLY_DELETE", "Period": 7},
    {"Name": "DRAFTS", "Action": "NONE"},
]


def put_policy(workmail, organization: Organization, **members: Any) -> dict:
    members = {"Name": "corp-policy", "FolderConfigurations": FOLDERS, **members}
    return workmail.put_retention_policy(OrganizationId=organization.pk, **members)


def get_policy(workmail, organization: Organization) -> dict:
    return bare(workmail.get_default_retention_policy(OrganizationId=organization.pk))


def test_a_policy_put_is_the_one_got(workmail, organization):
    assert bare(put_policy(workmail, organization, Id="keep-mail", Description="Mail rules")) == {}
    assert get_policy(workmail, organization) == {
        "Id": "keep-mail", "Name": "corp-policy", "Description": "Mail rules",
        "FolderConfigurations": FOLDERS,
    }  # fmt: skip


def test_a_policy_put_by_the_api_is_what_the_console_shows(workmail, admin_client, organization):
    put_policy(workmail, organization, Id="keep-mail")
    page = admin_client.get(url("retention-policy", organization)).content.decode()
    assert texts(page, "folder") == [
        "Inbox Delete 30", "Deleted items None -", "Sent items None -", "Drafts None -",
        "Junk email Permanently delete 7",
    ]  # fmt: skip
    assert text(page, "policy-id") == "keep-mail"


def test_a_policy_saved_on_the_console_is_got(workmail, admin_client, organization):
    admin_client.post(
        url("edit-retention-policy", organization),
        {"sent_items_action": "DELETE", "sent_items_period": "90"},
    )
    got = get_policy(workmail, organization)
    assert got["Name"] == "default" and "Description" not in got
    assert {"Name": "SENT_ITEMS", "Action": "DELETE", "Period": 90} in got["FolderConfigurations"]


def test_putting_again_replaces_the_folders_and_keeps_the_id(workmail, organization):
    put_policy(workmail, organization)
    policy_id = get_policy(workmail, organization)["Id"]
    put_policy(workmail, organization, FolderConfigurations=[FOLDERS[1]])
    assert get_policy(workmail, organization) == {
        "Id": policy_id, "Name": "corp-policy", "FolderConfigurations": [FOLDERS[1]],
    }  # fmt: skip


def test_an_organization_has_one_policy(workmail, organization):
    put_policy(workmail, organization, Id="first")
    with pytest.raises(workmail.exceptions.LimitExceededException) as excinfo:
        put_policy(workmail, organization, Id="second")
    assert "already has a retention policy (first)" in message(excinfo)


def test_without_a_policy_there_is_none_to_get(workmail, organization):
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        get_policy(workmail, organization)


@pytest.mark.parametrize(
    ("folders", "words"),
    [
        ([{"Name": "INBOX", "Action": "DELETE"}], "number of days"),
        ([{"Name": "INBOX", "Action": "DELETE", "Period": 731}], "730"),
        ([{"Name": "INBOX", "Action": "NONE"}, {"Name": "INBOX", "Action": "NONE"}], "only once"),
        ([{"Name": "OUTBOX", "Action": "NONE"}], "INBOX"),
    ],
)
def test_a_folder_outside_the_rules_is_refused(workmail, organization, folders, words):
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        put_policy(workmail, organization, FolderConfigurations=folders)
    assert words in message(excinfo)
    assert not RetentionPolicy.objects.exists()


def test_delete_retention_policy_deletes_it_and_a_gone_one_is_no_error(workmail, organization):
    put_policy(workmail, organization, Id="keep-mail")
    for _ in range(2):
        workmail.delete_retention_policy(OrganizationId=organization.pk, Id="keep-mail")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        get_policy(workmail, organization)


def test_the_retention_policy_needs_an_active_organization_of_the_caller(
    workmail, stranger_workmail, organization
):
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        put_policy(stranger_workmail, organization)
    in_state(organization, State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        put_policy(workmail, organization)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        get_policy(workmail, organization)


def test_an_ops_key_gets_the_policy_but_puts_none(ops_workmail, organization):
    settings.put_retention_policy(organization=organization, name="p", folder_configurations=[])
    assert get_policy(ops_workmail, organization)["Name"] == "p"
    with pytest.raises(ClientError) as excinfo:
        put_policy(ops_workmail, organization)
    assert code(excinfo) == "AccessDeniedException"


# --- Tags -------------------------------------------------------------------------------------


def tags(workmail, arn: str) -> dict[str, str]:
    listed = workmail.list_tags_for_resource(ResourceARN=arn)["Tags"]
    return {tag["Key"]: tag["Value"] for tag in listed}


def tag(workmail, arn: str, **pairs: str) -> dict:
    return workmail.tag_resource(
        ResourceARN=arn, Tags=[{"Key": key, "Value": value} for key, value in pairs.items()]
    )


def test_tags_put_are_listed_and_a_known_key_takes_the_new_value(workmail, organization):
    assert bare(tag(workmail, organization.arn, env="dev", team="mail")) == {}
    tag(workmail, organization.arn, env="prod")
    assert tags(workmail, organization.arn) == {"env": "prod", "team": "mail"}


def test_a_tag_set_on_the_console_is_listed(workmail, admin_client, organization):
    admin_client.post(
        url("manage-tags", organization),
        {"tags-TOTAL_FORMS": "1", "tags-INITIAL_FORMS": "0", "tags-0-key": "owner",
         "tags-0-value": "it", "tags-0-original_key": ""},
    )  # fmt: skip
    assert tags(workmail, organization.arn) == {"owner": "it"}


def test_a_tag_set_by_the_api_is_on_the_tags_page(workmail, admin_client, organization):
    tag(workmail, organization.arn, cost_center="42")
    page = admin_client.get(url("tags", organization)).content.decode()
    assert text(page, "tag-count") == "(1)" and "cost_center" in page


def test_untag_resource_removes_the_keys_named_and_ignores_unknown_ones(workmail, organization):
    tag(workmail, organization.arn, env="dev", team="mail")
    workmail.untag_resource(ResourceARN=organization.arn, TagKeys=["env", "unknown"])
    assert tags(workmail, organization.arn) == {"team": "mail"}


def test_an_organization_has_at_most_fifty_tags(workmail, organization):
    tag(workmail, organization.arn, **{f"k{n:02}": "" for n in range(45)})
    with pytest.raises(workmail.exceptions.TooManyTagsException) as excinfo:
        tag(workmail, organization.arn, **{f"new{n}": "" for n in range(6)})
    assert "up to 50 user-applied tags" in message(excinfo)
    tag(workmail, organization.arn, **{f"new{n}": "" for n in range(5)})
    assert OrganizationTag.objects.count() == 50


def test_a_request_names_at_most_fifty_tags(workmail, organization):
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        tag(workmail, organization.arn, **{f"k{n:02}": "" for n in range(51)})


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [("aws:owner", "", "reserved for AWS"), ("a#b", "", "can contain only"),
     ("ok", "semi;colon", "can contain only"), ("k" * 129, "", "128")],
)  # fmt: skip
def test_aws_tag_rules_hold(workmail, organization, key, value, words):
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.tag_resource(ResourceARN=organization.arn, Tags=[{"Key": key, "Value": value}])
    assert words in message(excinfo)
    assert not OrganizationTag.objects.exists()


def test_an_arn_that_is_no_callers_organization_is_not_found(
    workmail, make_client, admin, stranger, organization
):
    theirs = active_organization(account=stranger.account, alias="theirs")
    elsewhere = active_organization(account=admin.account, alias="west", region="us-west-2")
    unknown = organization.arn[:-32] + "0" * 32
    not_an_organization = f"arn:aws:workmail:us-east-1:{admin.account.pk}:user/{organization.pk}"
    other_region_text = organization.arn.replace(":us-east-1:", ":us-west-2:")
    for arn in (theirs.arn, elsewhere.arn, unknown, not_an_organization, other_region_text):
        with pytest.raises(workmail.exceptions.ResourceNotFoundException):
            tags(workmail, arn)
        with pytest.raises(workmail.exceptions.ResourceNotFoundException):
            tag(workmail, arn, env="dev")
        with pytest.raises(workmail.exceptions.ResourceNotFoundException):
            workmail.untag_resource(ResourceARN=arn, TagKeys=["env"])
    assert tags(make_client(admin, region="us-west-2"), elsewhere.arn) == {}
    assert not OrganizationTag.objects.exists()


def test_tags_change_only_in_an_active_organization_but_are_read_in_any(workmail, organization):
    tag(workmail, organization.arn, env="dev")
    in_state(organization, State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        tag(workmail, organization.arn, env="prod")
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        workmail.untag_resource(ResourceARN=organization.arn, TagKeys=["env"])
    assert tags(workmail, organization.arn) == {"env": "dev"}


def test_an_ops_key_lists_tags_but_sets_none(ops_workmail, organization):
    settings.tag_resource(organization=organization, tags=[("env", "dev")])
    assert tags(ops_workmail, organization.arn) == {"env": "dev"}
    with pytest.raises(ClientError) as excinfo:
        tag(ops_workmail, organization.arn, env="prod")
    assert code(excinfo) == "AccessDeniedException"


# --- Availability configurations ------------------------------------------------------------

EWS = {
    "EwsEndpoint": "https://mail.partner.example/EWS/Exchange.asmx",
    "EwsUsername": "free-busy@partner.example",
    "EwsPassword": "Ews-Secret-1",
}
LAMBDA_ARN = "arn:aws:lambda:us-east-1:111122223333:function:availability"


def create(workmail, organization: Organization, domain: str = "partner.example", **provider):
    provider = provider or {"EwsProvider": EWS}
    return workmail.create_availability_configuration(
        OrganizationId=organization.pk, DomainName=domain, **provider
    )


def configurations(workmail, organization: Organization, **paging: Any) -> dict:
    return workmail.list_availability_configurations(OrganizationId=organization.pk, **paging)


def raw_bodies(workmail) -> list[bytes]:
    """Each response body the client reads from now on, as the server sent it."""
    bodies: list[bytes] = []
    workmail.meta.events.register(
        "after-call.workmail", lambda http_response, **_: bodies.append(http_response.content)
    )
    return bodies


def test_configurations_created_are_listed_without_the_password(workmail, organization):
    bodies = raw_bodies(workmail)
    assert bare(create(workmail, organization)) == {}
    create(workmail, organization, "lambda.example", LambdaProvider={"LambdaArn": LAMBDA_ARN})
    listed = configurations(workmail, organization)["AvailabilityConfigurations"]
    assert [
        {name: value for name, value in row.items() if not name.startswith("Date")}
        for row in listed
    ] == [
        {"DomainName": "lambda.example", "ProviderType": "LAMBDA",
         "LambdaProvider": {"LambdaArn": LAMBDA_ARN}},
        {"DomainName": "partner.example", "ProviderType": "EWS",
         "EwsProvider": {"EwsEndpoint": EWS["EwsEndpoint"], "EwsUsername": EWS["EwsUsername"]}},
    ]  # fmt: skip
    stored = AvailabilityConfiguration.objects.get(provider_type=ProviderType.EWS)
    assert abs(listed[1]["DateCreated"] - stored.date_created) < timedelta(milliseconds=1)
    assert stored.ews_password == EWS["EwsPassword"]  # kept, to sign in with
    assert not any(EWS["EwsPassword"].encode() in body for body in bodies)
    assert (
        "EwsPassword" not in json.loads(bodies[-1])["AvailabilityConfigurations"][1]["EwsProvider"]
    )


def test_a_configuration_created_by_the_api_is_on_the_interoperability_tab(
    workmail, admin_client, organization
):
    create(workmail, organization)
    page = admin_client.get(url("interoperability", organization)).content.decode()
    assert text(page, "configuration-count") == "(1)"
    assert 'data-domain="partner.example"' in page and EWS["EwsPassword"] not in page


def test_one_configuration_a_domain_in_any_case(workmail, organization):
    create(workmail, organization)
    with pytest.raises(workmail.exceptions.NameAvailabilityException):
        create(workmail, organization, "PARTNER.example")


def test_a_client_token_creates_one_configuration(workmail, organization):
    create(workmail, organization, ClientToken="once", EwsProvider=EWS)
    create(workmail, organization, ClientToken="once", EwsProvider=EWS)
    assert AvailabilityConfiguration.objects.count() == 1
    with pytest.raises(ClientError) as excinfo:
        create(workmail, organization, "other.example", ClientToken="once", EwsProvider=EWS)
    assert code(excinfo) == "IdempotentParameterMismatchException"


@pytest.mark.parametrize(
    "provider",
    [{}, {"EwsProvider": EWS, "LambdaProvider": {"LambdaArn": LAMBDA_ARN}},
     {"EwsProvider": {**EWS, "EwsEndpoint": "ftp://mail.partner.example/"}},
     {"LambdaProvider": {"LambdaArn": LAMBDA_ARN.replace("lambda", "sns", 1)}}],
)  # fmt: skip
def test_exactly_one_provider_as_the_model_has_it(workmail, organization, provider):
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.create_availability_configuration(
            OrganizationId=organization.pk, DomainName="partner.example", **provider
        )
    assert not AvailabilityConfiguration.objects.exists()


def test_an_organization_has_at_most_a_hundred_configurations(workmail, organization):
    AvailabilityConfiguration.objects.bulk_create(
        AvailabilityConfiguration(
            organization=organization, domain_name=f"d{n}.example",
            provider_type=ProviderType.LAMBDA, lambda_arn=LAMBDA_ARN,
        )
        for n in range(settings.AVAILABILITY_CONFIGURATIONS_MAX)
    )  # fmt: skip
    with pytest.raises(workmail.exceptions.LimitExceededException):
        create(workmail, organization)


def test_delete_removes_the_domains_configuration_and_a_gone_one_is_no_error(
    workmail, organization
):
    create(workmail, organization)
    for domain in ("Partner.example", "partner.example"):
        workmail.delete_availability_configuration(
            OrganizationId=organization.pk, DomainName=domain
        )
    assert configurations(workmail, organization)["AvailabilityConfigurations"] == []


def test_list_availability_configurations_pages_with_the_paginator(workmail, organization):
    for n in range(5):
        create(workmail, organization, f"d{n}.example")
    pages = list(
        workmail.get_paginator("list_availability_configurations").paginate(
            OrganizationId=organization.pk, PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["AvailabilityConfigurations"]) for page in pages] == [2, 2, 1]
    listed = [row["DomainName"] for page in pages for row in page["AvailabilityConfigurations"]]
    assert listed == [f"d{n}.example" for n in range(5)]


def test_a_list_token_holds_for_its_organization_only(workmail, admin, organization):
    other = active_organization(account=admin.account, alias="other")
    for n in range(2):
        create(workmail, organization, f"d{n}.example")
    first = configurations(workmail, organization, MaxResults=1)
    with pytest.raises(workmail.exceptions.InvalidParameterException, match="NextToken"):
        configurations(workmail, other, NextToken=first["NextToken"])


def test_availability_configurations_need_an_active_organization_of_the_caller(
    workmail, stranger_workmail, organization
):
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        create(stranger_workmail, organization)
    in_state(organization, State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        create(workmail, organization)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        configurations(workmail, organization)
    assert not AvailabilityConfiguration.objects.exists()
