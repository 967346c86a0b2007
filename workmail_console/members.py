"""Members page and `manage.py member` actions: who belongs to an account, with which role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from workmail_console.models import Account, Membership, Role


def membership_for(user: AbstractBaseUser) -> Membership | None:
    """The user's membership; a superuser without an account gets a new one, as its admin."""
    membership = Membership.objects.select_related("account").filter(user=user).first()
    if membership is None and user.is_superuser:
        with transaction.atomic():
            account = Account.create()
            membership, created = Membership.objects.get_or_create(
                user=user, defaults={"account": account, "role": Role.ADMIN}
            )
            if not created:  # a sign-in at the same moment gave them one first
                account.delete()
    return membership


def add_member(account: Account, *, username: str, password: str, role: str) -> Membership:
    """Members > Add member: a new person in the account, signing in with this password."""
    User = get_user_model()
    username = User.normalize_username(username.strip())
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    _check_username(username)
    if User.objects.filter(username__iexact=username).exists():
        raise _taken(username)
    user = User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    try:
        with transaction.atomic():
            user.set_password(password)
            user.save()
            return Membership.objects.create(user=user, account=account, role=role)
    except IntegrityError:
        # Taken since the check above, in some case: the unique LOWER(username) index decided.
        raise _taken(username) from None


def _check_username(username: str) -> None:
    """Django's own rules for user names: letters, digits and @.+-_ only, up to 150."""
    if not username:
        raise ValidationError({"username": "Enter a user name."})
    User = get_user_model()
    try:
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None


def _taken(username: str) -> ValidationError:
    return ValidationError({"username": f"The user name {username} is already taken."})


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(account=membership.account_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def _lock_and_refresh(membership: Membership) -> None:
    """Lock the account, then read the role again: "keep one admin" is checked, and the change
    written, with no other change to the account's members in between."""
    Account.lock(membership.account_id)
    try:
        membership.refresh_from_db(fields=["role"])
    except Membership.DoesNotExist:
        raise ValidationError(f"{membership.user.username} is no longer in the account.") from None


def change_role(membership: Membership, role: str) -> Membership:
    """Members > Change role. An account always keeps at least one admin."""
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    with transaction.atomic():
        _lock_and_refresh(membership)
        if membership.is_admin and role != Role.ADMIN and not _other_admins(membership):
            raise ValidationError({"role": "An account needs at least one admin."})
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(membership: Membership) -> None:
    """Members > Remove: the person leaves the account (and the console, unless they are staff)."""
    with transaction.atomic():
        _lock_and_refresh(membership)
        if membership.is_admin and not _other_admins(membership):
            raise ValidationError("An account needs at least one admin.")
        user = membership.user
        membership.delete()
        if not user.is_staff:
            user.delete()
