"""Directory actions: one function per console action / API operation, and what the applications
on a directory ask of it (unsupported_reason, delete_directory).

Views and the API call these; the rules they apply are in directories/rules.py and the allowed
stage changes in directories/lifecycle.py.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from directories import rules, usage
from directories.lifecycle import DELETABLE, LIFECYCLE, Stage
from directories.models import (
    Application,
    Directory,
    DirectoryEdition,
    DirectorySize,
    DirectoryType,
    is_directory_id,
    new_directory_id,
)
from workmail_console.db import savepoint_if_nested
from workmail_console.errors import (
    ClientException,
    EntityAlreadyExistsException,
    EntityDoesNotExistException,
    InvalidParameterException,
)
from workmail_console.models import Account
from workmail_console.tasks import advance_once_committed

# --- The checks the organization side calls -------------------------------------------------


def unsupported_reason(directory: Directory) -> str | None:
    """Why WorkMail can never use this kind of directory (the guide's Considerations), or None."""
    if directory.is_shared:
        return (
            f"The directory {directory.directory_id} is shared from AWS account"
            f" {directory.owner_account_id}. Amazon WorkMail doesn't currently support managed"
            " Microsoft Active Directory services that you share with multiple accounts."
        )
    if directory.is_multi_region:
        return (
            f"The directory {directory.directory_id} is a multi-Region directory (primary Region"
            f" {directory.primary_region}). Amazon WorkMail does not support multi-Region"
            " directories."
        )
    return None


def applications_refusal(directory: Directory) -> str | None:
    if not directory.applications:
        return None
    used_by = " and ".join(directory.application_labels)
    return (
        f"The directory {directory.directory_id} is used by {used_by}. In order to delete the"
        " directory, it can't have any other AWS applications enabled."
    )


def delete_directory(directory: Directory, *, reason: str = "Deletion requested") -> str | None:
    """Delete the user directory (the organization delete dialog's choice): it starts Deleting,
    and a worker makes it Deleted. Returns why it is kept instead, or None.

    Kept while another AWS application (WorkDocs, WorkSpaces) uses it. Already Deleting or
    Deleted is not a refusal: there is nothing left to do.
    """
    for _ in range(3):  # the stage may change between the read and the compare-and-set
        directory.refresh_from_db(fields=["stage", "stage_changed_at", "applications"])
        if refusal := applications_refusal(directory):
            return refusal
        if directory.stage in (Stage.DELETING, Stage.DELETED):
            return None
        if directory.stage not in DELETABLE:
            return (
                f"The directory {directory.directory_id} can't be deleted while it is"
                f" {directory.stage}."
            )
        if directory.transition(Stage.DELETING, reason=reason):
            advance_once_committed(directory)
            return None
    return f"The directory {directory.directory_id} is changing. Try again."


# --- The WorkMail directory an organization creates -----------------------------------------


def create_workmail_directory(
    *, account_id: str, region: str, alias: str, idempotency_key: str
) -> Directory:
    """Create new Amazon WorkMail directory for what `idempotency_key` names (an organization).

    It is Active at once: it is made by the organization's own Creating step. Asking again with
    the same key, even at the same moment, returns the same directory.
    """
    while True:
        directory = Directory(
            directory_id=new_directory_id(),
            idempotency_key=idempotency_key,
            account_id=account_id,
            region=region,
            alias=alias,
            directory_type=DirectoryType.WORKMAIL,
            stage=Stage.ACTIVE,
        )
        try:
            directory.insert(reason=f"Created by Amazon WorkMail for organization {alias}")
        except IntegrityError:
            if made := Directory.objects.filter(idempotency_key=idempotency_key).first():
                return made  # asked twice: the first ask made it
            continue  # the directory ID was taken: draw another
        return directory


# --- Set up directory -----------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One choice of Set up directory: the directory it makes and the settings it asks for."""

    label: str
    hint: str
    directory_type: DirectoryType
    fields: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "MicrosoftAD": Kind(
        "AWS Managed Microsoft AD",
        "A managed Microsoft Active Directory in the AWS Cloud, powered by Windows Server.",
        DirectoryType.MICROSOFT_AD,
        ("edition", "name", "short_name", "admin_password", "applications"),
    ),
    "SimpleAD": Kind(
        "Simple AD",
        "A standalone managed directory with basic Active Directory compatible features,"
        " powered by a Samba 4 Active Directory Compatible Server.",
        DirectoryType.SIMPLE_AD,
        ("size", "name", "short_name", "admin_password", "applications"),
    ),
    "ADConnector": Kind(
        "AD Connector",
        "A proxy that redirects directory requests to your on-premises Microsoft Active"
        " Directory, without caching any information in the cloud.",
        DirectoryType.AD_CONNECTOR,
        (
            "size",
            "name",
            "short_name",
            "dns_ip_addrs",
            "service_account_username",
            "service_account_password",
            "applications",
        ),
    ),
    "SharedMicrosoftAD": Kind(
        "Shared AWS Managed Microsoft AD",
        "An AWS Managed Microsoft AD that another AWS account owns and shares with this one."
        " Amazon WorkMail doesn't support it.",
        DirectoryType.SHARED_MICROSOFT_AD,
        ("owner_account_id", "edition", "name"),
    ),
    "MultiRegionMicrosoftAD": Kind(
        "Multi-Region AWS Managed Microsoft AD",
        "A replica in this Region of an AWS Managed Microsoft AD (Enterprise Edition) whose"
        " primary is in another Region. Amazon WorkMail doesn't support it.",
        DirectoryType.MICROSOFT_AD,
        ("primary_region", "name", "short_name"),
    ),
}

