"""Organization actions: one function per console action / API operation, views and API alike."""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from directories.models import Directory, DirectoryType, is_directory_id
from domains.services import chosen_domain
from keys.models import Key
from keys.services import describe_key
from organizations import lifecycle
from organizations.aliases import validate_alias_format
from organizations.health import directory_alias_mismatch, organizations_using
from organizations.lifecycle import State
from organizations.models import (
    DirectoryChoice,
    DomainChoice,
    EncryptionChoice,
    Organization,
    StateCount,
    is_organization_id,
)
from workmail_console import db
from workmail_console.errors import (
    DirectoryInUseException,
    DirectoryUnavailableException,
    IdempotentParameterMismatchException,
    InvalidParameterException,
    LimitExceededException,
    NameAvailabilityException,
    OrganizationNotFoundException,
    OrganizationStateException,
    WorkMailError,
)
from workmail_console.models import Account
from workmail_console.tasks import advance_once_committed

# CreateOrganization's ClientToken: 1 to 128 printable ASCII characters, no spaces.
CLIENT_TOKEN_MAX = 128
CLIENT_TOKEN_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{CLIENT_TOKEN_MAX}}}")
CLIENT_TOKEN_RULE = (
    f"The client token must be 1 to {CLIENT_TOKEN_MAX} printable ASCII characters, without spaces."
)


def validate_client_token(client_token: str) -> str:
    """The client token as given, or InvalidParameterException."""
    if not CLIENT_TOKEN_PATTERN.fullmatch(client_token):
        raise InvalidParameterException(CLIENT_TOKEN_RULE, field="client_token")
    return client_token


def alias_unavailable(alias: str) -> NameAvailabilityException:
    return NameAvailabilityException(
        f"The alias {alias} is not available. Enter a different alias.", field="alias"
    )


def check_alias_availability(alias: str) -> str:
    """Create organization > Alias: valid and not held by any live organization, anywhere."""
    validate_alias_format(alias)
    # LOWER(alias) on live rows: the very expression the unique_live_alias index holds.
    taken = Organization.objects.holding_alias().alias(folded=Lower("alias"))
    taken = taken.filter(folded=alias.lower())
    if taken.exists():
        raise alias_unavailable(alias)
    return alias


