"""The organizations' WorkMail API operations, on the services the console's pages use."""

from typing import Any

from organizations.lifecycle import State
from organizations.models import (
    DirectoryChoice,
    DomainChoice,
    EncryptionChoice,
    Organization,
    is_organization_id,
)
from organizations.services import (
    create_organization,
    delete_organization,
    found_organization,
    get_organization,
    list_organizations,
)
from users.models import UserState
from users.services import users_of
from workmail_console.api.answers import paged, present, with_token
from workmail_console.api.registry import Call, Named, fetch_with_key, operation
from workmail_console.errors import InvalidParameterException, OrganizationStateException

# An organization a call names is read in the same statement as the call's access key.
fetch_with_key(
    Named(
        member="OrganizationId",
        model=Organization,
        field="organization_id",
        # DescribeOrganization's, the rest deferred: read if a call ever asks for it
        relations=(("directory", ("directory_id", "directory_type")),),
        valid=is_organization_id,
    )
)


def organization_of(call: Call, organization_id: str) -> Organization:
    """The caller's organization `organization_id`: found with the call's key when the call
    named it, else looked up."""
    if organization_id in call.named:
        return found_organization(
            call.named[organization_id], organization_id=organization_id, region=call.region
        )
    return get_organization(
        account=call.account, region=call.region, organization_id=organization_id
    )


def active_organization(call: Call, organization_id: str, *allowed: State) -> Organization:
    """The caller's organization, which must be Active (or in one of the `allowed` states) for
    anything to happen inside it: the console's OrganizationStateException otherwise."""
    organization = organization_of(call, organization_id)
    organization.require_state(*allowed)
    return organization


def _domain_choice(domains: list[dict[str, str]]) -> dict[str, str]:
    """Domains: the one email domain the console's create takes (or none: the test domain)."""
    if not domains:
        return {"domain_choice": DomainChoice.TEST}
    if len(domains) > 1:
        raise InvalidParameterException(
            "This emulator creates an organization with one email domain; register more with"
            " RegisterMailDomain once it is Active."
        )
    domain = domains[0]
    if zone_id := domain.get("HostedZoneId"):
        return {"domain_choice": DomainChoice.EXISTING_ROUTE53, "hosted_zone_id": zone_id}
    return {"domain_choice": DomainChoice.EXTERNAL, "domain_name": domain["DomainName"]}


@operation("CreateOrganization")
def create(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = create_organization(
        account=call.account,
        region=call.region,
        alias=params["Alias"],
        directory_choice=(
            DirectoryChoice.EXISTING if params.get("DirectoryId") else DirectoryChoice.CREATE
        ),
        directory_id=params.get("DirectoryId"),
        encryption_choice=(
            EncryptionChoice.EXISTING if params.get("KmsKeyArn") else EncryptionChoice.MANAGED
        ),
        kms_key_arn=params.get("KmsKeyArn"),
        enable_interoperability=params.get("EnableInteroperability", False),
        client_token=params.get("ClientToken"),
        **_domain_choice(params.get("Domains", [])),
    )
    return {"OrganizationId": organization.organization_id}


@operation("DescribeOrganization")
def describe(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = organization_of(call, params["OrganizationId"])
    directory = organization.directory
    return present({
        "OrganizationId": organization.organization_id,
        "Alias": organization.alias,
        "State": organization.state,
        "DirectoryId": directory.directory_id if directory else None,
        "DirectoryType": directory.directory_type if directory else None,
        "DefaultMailDomain": organization.default_mail_domain or None,
        "CompletedDate": organization.completed_date,
        "ErrorMessage": organization.error_message or None,
        "ARN": organization.arn,
        "InteroperabilityEnabled": organization.interoperability_enabled,
    })  # fmt: skip


@operation("ListOrganizations")
def list_(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # Deleted organizations too, as AWS lists them: Terraform reads Deleted as gone.
    rows = list_organizations(account=call.account, region=call.region, include_deleted=True)
    found = paged(call, params, rows)
    summaries = [
        present({
            "OrganizationId": organization.organization_id,
            "Alias": organization.alias,
            "State": organization.state,
            "DefaultMailDomain": organization.default_mail_domain or None,
            "ErrorMessage": organization.error_message or None,
        })
        for organization in found.items
    ]  # fmt: skip
    return with_token({"OrganizationSummaries": summaries}, found)


@operation("DeleteOrganization")
def delete(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization_id = params["OrganizationId"]
    if not params.get("ForceDelete"):
        organization = organization_of(call, organization_id)
        if (
            organization.state != State.DELETING
            and users_of(organization).filter(state=UserState.ENABLED).exists()
        ):
            raise OrganizationStateException(
                f"The organization {organization_id} has enabled users: disable them first, or"
                " delete with ForceDelete."
            )
    organization = delete_organization(
        account=call.account,
        region=call.region,
        organization_id=organization_id,
        delete_directory=params["DeleteDirectory"],
    )
    return {"OrganizationId": organization.organization_id, "State": organization.state}
