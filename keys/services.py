"""KMS key actions: one function per console action / KMS operation; the pages call these.

State changes are moves on the key lifecycle (keys.lifecycle; a compare-and-set that writes the
key's event with it), so two people acting on one key at once can't both win, and each change
that happens sends `keys.signals.key_changed` once it is committed.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from keys.errors import (
    AlreadyExistsException,
    InvalidAliasNameException,
    KMSInvalidStateException,
    NotFoundException,
    UnsupportedOperationException,
    ValidationException,
)
from keys.models import (
    ALIAS_MAX_LENGTH,
    ALIAS_PATTERN,
    RESERVED_ALIAS_PREFIX,
    SPEC_USAGES,
    WORKMAIL_MANAGED_ALIAS,
    Key,
    KeyAdministrator,
    KeyAlias,
    KeyEvent,
    KeyManager,
    KeySpec,
    KeyState,
    KeyUsage,
)
from keys.signals import key_changed
from workmail_console import db, lifecycle
from workmail_console.db import savepoint_if_nested
from workmail_console.models import Account, Membership

# ScheduleKeyDeletion's PendingWindowInDays.
WAITING_PERIOD_MIN = 7
WAITING_PERIOD_MAX = 30
WAITING_PERIOD_DEFAULT = 30
WAITING_PERIOD_RULE = (
    f"The waiting period must be between {WAITING_PERIOD_MIN} and {WAITING_PERIOD_MAX} days."
)
DESCRIPTION_MAX_LENGTH = 8192  # CreateKey's Description
ALIAS_NAME_TOO_LONG = f"The alias name can have at most {ALIAS_MAX_LENGTH} characters."
# Keys finished per statement by delete_due_keys.
DELETION_BATCH = 500


# --- Rules ---------------------------------------------------------------------------------------


def validate_alias_name(name: str) -> str:
    """An alias name KMS accepts for a customer managed key, or InvalidAliasNameException."""
    if len(name) > ALIAS_MAX_LENGTH:
        raise InvalidAliasNameException(ALIAS_NAME_TOO_LONG, field="alias_name")
    if not ALIAS_PATTERN.fullmatch(name):
        raise InvalidAliasNameException(
            "The alias name must begin with alias/ followed by a name that contains only"
            " alphanumeric characters, forward slashes (/), underscores (_), and dashes (-).",
            field="alias_name",
        )
    if name.startswith(RESERVED_ALIAS_PREFIX):
        raise InvalidAliasNameException(
            "The alias name cannot begin with alias/aws/. The alias/aws/ prefix is reserved for"
            " AWS managed keys.",
            field="alias_name",
        )
    return name


def validate_waiting_period(days: Any) -> int:
    """Schedule key deletion's waiting period: 7 to 30 days."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days is None or not WAITING_PERIOD_MIN <= days <= WAITING_PERIOD_MAX:
        raise ValidationException(WAITING_PERIOD_RULE, field="pending_window_in_days")
    return days


def validate_key_spec(key_spec: str, key_usage: str) -> None:
    """CreateKey's KeySpec and KeyUsage: known values, and a usage the spec supports."""
    if key_spec not in KeySpec.values:
        raise ValidationException(f"KeySpec {key_spec} is not supported.", field="key_spec")
    if key_usage not in KeyUsage.values:
        raise ValidationException(f"KeyUsage {key_usage} is not supported.", field="key_usage")
    if key_usage not in SPEC_USAGES[key_spec]:
        raise ValidationException(
            f"KeyUsage {key_usage} is not compatible with KeySpec {key_spec}.", field="key_usage"
        )


def key_problem(key: Key, *, region: str) -> str | None:
    """Why the key can't encrypt an organization's mailboxes, in the console's words, or None."""
    if key.deleted:
        return f"The KMS key {key.arn} does not exist."
    if key.key_state == KeyState.PENDING_DELETION:
        return f"The KMS key {key.arn} is pending deletion."
    if key.key_state != KeyState.ENABLED:
        return f"The KMS key {key.arn} is disabled."
    if key.key_spec != KeySpec.SYMMETRIC_DEFAULT or key.key_usage != KeyUsage.ENCRYPT_DECRYPT:
        return f"The KMS key {key.arn} is not a symmetric encryption key."
    if key.region != region:
        return f"The KMS key {key.arn} is in another Region."
    return None