# What each setting must be: (value, account ID, Region) -> the value to store, or an error.
Rule = Callable[[Any, str, str], Any]


def _choice(choices: type, message: str, field: str) -> Rule:
    def check(value: str, account_id: str, region: str) -> str:
        if value not in choices.values:
            raise InvalidParameterException(message, field=field)
        return value

    return check


def _applications(values: Iterable[str], account_id: str, region: str) -> list[str]:
    values = list(dict.fromkeys(values))
    if any(value not in Application.values for value in values):
        raise InvalidParameterException(
            "Choose Amazon WorkDocs, Amazon WorkSpaces, or neither.", field="applications"
        )
    return values


SETTING_RULES: dict[str, Rule] = {
    "name": lambda value, account_id, region: rules.validate_dns_name(value),
    "short_name": lambda value, account_id, region: rules.validate_netbios_name(value),
    "size": _choice(DirectorySize, "Choose the directory size: Small or Large.", "size"),
    "edition": _choice(DirectoryEdition, "Choose the edition: Standard or Enterprise.", "edition"),
    "admin_password": lambda value, account_id, region: rules.validate_admin_password(value),
    "dns_ip_addrs": lambda value, account_id, region: rules.validate_dns_ip_addrs(value),
    "service_account_username": lambda value, account_id, region: (
        rules.validate_service_account_username(value)
    ),
    "service_account_password": lambda value, account_id, region: (
        rules.validate_service_account_password(value)
    ),
    "applications": _applications,
    "owner_account_id": lambda value, account_id, region: rules.validate_owner_account_id(
        value, account_id=account_id
    ),
    "primary_region": lambda value, account_id, region: rules.validate_primary_region(
        value, region=region
    ),
}
PASSWORDS = ("admin_password", "service_account_password")
EMPTY = {"dns_ip_addrs": [], "applications": []}


def check_setting(name: str, value: Any, *, account_id: str, region: str) -> Any:
    """One Set up directory setting as it will be stored, or InvalidParameterException."""
    return SETTING_RULES[name](value, account_id, region)


def set_up_directory(*, account: Account, region: str, kind: str, **values: Any) -> Directory:
    """Set up directory (CreateDirectory, CreateMicrosoftAD, ConnectDirectory; and the two kinds
    WorkMail can't use): written as Requested, then the workers make it Active.

    `values` are the settings the kind asks for (KINDS); others are ignored.
    """
    if kind not in KINDS:
        raise InvalidParameterException("Choose a directory type.", field="kind")
    chosen = KINDS[kind]
    fields = {
        name: check_setting(
            name, values.get(name, EMPTY.get(name, "")), account_id=account.pk, region=region
        )
        for name in chosen.fields
    }
    for name in PASSWORDS:
        if name in fields:
            fields[name] = make_password(fields[name])
    if "short_name" in fields and not fields["short_name"]:
        fields["short_name"] = rules.default_netbios_name(fields["name"])
    if kind == "MultiRegionMicrosoftAD":
        fields["edition"] = DirectoryEdition.ENTERPRISE  # replication needs Enterprise Edition
    while True:
        directory_id = new_directory_id()
        directory = Directory(
            directory_id=directory_id,
            alias=directory_id,
            account=account,
            region=region,
            directory_type=chosen.directory_type,
            stage=Stage.REQUESTED,
            **fields,
        )
        try:
            directory.insert(reason=f"{chosen.label} setup requested")
        except IntegrityError:
            continue  # the directory ID was taken: draw another
        advance_once_committed(directory)
        return directory


# --- Reading ---------------------------------------------------------------------------------


def get_directory(*, account: Account, region: str, directory_id: str) -> Directory:
    """DescribeDirectories for one ID: another account's directory does not exist for this one."""
    directory = None
    if is_directory_id(directory_id):  # never let a malformed ID reach a query
        directory = (
            Directory.objects.in_scope(account, region).filter(directory_id=directory_id).first()
        )
    if directory is None:
        raise EntityDoesNotExistException(
            f"The directory {directory_id[:12]} was not found in {region}."
        )
    return directory