def create_organization(
    *,
    account: Account,
    region: str,
    alias: str,
    directory_choice: str = DirectoryChoice.CREATE,
    encryption_choice: str = EncryptionChoice.MANAGED,
    client_token: str | None = None,
    directory_id: str | None = None,
    kms_key_arn: str | None = None,
    enable_interoperability: bool = False,
    domain_choice: str = DomainChoice.TEST,
    domain_name: str = "",
    hosted_zone_id: str = "",
) -> Organization:
    """Create organization (CreateOrganization): written as Requested, then the workers take over.

    The same client token returns the organization it first created, so a double submit or a
    retried API call makes one organization; with other parameters it is refused.
    """
    if client_token is not None:
        validate_client_token(client_token)
    directory = _existing_directory(account, region, directory_choice, directory_id)
    key = _existing_key(account, region, encryption_choice, kms_key_arn)
    if enable_interoperability and not (
        directory is not None and directory.directory_type == DirectoryType.AD_CONNECTOR
    ):
        raise InvalidParameterException(
            "Interoperability can be enabled only with an AD Connector directory.",
            field="enable_interoperability",
        )
    validate_alias_format(alias)  # availability: the unique_live_alias index, below
    requested_domain, zone = chosen_domain(
        account_id=account.pk, region=region, choice=domain_choice, domain_name=domain_name,
        zone_id=hosted_zone_id,
    )  # fmt: skip
    organization = Organization(
        domain_choice=domain_choice,
        requested_domain=requested_domain,
        hosted_zone=zone,
        account=account,
        region=region,
        alias=alias,
        directory_choice=directory_choice,
        encryption_choice=encryption_choice,
        directory=directory,
        encryption_key=key,
        interoperability_enabled=enable_interoperability,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            # One create at a time per account: the token lookup, the quota count and the
            # insert see the same organizations.
            Account.lock(account.pk)
            if client_token and (existing := _by_client_token(account, region, client_token)):
                return _same_request(existing, organization)
            # After the token: a retry naming another directory is a parameter mismatch.
            if directory is not None and (mismatch := directory_alias_mismatch(alias, directory)):
                raise InvalidParameterException(mismatch, field="directory_id")
            _check_quota(account, region)
            if directory is not None and organizations_using(directory).exists():
                raise DirectoryInUseException(
                    f"The directory {directory.directory_id} is already in use by another WorkMail"
                    " organization in the same account and Region.",
                    field="directory_id",
                )
            # No savepoint: an IntegrityError rolls the whole create back (below).
            organization.insert(reason="Creation requested", savepoint=False)
    except IntegrityError:
        raise alias_unavailable(alias) from None  # a live organization of any account has it
    advance_once_committed(organization)
    return organization


def _existing_directory(
    account: Account, region: str, choice: str, directory_id: str | None
) -> Directory | None:
    """Use existing directory: the account's directory of this Region (whether WorkMail supports
    it is for Validating to say, with the reason, as WorkMail does)."""
    if choice != DirectoryChoice.EXISTING:
        return None
    well_formed = isinstance(directory_id, str) and is_directory_id(directory_id)
    found = None
    if well_formed:  # a malformed ID (NUL, overlong) never reaches the database
        live = Directory.objects.in_scope(account, region).live()
        found = live.filter(directory_id=directory_id).first()
    if found is None:
        shown = directory_id if well_formed else "(none chosen)" if not directory_id else "chosen"
        raise DirectoryUnavailableException(
            f"The directory {shown} is unavailable. It might be located"
            " in another Region or deleted.",
            field="directory_id",
        )
    return found


def _existing_key(
    account: Account, region: str, choice: str, kms_key_arn: str | None
) -> Key | None:
    """Use existing KMS key: a key of this account and Region, by ARN, ID or alias."""
    if choice != EncryptionChoice.EXISTING:
        return None
    try:
        return describe_key(account=account, region=region, key_id=kms_key_arn or "")
    except WorkMailError as error:
        raise InvalidParameterException(error.message, field="kms_key_arn") from None


def _by_client_token(account: Account, region: str, client_token: str) -> Organization | None:
    return Organization.objects.in_scope(account, region).filter(client_token=client_token).first()


def _same_request(existing: Organization, request: Organization) -> Organization:
    """The organization this client token created, if it was asked with the same parameters."""
    parameters = [
        "alias", "directory_choice", "encryption_choice", "interoperability_enabled",
        "domain_choice", "requested_domain",
    ]  # fmt: skip
    # The directory and key the request named; those the workflow made since are no difference.
    if request.directory_choice == DirectoryChoice.EXISTING:
        parameters.append("directory_id")
    if request.encryption_choice == EncryptionChoice.EXISTING:
        parameters.append("encryption_key_id")
    if request.domain_choice == DomainChoice.EXISTING_ROUTE53:
        parameters.append("hosted_zone_id")  # an account may have several zones of one name
    if any(getattr(existing, name) != getattr(request, name) for name in parameters):
        raise IdempotentParameterMismatchException(
            f"A request with this client token already created organization {existing.alias}"
            " with other settings. Check the settings and choose Create organization again.",
            field="client_token",
        )
    return existing


def _check_quota(account: Account, region: str) -> None:
    """At most WORKMAIL_ORGANIZATIONS_PER_REGION live organizations per account and Region."""
    limit = settings.WORKMAIL_ORGANIZATIONS_PER_REGION
    # The trigger-kept counts: a few rows, however many organizations the account has. Exact
    # here: creates take turns under the account's lock, and a count moves with its row's write.
    if StateCount.in_region(account.pk, region) >= limit:
        raise LimitExceededException(
            "You have reached the maximum number of organizations you can create"
            f" ({limit} in {region})."
        )


def get_organization(*, account: Account, region: str, organization_id: str) -> Organization:
    """DescribeOrganization: another account's organization does not exist for this caller."""
    if not is_organization_id(organization_id):  # never let a malformed ID reach a query
        raise OrganizationNotFoundException("The organization was not found.")
    # Written out once (workmail_console.db): every page and API call inside an organization
    # starts here, and the ORM took longer to write this statement than PostgreSQL to run it.
    select, parts = db.joined(Organization, ("directory", "encryption_key"))
    organization = db.fetch_joined(
        f"{select} WHERE t0.organization_id = %s AND t0.account_id = %s AND t0.region = %s",
        parts,
        [organization_id, account.pk, region],
    )
    return found_organization(organization, organization_id=organization_id, region=region)


def found_organization(
    organization: Organization | None, *, organization_id: str, region: str
) -> Organization:
    """What get_organization found (or the API found with the call's key): not found is an
    error."""
    if organization is None:
        raise OrganizationNotFoundException(
            f"The organization {organization_id} was not found in {region}."
        )
    return organization


def list_organizations(
    *,
    account: Account,
    region: str,
    include_deleted: bool = False,
    containing: str = "",
) -> QuerySet[Organization]:
    """Organizations page (ListOrganizations): newest first, Deleted ones only when asked; with
    `containing`, those whose alias or ID contains it (the table's text filter, any case)."""
    queryset = Organization.objects.in_scope(account, region)
    if containing:
        queryset = queryset.filter(
            Q(alias__icontains=containing) | Q(organization_id__icontains=containing)
        )
    return queryset if include_deleted else queryset.live()


def count_organizations(*, account: Account, region: str, include_deleted: bool = False) -> int:
    """How many rows `list_organizations` gives without `containing`, from the trigger-kept
    counts (a few rows, where counting a big account's organizations took 10 ms)."""
    return StateCount.in_region(account.pk, region, including_deleted=include_deleted)


def delete_organization(
    *, account: Account, region: str, organization_id: str, delete_directory: bool
) -> Organization:
    """Delete organization (DeleteOrganization): Deleting now, Deleted once a worker is done."""
    organization = get_organization(account=account, region=region, organization_id=organization_id)
    if organization.state == State.DELETING:
        return organization  # already on its way: asking again changes nothing
    if organization.state not in lifecycle.DELETABLE:
        raise OrganizationStateException(
            f"Organization {organization.organization_id} can't be deleted while it is"
            f" {organization.state}."
        )
    if not organization.transition(
        State.DELETING, reason="Deletion requested", delete_directory=delete_directory
    ):
        # Its state changed under us; report what it is now.
        return get_organization(account=account, region=region, organization_id=organization_id)
    advance_once_committed(organization)
    return organization
