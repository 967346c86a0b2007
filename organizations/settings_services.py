"""An organization's own settings: its tags (TagResource, UntagResource, ListTagsForResource), its
retention policy (PutRetentionPolicy, GetDefaultRetentionPolicy, DeleteRetentionPolicy), its
mobile device policy (console-only: no API), its availability configurations
(CreateAvailabilityConfiguration, UpdateAvailabilityConfiguration, DeleteAvailabilityConfiguration,
ListAvailabilityConfigurations) and its journaling (console-only: no API).

Only an Active organization's settings change, and every change runs with the organization's row
locked: twenty admins adding tags at once still leave at most fifty. Tags are read in any state
(ListTagsForResource has no state error); the rest while what lives inside the organization can
be read (Active or Inactive).
"""

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.lifecycle import State
from organizations.models import (
    AvailabilityConfiguration,
    FolderConfiguration,
    FolderName,
    JournalingConfiguration,
    MobileDevicePolicy,
    Organization,
    OrganizationTag,
    ProviderType,
    RetentionAction,
    RetentionPolicy,
)
from users.services import DOMAIN_PATTERN, EMAIL_MAX, LOCAL_PART_PATTERN, READABLE
from workmail_console.errors import (
    EntityNotFoundException,
    InvalidParameterException,
    LimitExceededException,
    NameAvailabilityException,
    ResourceNotFoundException,
    TooManyTagsException,
)
from workmail_console.models import Account

# --- Tags -----------------------------------------------------------------------------------

TAGS_MAX = 50  # "You can add up to 50 tags."
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256
# The AWS tag character set, [\p{L}\p{Z}\p{N}_.:/=+\-@]*: WorkMail's model gives no pattern,
# so this is AWS's general rule (and the console's tag editor's), as the reserved prefix is.
TAG_SYMBOLS = frozenset("_.:/=+-@")
TAG_CHARACTERS_RULE = (
    "can contain only Unicode letters, digits, white space and these symbols: _ . : / = + - @"
)
RESERVED_PREFIX = "aws:"


def _tag_characters_ok(text: str) -> bool:
    return all(char in TAG_SYMBOLS or unicodedata.category(char)[0] in "LZN" for char in text)


def validate_tag_key(key: str) -> str:
    """A tag key as TagResource takes it: 1 to 128 characters of the tag character set, not
    starting with aws: in any case. InvalidParameterException otherwise."""
    if not key:
        raise InvalidParameterException("Enter a key for the tag.", field="key")
    if len(key) > TAG_KEY_MAX:
        raise InvalidParameterException(
            f"A tag key can be up to {TAG_KEY_MAX} characters long.", field="key"
        )
    if not _tag_characters_ok(key):
        raise InvalidParameterException(f"A tag key {TAG_CHARACTERS_RULE}.", field="key")
    if key.lower().startswith(RESERVED_PREFIX):
        raise InvalidParameterException(
            f'A tag key can\'t start with "{RESERVED_PREFIX}", which is reserved for AWS.',
            field="key",
        )
    return key


def validate_tag_value(value: str) -> str:
    """A tag value: 0 to 256 characters of the tag character set."""
    if len(value) > TAG_VALUE_MAX:
        raise InvalidParameterException(
            f"A tag value can be up to {TAG_VALUE_MAX} characters long.", field="value"
        )
    if not _tag_characters_ok(value):
        raise InvalidParameterException(f"A tag value {TAG_CHARACTERS_RULE}.", field="value")
    return value


# The only ARN WorkMail's tag operations take: an organization's (Organization.arn).
ORGANIZATION_ARN = re.compile(r"arn:aws:workmail:[a-z0-9-]+:\d{12}:organization/(m-[0-9a-f]{32})")


def tagged_organization(*, account: Account, region: str, resource_arn: str) -> Organization:
    """The organization a tag operation's ResourceARN names (TagResource, UntagResource,
    ListTagsForResource): ResourceNotFoundException for any other ARN, an unknown organization,
    or another account's or Region's."""
    named = ORGANIZATION_ARN.fullmatch(resource_arn)
    rows = Organization.objects.in_scope(account, region)
    organization = rows.filter(pk=named[1]).first() if named else None
    if organization is None or organization.arn != resource_arn:
        raise ResourceNotFoundException(f"The resource {resource_arn} was not found.")
    return organization