# --- Reading -------------------------------------------------------------------------------------


def list_keys(*, account: Account, region: str) -> tuple[list[Key], list[Key]]:
    """Customer managed keys and AWS managed keys pages (ListKeys): oldest first, with aliases."""
    keys = list(Key.objects.in_scope(account, region).prefetch_related("aliases"))
    customer = [key for key in keys if not key.is_aws_managed]
    aws = [key for key in keys if key.is_aws_managed]
    return customer, aws


def customer_managed_keys(*, account: Account, region: str, containing: str = "") -> QuerySet[Key]:
    """Customer managed keys page: oldest first, with aliases; with `containing`, those whose ID,
    an alias or the description contains it (the table's text filter, any case)."""
    keys = Key.objects.in_scope(account, region).filter(key_manager=KeyManager.CUSTOMER)
    if containing:
        matching = Key.objects.filter(
            Q(key_id__icontains=containing) | Q(aliases__name__icontains=containing)
            | Q(description__icontains=containing)
        )  # fmt: skip
        keys = keys.filter(pk__in=matching.values("pk"))
    return keys.prefetch_related("aliases")


def get_key(*, account: Account, region: str, key_id: Any) -> Key:
    """DescribeKey: another account's key, or a deleted one, does not exist for this caller."""
    key = (
        Key.objects.in_scope(account, region)
        .prefetch_related("aliases", "administrators")
        .filter(key_id=key_id)
        .first()
    )
    if key is None:
        raise NotFoundException(
            f"Key 'arn:aws:kms:{region}:{account.account_id}:key/{key_id}' does not exist"
        )
    return key


def describe_key(*, account: Account, region: str, key_id: str) -> Key:
    """DescribeKey's KeyId, for whatever uses a key (Use existing KMS key): a key ID, key ARN,
    alias name or alias ARN of this account and Region. Any other account's key, a key of
    another Region and a deleted key do not exist for this caller."""
    scope = Key.objects.in_scope(account, region)
    name = key_id
    if key_id.startswith("arn:"):
        parts = key_id.split(":", 5)
        if len(parts) != 6 or parts[:3] != ["arn", "aws", "kms"]:
            raise NotFoundException(f"Invalid arn {key_id}")
        if (parts[3], parts[4]) != (region, account.account_id):
            raise NotFoundException(f"Key '{key_id}' does not exist")
        name = parts[5].removeprefix("key/")
    if name.startswith("alias/"):
        key = scope.filter(aliases__name=name).first()
        if key is None:
            raise NotFoundException(
                f"Alias arn:aws:kms:{region}:{account.account_id}:{name} is not found."
            )
        return key
    try:
        key = scope.filter(key_id=uuid.UUID(name)).first()
    except ValueError:
        key = None
    if key is None:
        raise NotFoundException(f"Key '{key_id}' does not exist")
    return key


# --- Creating ------------------------------------------------------------------------------------


def create_key(
    *,
    account: Account,
    region: str,
    key_spec: str = KeySpec.SYMMETRIC_DEFAULT,
    key_usage: str = KeyUsage.ENCRYPT_DECRYPT,
    description: str = "",
    alias_name: str | None = None,
    administrators: Iterable[AbstractBaseUser] = (),
) -> Key:
    """Create key (CreateKey, and CreateAlias for its alias): a customer managed key, Enabled."""
    validate_key_spec(key_spec, key_usage)
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationException(
            f"The description can have at most {DESCRIPTION_MAX_LENGTH} characters.",
            field="description",
        )
    if alias_name is not None:
        validate_alias_name(alias_name)
    administrators = list({user.pk: user for user in administrators}.values())
    _check_members(account, administrators)
    key = Key(
        account=account,
        region=region,
        key_manager=KeyManager.CUSTOMER,
        key_spec=key_spec,
        key_usage=key_usage,
        description=description,
    )
    try:
        with transaction.atomic():
            key.insert(reason="Created (CreateKey)", savepoint=False)  # one failure undoes all
            if alias_name is not None:
                KeyAlias.objects.create(key=key, account=account, region=region, name=alias_name)
            KeyAdministrator.objects.bulk_create(
                KeyAdministrator(key=key, user=user) for user in administrators
            )
    except IntegrityError:
        if alias_name is None:
            raise
        raise _alias_exists(alias_name) from None  # the alias's unique constraint decided
    return key