def list_directories(
    *,
    account: Account,
    region: str,
    include_deleted: bool = False,
    containing: str = "",
) -> QuerySet[Directory]:
    """Directories page (DescribeDirectories): newest first, Deleted ones only when asked; with
    `containing`, those whose ID, DNS name or alias contains it (the table's text filter, any
    case). The directories Amazon WorkMail makes for its organizations are WorkMail's, not the
    account's Directory Service directories: AWS doesn't list them, and neither does this."""
    queryset = Directory.objects.in_scope(account, region).exclude(
        directory_type=DirectoryType.WORKMAIL
    )
    if containing:
        queryset = queryset.filter(
            Q(directory_id__icontains=containing) | Q(name__icontains=containing)
            | Q(alias__icontains=containing)
        )  # fmt: skip
    return queryset if include_deleted else queryset.live()


# --- Actions on one directory ----------------------------------------------------------------


def alias_unavailable(alias: str) -> EntityAlreadyExistsException:
    return EntityAlreadyExistsException(
        f"The alias {alias} is not available. Enter a different alias.", field="alias"
    )


def create_alias(*, account: Account, region: str, directory_id: str, alias: str) -> Directory:
    """Create alias (CreateAlias): once made it can't be changed or deleted, as in AWS.

    An alias names one live directory in the whole world, whatever the case: its access URL.
    """
    rules.validate_directory_alias(alias)
    directory = get_directory(account=account, region=region, directory_id=directory_id)
    if directory.has_alias:
        raise EntityAlreadyExistsException(
            f"The directory {directory.directory_id} already has the alias {directory.alias}."
            " An alias can't be changed or deleted once it is created.",
            field="alias",
        )
    if directory.stage != Stage.ACTIVE:
        raise ClientException(
            f"You can create an alias only for an Active directory. The directory"
            f" {directory.directory_id} is {directory.stage}.",
            field="alias",
        )
    # LOWER(alias) on live rows: the expression the unique_live_directory_alias index holds.
    live = Directory.objects.live().alias(folded=Lower("alias"))
    if live.filter(folded=alias.lower()).exists():
        raise alias_unavailable(alias)
    try:
        with savepoint_if_nested():
            # Still without an alias and Active: two Create alias at once give one alias.
            updated = Directory.objects.filter(
                pk=directory.pk, alias=directory.directory_id, stage=Stage.ACTIVE
            ).update(alias=alias)
    except IntegrityError:
        raise alias_unavailable(alias) from None  # another directory got it first
    if not updated:
        return create_alias(  # it changed under us: say why, from what it is now
            account=account, region=region, directory_id=directory_id, alias=alias
        )
    directory.alias = alias
    return directory


def _move(
    *, account: Account, region: str, directory_id: str, target: Stage, reason: str, action: str
) -> Directory:
    directory = get_directory(account=account, region=region, directory_id=directory_id)
    if not LIFECYCLE.can_transition(directory.stage, target) or not directory.transition(
        target, reason=reason
    ):
        directory.refresh_from_db(fields=["stage"])
        raise ClientException(
            f"You can't {action} the directory {directory.directory_id} while it is"
            f" {directory.stage}."
        )
    return directory


def simulate_outage(*, account: Account, region: str, directory_id: str) -> Directory:
    """Simulate outage: an Active directory becomes Inoperable, until Recover."""
    return _move(
        account=account,
        region=region,
        directory_id=directory_id,
        target=Stage.INOPERABLE,
        reason="Outage simulated: all directory endpoints report issues",
        action="simulate an outage of",
    )


def recover(*, account: Account, region: str, directory_id: str) -> Directory:
    """Recover: an Inoperable directory is Active again."""
    return _move(
        account=account,
        region=region,
        directory_id=directory_id,
        target=Stage.ACTIVE,
        reason="Recovered from the outage",
        action="recover",
    )


def deletion_refusal(directory: Directory) -> str | None:
    """Why Delete directory is refused now, in AWS's words, or None: a live WorkMail organization
    or another AWS application uses it, or it is not in a stage that can be deleted."""
    if use := usage.first_use(directory):
        return (
            f"The directory {directory.directory_id} is used by the {use.application.noun}"
            f" {use.name}. In order to delete the directory, it can't have any other"
            " AWS applications enabled."
        )
    if refusal := applications_refusal(directory):
        return refusal
    if directory.stage not in DELETABLE:
        return (
            f"The directory {directory.directory_id} can't be deleted while it is"
            f" {directory.stage}."
        )
    return None


def request_directory_deletion(*, account: Account, region: str, directory_id: str) -> Directory:
    """Delete directory (DeleteDirectory): refused while an organization or another AWS
    application uses it; otherwise Deleting now, and Deleted once a worker is done."""
    directory = get_directory(account=account, region=region, directory_id=directory_id)
    if refusal := deletion_refusal(directory) or delete_directory(directory):
        raise ClientException(refusal)
    return directory