def _at_most_fifty(items: list, what: str) -> None:
    if len(items) > TAGS_MAX:
        raise InvalidParameterException(f"A request can name up to {TAGS_MAX} {what}.")


def list_tags_for_resource(*, organization: Organization) -> list[OrganizationTag]:
    """ListTagsForResource: the organization's tags, by key."""
    return list(OrganizationTag.objects.filter(organization=organization).order_by("key"))


def tag_resource(*, organization: Organization, tags: list[tuple[str, str]]) -> None:
    """TagResource: add these tags; a key the organization has already takes the new value.
    TooManyTagsException if it would have more than 50."""
    _at_most_fifty(tags, "tags")
    for key, value in tags:
        validate_tag_key(key)
        validate_tag_value(value)
    keys = {key for key, _ in tags}
    if len(keys) < len(tags):
        raise InvalidParameterException("Each tag key can be given only once.", field="key")
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing="tags")
        rows = OrganizationTag.objects.filter(organization=organization)
        if len(keys | set(rows.values_list("key", flat=True))) > TAGS_MAX:
            raise TooManyTagsException(f"The resource can have up to {TAGS_MAX} user-applied tags.")
        OrganizationTag.objects.bulk_create(
            [OrganizationTag(organization=organization, key=k, value=v) for k, v in tags],
            update_conflicts=True, unique_fields=["organization", "key"], update_fields=["value"],
        )  # fmt: skip


def untag_resource(*, organization: Organization, tag_keys: list[str]) -> None:
    """UntagResource: remove the tags with these keys; a key the organization doesn't have is
    no error."""
    _at_most_fifty(tag_keys, "tag keys")
    for key in tag_keys:
        if not key or len(key) > TAG_KEY_MAX:
            raise InvalidParameterException(
                f"A tag key is 1 to {TAG_KEY_MAX} characters long.", field="key"
            )
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing="tags")
        OrganizationTag.objects.filter(organization=organization, key__in=tag_keys).delete()


def save_tags(
    *, organization: Organization, tags: list[tuple[str, str]], removed_keys: list[str]
) -> None:
    """Tags > Manage tags > Save: UntagResource for the keys removed (or renamed), then
    TagResource for the rest, in one transaction: both happen, or neither."""
    with transaction.atomic():
        if removed_keys:
            untag_resource(organization=organization, tag_keys=removed_keys)
        tag_resource(organization=organization, tags=tags)


# --- Retention policy -------------------------------------------------------------------------

PERIOD_MIN, PERIOD_MAX = 1, 730  # RetentionPeriod, days
SHORT_STRING = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # the policy's Id and Name
DESCRIPTION_MAX = 256
DEFAULT_POLICY_NAME = "default"  # what the console names the policy it saves (ours)
PERIOD_RULE = f"Enter a number of days from {PERIOD_MIN} to {PERIOD_MAX}."


def validate_period(action: str, period: int | None, *, field: str = "period") -> int | None:
    """The days of a folder's action: 1 to 730, and required unless the action is None."""
    if period is None:
        if action != RetentionAction.NONE:
            raise InvalidParameterException(
                f"Enter the number of days to keep email messages before the action"
                f" ({PERIOD_MIN} to {PERIOD_MAX}).",
                field=field,
            )
        return None
    if isinstance(period, bool) or not isinstance(period, int):
        raise InvalidParameterException(PERIOD_RULE, field=field)
    if not PERIOD_MIN <= period <= PERIOD_MAX:
        raise InvalidParameterException(PERIOD_RULE, field=field)
    return period


def _validate_folders(folders: Iterable[FolderConfiguration]) -> list[FolderConfiguration]:
    folders = list(folders)
    names = [folder.name for folder in folders]
    if any(name not in FolderName.values for name in names):
        raise InvalidParameterException("A folder is one of " + ", ".join(FolderName.values) + ".")
    if len(set(names)) < len(names):
        raise InvalidParameterException("Each folder can be configured only once.")
    for folder in folders:
        if folder.action not in RetentionAction.values:
            raise InvalidParameterException(
                "A folder's action is one of " + ", ".join(RetentionAction.values) + ".",
                field=f"{folder.name.lower()}_action",
            )
        validate_period(folder.action, folder.period, field=f"{folder.name.lower()}_period")
    return folders


