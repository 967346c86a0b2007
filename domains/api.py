"""The mail domains' WorkMail API operations, on the services the Domains pages use."""

from contextlib import suppress
from typing import Any

from domains.services import (
    deregister_mail_domain,
    domain_rows,
    get_mail_domain,
    list_mail_domains,
    register_mail_domain,
    update_default_mail_domain,
)
from organizations.api import active_organization
from workmail_console.api.answers import paged, with_token
from workmail_console.api.registry import Call, operation
from workmail_console.errors import MailDomainNotFoundException


@operation("RegisterMailDomain")
def register(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    register_mail_domain(organization=organization, domain_name=params["DomainName"])
    return {}


@operation("GetMailDomain")
def get(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    domain = get_mail_domain(organization=organization, domain_name=params["DomainName"])
    # The records the domain's page lists, in its order (stored once, grouped as it groups them).
    records = [
        {"Type": record.type, "Hostname": record.hostname, "Value": record.value}
        for record in domain.records.all()
    ]
    return {
        "Records": records,
        "IsTestDomain": domain.is_test_domain,
        "IsDefault": domain.is_default,
        # Stored as the model's DnsRecordVerificationStatus values: PENDING, VERIFIED, FAILED.
        "OwnershipVerificationStatus": domain.ownership_status,
        "DkimVerificationStatus": domain.dkim_status,
    }


@operation("ListMailDomains")
def list_(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    found = paged(
        call, params, list_mail_domains(organization), organization=organization.organization_id
    )
    domains = [
        {"DomainName": row.domain.name, "DefaultDomain": row.is_default}
        for row in domain_rows(organization, found.items)
    ]
    return with_token({"MailDomains": domains}, found)


@operation("UpdateDefaultMailDomain")
def update_default(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    update_default_mail_domain(organization=organization, domain_name=params["DomainName"])
    return {}


@operation("DeregisterMailDomain")
def deregister(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    organization = active_organization(call, params["OrganizationId"])
    # Idempotent, and the model names no MailDomainNotFoundException here: a domain already gone
    # (a retry of a call that removed it) is removed.
    with suppress(MailDomainNotFoundException):
        deregister_mail_domain(organization=organization, domain_name=params["DomainName"])
    return {}