def _check_members(account: Account, users: list[AbstractBaseUser]) -> None:
    if Membership.objects.filter(account=account, user__in=users).count() != len(users):
        raise ValidationException(
            "Key administrators must be members of this account.", field="administrators"
        )


def _alias_exists(name: str | None) -> AlreadyExistsException:
    return AlreadyExistsException(
        f"An alias with the name {name} already exists", field="alias_name"
    )


def workmail_managed_key(*, account_id: str, region: str) -> Key:
    """Use an Amazon WorkMail managed key: the account's aws/workmail key, made on first use.

    The alias's unique constraint makes asking at the same moment, from anywhere, make one key:
    the loser's key and alias are rolled back together, and it reads the winner's.
    """
    if existing := _managed_key(account_id, region):
        return existing
    key = Key(
        account_id=account_id,
        region=region,
        key_manager=KeyManager.AWS,
        description="Default key that protects my WorkMail mailboxes when no other key is defined",
    )
    try:
        with transaction.atomic():
            key.insert(reason="Created for Amazon WorkMail", savepoint=False)
            KeyAlias.objects.create(
                key=key, account_id=account_id, region=region, name=WORKMAIL_MANAGED_ALIAS
            )
    except IntegrityError:
        return _managed_key(account_id, region)
    return key


def _managed_key(account_id: str, region: str) -> Key | None:
    """The account's aws/workmail key, as every organization's Creating step asks for it (the
    statement written out: workmail_console.db)."""
    key = db.columns(Key, "k")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key.sql} FROM {db.quote(Key._meta.db_table)} k"
            f" JOIN {db.quote(KeyAlias._meta.db_table)} a ON a.key_id = k.id"
            " WHERE a.account_id = %s AND a.region = %s AND a.name = %s",
            [account_id, region, WORKMAIL_MANAGED_ALIAS],
        )
        row = cursor.fetchone()
    return key.load(row) if row else None


# --- Key actions ---------------------------------------------------------------------------------


def _move(
    key: Key, sources: set[KeyState], target: KeyState, *, reason: str, **changes: Any
) -> bool:
    """Move the key to `target` if it is in one of `sources` (with its event); True if this
    call moved it."""
    if not key.transition(target, reason=reason, source=sources, **changes):
        return False
    _send_changed(key)
    return True


def _send_changed(key: Key) -> None:
    transaction.on_commit(lambda: key_changed.send(sender=Key, key=key))


def _current(key: Key) -> Key:
    """The key as stored now; NotFoundException once it is deleted."""
    current = Key.objects.existing().filter(pk=key.pk).first()
    if current is None:
        raise NotFoundException(f"Key '{key.arn}' does not exist")
    return current


def _refuse_aws_managed(key: Key, action: str) -> None:
    if key.is_aws_managed:
        raise UnsupportedOperationException(f"You can't {action} an AWS managed key ({key.arn}).")


def disable_key(key: Key) -> Key:
    """Key actions > Disable (DisableKey). Disabling a disabled key changes nothing."""
    _refuse_aws_managed(key, "disable")
    if _move(key, {KeyState.ENABLED}, KeyState.DISABLED, reason="Disabled (DisableKey)"):
        return key
    current = _current(key)
    if current.key_state != KeyState.DISABLED:
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    return current


def enable_key(key: Key) -> Key:
    """Key actions > Enable (EnableKey). Enabling an enabled key changes nothing."""
    if _move(key, {KeyState.DISABLED}, KeyState.ENABLED, reason="Enabled (EnableKey)"):
        return key
    current = _current(key)
    if current.key_state != KeyState.ENABLED:
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    return current