def _validate_short_string(value: str, member: str) -> str:
    if not isinstance(value, str) or not SHORT_STRING.fullmatch(value):
        raise InvalidParameterException(
            f"The policy's {member} is 1 to 64 letters (a-z, A-Z), numbers, underscores (_)"
            " and hyphens (-)."
        )
    return value


def put_retention_policy(
    *,
    organization: Organization,
    name: str,
    folder_configurations: Iterable[FolderConfiguration],
    policy_id: str | None = None,
    description: str = "",
) -> RetentionPolicy:
    """Retention policy > Save (PutRetentionPolicy): the organization's one policy, written
    whole. Without an ID it keeps the policy's own (a new one gets one); another policy's ID,
    while it has one, is LimitExceededException (an organization has one policy: ours)."""
    _validate_short_string(name, "name")
    if policy_id is not None:
        _validate_short_string(policy_id, "ID")
    if len(description) > DESCRIPTION_MAX or "\x00" in description:
        raise InvalidParameterException(
            f"The description can be up to {DESCRIPTION_MAX} characters long."
        )
    folders = _validate_folders(folder_configurations)
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing="the retention policy")
        policy = RetentionPolicy.objects.filter(organization=organization).first()
        if policy is not None and policy_id not in (None, policy.policy_id):
            raise LimitExceededException(
                f"The organization {organization.alias} already has a retention policy"
                f" ({policy.policy_id}). Put that one, or delete it first."
            )
        if policy is None:
            policy = RetentionPolicy(
                organization=organization, policy_id=policy_id or str(uuid.uuid4())
            )
        policy.name, policy.description = name, description
        policy.save()
        policy.folder_configurations.all().delete()
        for folder in folders:
            folder.pk, folder.policy = None, policy
        FolderConfiguration.objects.bulk_create(folders)
    return policy


def get_default_retention_policy(*, organization: Organization) -> RetentionPolicy:
    """Retention policy page (GetDefaultRetentionPolicy): EntityNotFoundException if the
    organization never saved one."""
    organization.require_state(*READABLE, managing="the retention policy")
    policy = RetentionPolicy.objects.filter(organization=organization).first()
    if policy is None:
        raise EntityNotFoundException(
            f"The organization {organization.alias} has no retention policy."
        )
    return policy


def delete_retention_policy(*, organization: Organization, policy_id: str) -> None:
    """Retention policy > Delete (DeleteRetentionPolicy): a policy already gone is no error."""
    _validate_short_string(policy_id, "ID")
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing="the retention policy")
        RetentionPolicy.objects.filter(organization=organization, policy_id=policy_id).delete()


# --- Mobile device policy -------------------------------------------------------------------

# What each number of the policy may be (ours: AWS publishes no ranges); empty is not enforced.
MOBILE_POLICY_RANGES = {
    "minimal_password_length": (1, 16),  # characters
    "number_of_failed_attempts_allowed": (4, 16),
    "password_expiration": (1, 730),  # days
    "enable_screen_lock": (1, 9999),  # seconds
    "enforce_password_history": (1, 50),  # passwords
}
MOBILE_POLICY_SWITCHES = (
    "require_encryption_on_device", "require_encryption_on_storage_card", "password_required",
    "allow_simple_password", "require_alphanumeric_password",
)  # fmt: skip


def validate_mobile_policy_number(name: str, number: int | None) -> int | None:
    """A number of the mobile device policy: in its range, or None (not enforced)."""
    low, high = MOBILE_POLICY_RANGES[name]
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
        raise InvalidParameterException(
            f"Enter a number from {low} to {high}, or leave it empty.", field=name
        )
    return number


def get_mobile_device_policy(*, organization: Organization) -> MobileDevicePolicy:
    """Mobile policy page: the organization's policy, or the default one until it saves one."""
    organization.require_state(*READABLE, managing="the mobile device policy")
    found = MobileDevicePolicy.objects.filter(organization=organization).first()
    return found or MobileDevicePolicy(organization=organization)


def update_mobile_device_policy(
    *, organization: Organization, **settings: bool | int | None
) -> MobileDevicePolicy:
    """Mobile policy > Edit > Save: the settings given change; the others stay as they are."""
    for name, setting in settings.items():
        if name in MOBILE_POLICY_RANGES:
            validate_mobile_policy_number(name, setting)  # type: ignore[arg-type]
        elif name not in MOBILE_POLICY_SWITCHES or not isinstance(setting, bool):
            raise InvalidParameterException(f"{name} is not a setting of the mobile policy.")
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing="the mobile device policy")
        policy, _ = MobileDevicePolicy.objects.get_or_create(organization=organization)
        for name, setting in settings.items():
            setattr(policy, name, setting)
        policy.save()
    return policy


