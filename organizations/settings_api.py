"""WorkMail API operations on an organization's settings: retention policy, tags and
availability configurations, on the services its Retention policy, Tags and Interoperability
pages use (organizations.settings_services)."""

from typing import Any

from organizations import settings_services as services
from organizations.api import active_organization
from organizations.models import (
    AvailabilityConfiguration,
    FolderConfiguration,
    Organization,
    ProviderType,
)
from workmail_console.api.answers import paged, present, with_token
from workmail_console.api.registry import Call, operation

# --- Retention policy -------------------------------------------------------------------------


@operation("PutRetentionPolicy")
def put_retention_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    services.put_retention_policy(
        organization=organization,
        name=params["Name"],
        policy_id=params.get("Id"),
        description=params.get("Description", ""),
        folder_configurations=[
            FolderConfiguration(
                name=folder["Name"], action=folder["Action"], period=folder.get("Period")
            )
            for folder in params["FolderConfigurations"]
        ],
    )
    return {}


@operation("GetDefaultRetentionPolicy")
def get_default_retention_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    policy = services.get_default_retention_policy(organization=organization)
    folders = [
        present({"Name": folder.name, "Action": folder.action, "Period": folder.period})
        for folder in policy.folder_configurations.order_by("pk")
    ]
    return present({
        "Id": policy.policy_id, "Name": policy.name, "Description": policy.description or None,
        "FolderConfigurations": folders,
    })  # fmt: skip


@operation("DeleteRetentionPolicy")
def delete_retention_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    services.delete_retention_policy(organization=organization, policy_id=params["Id"])
    return {}


# --- Tags -------------------------------------------------------------------------------------


def _tagged(call: Call, params: dict[str, Any]) -> Organization:
    return services.tagged_organization(
        account=call.account, region=call.region, resource_arn=params["ResourceARN"]
    )


@operation("TagResource")
def tag_resource(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = [(tag["Key"], tag["Value"]) for tag in params["Tags"]]
    services.tag_resource(organization=_tagged(call, params), tags=tags)
    return {}


@operation("UntagResource")
def untag_resource(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    services.untag_resource(organization=_tagged(call, params), tag_keys=params["TagKeys"])
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = services.list_tags_for_resource(organization=_tagged(call, params))
    return {"Tags": [{"Key": tag.key, "Value": tag.value} for tag in tags]}


# --- Availability configurations --------------------------------------------------------------


@operation("CreateAvailabilityConfiguration")
def create_availability_configuration(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    ews, function = params.get("EwsProvider"), params.get("LambdaProvider")
    services.create_availability_configuration(
        organization=organization,
        domain_name=params["DomainName"],
        ews_provider=None if ews is None else services.EwsProvider(
            ews_endpoint=ews["EwsEndpoint"], ews_username=ews["EwsUsername"],
            ews_password=ews["EwsPassword"],
        ),
        lambda_provider=(
            None if function is None else services.LambdaProvider(function["LambdaArn"])
        ),
    )  # fmt: skip
    return {}


@operation("DeleteAvailabilityConfiguration")
def delete_availability_configuration(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    services.delete_availability_configuration(
        organization=organization, domain_name=params["DomainName"]
    )
    return {}


def _described(configuration: AvailabilityConfiguration) -> dict[str, Any]:
    """AvailabilityConfiguration as the API lists it: the EWS provider redacted (never the
    password)."""
    described: dict[str, Any] = {
        "DomainName": configuration.domain_name,
        "ProviderType": configuration.provider_type,
        "DateCreated": configuration.date_created,
        "DateModified": configuration.date_modified,
    }
    if configuration.provider_type == ProviderType.EWS:
        described["EwsProvider"] = {
            "EwsEndpoint": configuration.ews_endpoint,
            "EwsUsername": configuration.ews_username,
        }
    else:
        described["LambdaProvider"] = {"LambdaArn": configuration.lambda_arn}
    return described


@operation("ListAvailabilityConfigurations")
def list_availability_configurations(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    found = paged(
        call,
        params,
        services.list_availability_configurations(organization=organization),
        organization=organization.organization_id,
    )
    configurations = [_described(configuration) for configuration in found.items]
    return with_token({"AvailabilityConfigurations": configurations}, found)