def deletion_date_after(days: int, *, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=days)


def schedule_key_deletion(key: Key, pending_window_in_days: Any = WAITING_PERIOD_DEFAULT) -> Key:
    """Key actions > Schedule key deletion (ScheduleKeyDeletion): PendingDeletion until the
    deletion date, then delete_due_keys deletes it."""
    _refuse_aws_managed(key, "schedule the deletion of")
    days = validate_waiting_period(pending_window_in_days)
    sources = {KeyState.ENABLED, KeyState.DISABLED}
    date = deletion_date_after(days)
    reason = f"Deletion scheduled for {date:%b %-d, %Y} (ScheduleKeyDeletion, {days} days)"
    if _move(key, sources, KeyState.PENDING_DELETION, reason=reason, deletion_date=date):
        return key
    _current(key)
    raise KMSInvalidStateException(f"{key.arn} is pending deletion.")


def cancel_key_deletion(key: Key) -> Key:
    """Key actions > Cancel key deletion (CancelKeyDeletion): the key comes back Disabled."""
    reason = "Deletion cancelled (CancelKeyDeletion)"
    sources = {KeyState.PENDING_DELETION}
    if _move(key, sources, KeyState.DISABLED, reason=reason, deletion_date=None):
        return key
    _current(key)
    raise KMSInvalidStateException(f"{key.arn} is not pending deletion.")


def create_alias(key: Key, alias_name: str) -> KeyAlias:
    """Aliases > Create alias (CreateAlias): unique in the account and Region."""
    _refuse_aws_managed(key, "add an alias to")
    validate_alias_name(alias_name)
    if _current(key).key_state == KeyState.PENDING_DELETION:
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    alias = KeyAlias(key=key, account_id=key.account_id, region=key.region, name=alias_name)
    try:
        with savepoint_if_nested():
            alias.save(force_insert=True)
    except IntegrityError:
        raise _alias_exists(alias_name) from None
    return alias


def delete_alias(key: Key, alias_name: str) -> None:
    """Aliases > Delete (DeleteAlias): the alias goes; the key stays."""
    _refuse_aws_managed(key, "remove an alias from")
    deleted, _ = KeyAlias.objects.filter(key=key, name=alias_name).delete()
    if not deleted:
        raise NotFoundException(
            f"Alias arn:aws:kms:{key.region}:{key.account_id}:{alias_name} is not found.",
            field="alias_name",
        )


def add_key_administrator(key: Key, user: AbstractBaseUser) -> bool:
    """Key administrators > Make yourself a key administrator. False if they already were."""
    _refuse_aws_managed(key, "change the key administrators of")
    _check_members(key.account, [user])
    _current(key)
    with savepoint_if_nested():
        _, added = KeyAdministrator.objects.get_or_create(key=key, user=user)
    return added


# --- The end of the waiting period ---------------------------------------------------------------


def delete_due_keys(*, now: datetime | None = None, batch: int = DELETION_BATCH) -> int:
    """Delete the keys whose deletion date has passed, with their aliases; how many.

    Each batch is one locked read, one UPDATE and the keys' events; the lock (skipping rows
    another run holds) makes a Cancel key deletion at the same moment either win before or find
    the key gone.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            due = list(
                Key.objects.filter(key_state=KeyState.PENDING_DELETION, deletion_date__lte=now)
                .order_by("deletion_date", "pk")
                .select_for_update(skip_locked=True)[:batch]
            )
            if not due:
                return total
            ids = [key.pk for key in due]
            moved_at = timezone.now()
            Key.objects.filter(pk__in=ids).update(
                key_state=KeyState.DELETED, key_state_changed_at=moved_at
            )
            reason = "Deleted: the waiting period ended"
            KeyEvent.objects.bulk_create(
                lifecycle.event_of(key, KeyState.DELETED, at=moved_at, reason=reason) for key in due
            )
            KeyAlias.objects.filter(key__in=ids).delete()
            for key in due:
                key.key_state, key.key_state_changed_at = KeyState.DELETED, moved_at
                _send_changed(key)
        total += len(due)
        if len(due) < batch:
            return total