# --- Availability configurations ----------------------------------------------------------------

AVAILABILITY = "availability configurations"  # what the state errors say can't be managed
# An organization's availability configurations: ours (AWS names LimitExceededException, no number).
AVAILABILITY_CONFIGURATIONS_MAX = 100
DOMAIN_NAME = re.compile(r"[a-zA-Z0-9.-]+", re.ASCII)  # DomainName, 3 to 255 characters
DOMAIN_NAME_MIN, DOMAIN_NAME_MAX = 3, 255
EWS_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?/.*", re.ASCII)  # Url, up to 256
EXTERNAL_TEXT = re.compile("[\u0020-\u00ff]+")  # ExternalUserName and Password, up to 256
EWS_MEMBER_MAX = 256
LAMBDA_ARN = re.compile(
    r"arn:aws:lambda:[a-z]{2}-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9\-_\.]+"
    r"(:(\$LATEST|[a-zA-Z0-9\-_]+))?",
    re.ASCII,
)
LAMBDA_ARN_MIN, LAMBDA_ARN_MAX = 49, 256


@dataclass(frozen=True)
class EwsProvider:
    """EwsAvailabilityProvider: the EWS server and who signs in to it. The password never shows
    in a repr (nor so in a log or a traceback)."""

    ews_endpoint: str
    ews_username: str
    ews_password: str = field(repr=False)


@dataclass(frozen=True)
class LambdaProvider:
    """LambdaAvailabilityProvider: the Lambda function that answers."""

    lambda_arn: str


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def validate_availability_domain(domain_name: str) -> str:
    """An availability configuration's DomainName: 3 to 255 letters, numbers, periods and
    hyphens, as the model has it (the other system's domain: it needn't be the organization's)."""
    domain_name = _text(domain_name)
    if not domain_name:
        raise InvalidParameterException("Enter a domain.", field="domain_name")
    if not DOMAIN_NAME_MIN <= len(domain_name) <= DOMAIN_NAME_MAX:
        raise InvalidParameterException(
            f"The domain must be {DOMAIN_NAME_MIN} to {DOMAIN_NAME_MAX} characters long.",
            field="domain_name",
        )
    if not DOMAIN_NAME.fullmatch(domain_name):
        raise InvalidParameterException(
            "The domain can contain only letters (a-z, A-Z), numbers (0-9), periods (.) and"
            " hyphens (-).",
            field="domain_name",
        )
    return domain_name


def _validate_external_text(value: str, *, what: str, field: str) -> None:
    if not value:
        raise InvalidParameterException(f"Enter the {what}.", field=field)
    if len(value) > EWS_MEMBER_MAX:
        raise InvalidParameterException(
            f"The {what} can be up to {EWS_MEMBER_MAX} characters long.", field=field
        )
    if not EXTERNAL_TEXT.fullmatch(value):
        raise InvalidParameterException(
            f"The {what} can contain only Basic Latin and Latin-1 characters (U+0020 to U+00FF),"
            " with no line breaks.",
            field=field,
        )


def validate_ews_provider(provider: EwsProvider) -> EwsProvider:
    """EwsProvider's three members as the model has them: the URL's pattern, the user name and
    password of 1 to 256 Latin-1 characters."""
    endpoint = _text(provider.ews_endpoint)
    if not endpoint:
        raise InvalidParameterException("Enter the EWS URL.", field="ews_endpoint")
    if len(endpoint) > EWS_MEMBER_MAX:
        raise InvalidParameterException(
            f"The EWS URL can be up to {EWS_MEMBER_MAX} characters long.", field="ews_endpoint"
        )
    if not EWS_ENDPOINT.fullmatch(endpoint):
        raise InvalidParameterException(
            "Enter an EWS URL such as https://mail.example.com/EWS/Exchange.asmx: http:// or https://,"
            " the server's name (letters, numbers, periods and hyphens), an optional :port, then"
            " a path starting with /.",
            field="ews_endpoint",
        )
    _validate_external_text(
        _text(provider.ews_username), what="user email address", field="ews_username"
    )
    _validate_external_text(_text(provider.ews_password), what="password", field="ews_password")
    return provider


