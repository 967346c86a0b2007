"""An organization's own settings: its tags (TagResource, UntagResource, ListTagsForResource), its
retention policy (PutRetentionPolicy, GetDefaultRetentionPolicy, DeleteRetentionPolicy) and its
mobile device policy (console-only: no API).

Only an Active organization's settings change, and every change runs with the organization's row
locked: twenty admins adding tags at once still leave at most fifty. Tags are read in any state
(ListTagsForResource has no state error); the policies while what lives inside the organization
can be read (Active or Inactive).
"""

import re
import unicodedata
import uuid
from collections.abc import Iterable

from django.db import transaction

from organizations.lifecycle import State
from organizations.models import (
    FolderConfiguration,
    FolderName,
    MobileDevicePolicy,
    Organization,
    OrganizationTag,
    RetentionAction,
    RetentionPolicy,
)
from users.services import READABLE
from workmail_console.errors import (
    EntityNotFoundException,
    InvalidParameterException,
    LimitExceededException,
    TooManyTagsException,
)

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