def validate_lambda_provider(provider: LambdaProvider) -> LambdaProvider:
    """LambdaProvider's ARN: 49 to 256 characters of a Lambda function's ARN."""
    arn = _text(provider.lambda_arn)
    if not arn:
        raise InvalidParameterException("Enter the ARN of the Lambda function.", field="lambda_arn")
    if not (LAMBDA_ARN_MIN <= len(arn) <= LAMBDA_ARN_MAX and LAMBDA_ARN.fullmatch(arn)):
        raise InvalidParameterException(
            "Enter the ARN of a Lambda function, such as"
            " arn:aws:lambda:us-east-1:111122223333:function:availability (49 to 256 characters).",
            field="lambda_arn",
        )
    return provider


def _one_provider(
    ews_provider: EwsProvider | None, lambda_provider: LambdaProvider | None
) -> EwsProvider | LambdaProvider:
    if (ews_provider is None) == (lambda_provider is None):
        raise InvalidParameterException(
            "Give exactly one provider: an EWS provider or a Lambda provider."
        )
    if ews_provider is not None:
        return validate_ews_provider(ews_provider)
    return validate_lambda_provider(lambda_provider)  # type: ignore[arg-type]


def _provide(configuration: AvailabilityConfiguration, provider: EwsProvider | LambdaProvider):
    """Set the configuration's provider, and only that one."""
    ews = isinstance(provider, EwsProvider)
    configuration.provider_type = ProviderType.EWS if ews else ProviderType.LAMBDA
    configuration.ews_endpoint = provider.ews_endpoint if ews else ""
    configuration.ews_username = provider.ews_username if ews else ""
    configuration.ews_password = provider.ews_password if ews else ""
    configuration.lambda_arn = "" if ews else provider.lambda_arn


def _configurations(organization: Organization, domain_name: str):
    return (
        AvailabilityConfiguration.objects.filter(organization=organization)
        .alias(folded=Lower("domain_name"))
        .filter(folded=domain_name.lower())
    )


def create_availability_configuration(
    *,
    organization: Organization,
    domain_name: str,
    ews_provider: EwsProvider | None = None,
    lambda_provider: LambdaProvider | None = None,
) -> AvailabilityConfiguration:
    """Add availability configuration (CreateAvailabilityConfiguration): one per domain in the
    organization, in any case (NameAvailabilityException, held by a unique constraint), up to
    100 (LimitExceededException, counted under the organization's lock)."""
    validate_availability_domain(domain_name)
    provider = _one_provider(ews_provider, lambda_provider)
    now = timezone.now()
    configuration = AvailabilityConfiguration(
        organization=organization, domain_name=domain_name, date_created=now, date_modified=now
    )
    _provide(configuration, provider)
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=AVAILABILITY)
        count = AvailabilityConfiguration.objects.filter(organization=organization).count()
        if count >= AVAILABILITY_CONFIGURATIONS_MAX:
            raise LimitExceededException(
                f"The organization {organization.alias} has {AVAILABILITY_CONFIGURATIONS_MAX}"
                " availability configurations, the most it can have. Remove one first."
            )
        try:
            with transaction.atomic():
                configuration.save()
        except IntegrityError:
            raise NameAvailabilityException(
                f"The domain {domain_name} already has an availability configuration in this"
                " organization.",
                field="domain_name",
            ) from None
    return configuration


def update_availability_configuration(
    *,
    organization: Organization,
    domain_name: str,
    ews_provider: EwsProvider | None = None,
    lambda_provider: LambdaProvider | None = None,
) -> AvailabilityConfiguration:
    """UpdateAvailabilityConfiguration: the domain's configuration gets this provider instead
    of its own; ResourceNotFoundException if the domain has none."""
    validate_availability_domain(domain_name)
    provider = _one_provider(ews_provider, lambda_provider)
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=AVAILABILITY)
        configuration = _configurations(organization, domain_name).first()
        if configuration is None:
            raise ResourceNotFoundException(
                f"The domain {domain_name} has no availability configuration in this organization.",
                field="domain_name",
            )
        _provide(configuration, provider)
        configuration.date_modified = timezone.now()
        configuration.save()
    return configuration


def delete_availability_configuration(*, organization: Organization, domain_name: str) -> None:
    """Remove (DeleteAvailabilityConfiguration): a domain without one is no error."""
    validate_availability_domain(domain_name)
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=AVAILABILITY)
        _configurations(organization, domain_name).delete()


def list_availability_configurations(
    *, organization: Organization
) -> list[AvailabilityConfiguration]:
    """Interoperability tab (ListAvailabilityConfigurations): the configurations, by domain."""
    organization.require_state(*READABLE, managing=AVAILABILITY)
    return list(AvailabilityConfiguration.objects.filter(organization=organization))


def find_availability_configuration(
    *, organization: Organization, domain_name: str
) -> AvailabilityConfiguration | None:
    """The domain's configuration (in any case), or None (a name no domain can have too)."""
    organization.require_state(*READABLE, managing=AVAILABILITY)
    try:
        validate_availability_domain(domain_name)
    except InvalidParameterException:
        return None
    return _configurations(organization, domain_name).first()


# --- Journaling ---------------------------------------------------------------------------------

JOURNALING = "journaling"
JOURNALING_SENDER = "amazonjournaling"  # "automatically added to your domain", no mailbox
EMAIL_ADDRESS = re.compile(rf"{LOCAL_PART_PATTERN.pattern}@{DOMAIN_PATTERN.pattern}", re.ASCII)


def journaling_sender(organization: Organization) -> str:
    """The address journal records are sent from: amazonjournaling@<alias>.awsapps.com."""
    return f"{JOURNALING_SENDER}@{organization.test_domain}"


def validate_journaling_address(address: str, *, label: str, field: str, required: bool) -> str:
    """One of journaling's two addresses: needed while journaling is on; an EmailAddress (the
    API's pattern, up to 254 characters) whenever it is given."""
    address = _text(address)
    if not address:
        if required:
            raise InvalidParameterException(
                f"Enter the {label}: journaling that is on needs both addresses.", field=field
            )
        return address
    if len(address) > EMAIL_MAX or not EMAIL_ADDRESS.fullmatch(address):
        raise InvalidParameterException(
            f"Enter the {label} as name@example.com: up to 64 letters, numbers and . _ % + -"
            " before the @, then a domain (up to 254 characters in all).",
            field=field,
        )
    return address


def _journaling_addresses_checked(
    organization: Organization, journaling_email_address: str, report_email_address: str
) -> None:
    """The rules that read the organization: the journaling address is the provider's, outside
    the organization's domains; the report address has a mailbox (not the reserved sender)."""
    domain = journaling_email_address.rpartition("@")[2].lower()
    own = {organization.test_domain, *organization.mail_domains.values_list("name", flat=True)}
    if journaling_email_address and domain in own:
        raise InvalidParameterException(
            f"The journaling email address is given by your email journaling provider: it can't"
            f" be at {domain}, a domain of this organization.",
            field="journaling_email_address",
        )
    if report_email_address.lower() == journaling_sender(organization):
        raise InvalidParameterException(
            f"{journaling_sender(organization)} sends the journal records and has no mailbox."
            " Enter the email administrator's address.",
            field="report_email_address",
        )


def get_journaling_configuration(*, organization: Organization) -> JournalingConfiguration:
    """Journaling tab: the organization's journaling, Off until it is first saved."""
    organization.require_state(*READABLE, managing=JOURNALING)
    found = JournalingConfiguration.objects.filter(organization=organization).first()
    return found or JournalingConfiguration(organization=organization)


def update_journaling_configuration(
    *,
    organization: Organization,
    enabled: bool,
    journaling_email_address: str = "",
    report_email_address: str = "",
) -> JournalingConfiguration:
    """Journaling > Edit > Save: the status and both addresses, which apply immediately. The
    organization's one row is made by its first save, under the organization's lock."""
    if not isinstance(enabled, bool):
        raise InvalidParameterException("The journaling status is on or off.")
    journaling_email_address = validate_journaling_address(
        journaling_email_address, label="journaling email address",
        field="journaling_email_address", required=enabled,
    )  # fmt: skip
    report_email_address = validate_journaling_address(
        report_email_address, label="report email address", field="report_email_address",
        required=enabled,
    )  # fmt: skip
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=JOURNALING)
        _journaling_addresses_checked(organization, journaling_email_address, report_email_address)
        configuration, _ = JournalingConfiguration.objects.update_or_create(
            organization=organization,
            defaults={
                "enabled": enabled,
                "journaling_email_address": journaling_email_address,
                "report_email_address": report_email_address,
                "date_modified": timezone.now(),
            },
        )
    return configuration
