"""Email addresses of users, groups and resources beyond the primary one: CreateAlias,
DeleteAlias, ListAliases and UpdatePrimaryEmailAddress.

Every address is one entity's in the organization (users.addressbook); the changes run with the
organization's row locked, so the check and the write are one step for every request.
"""

from django.db import IntegrityError, transaction

from organizations.lifecycle import State
from organizations.models import Organization
from users.addressbook import require_address_free
from users.groups import get_group
from users.models import EmailAlias, Group, Resource, User, UserState
from users.resources import get_resource
from users.services import get_user, read_only_problem, validate_email
from workmail_console.errors import (
    EmailAddressInUseException,
    EntityNotFoundException,
    EntityStateException,
    InvalidParameterException,
    LimitExceededException,
    UnsupportedOperationException,
)

ALIASES_MAX = 100  # "Maximum number of aliases per user: 100 — hard quota"

type Entity = User | Group | Resource


def _owner(entity: Entity) -> dict[str, Entity]:
    return {{User: "user", Group: "group", Resource: "resource"}[type(entity)]: entity}


def get_entity(*, organization: Organization, entity_id: str) -> Entity:
    """The user, group or resource an API call names (CreateAlias's EntityId, and the others
    that take any of the three): by ID, or by name or email address as DescribeUser,
    DescribeGroup and DescribeResource find them. Names and addresses are one namespace, so at
    most one answers."""
    finders = (
        lambda: get_user(organization=organization, user_id=entity_id),
        lambda: get_group(organization=organization, group_id=entity_id),
        lambda: get_resource(organization=organization, resource_id=entity_id),
    )
    for find in finders:
        try:
            return find()
        except EntityNotFoundException:
            continue
    raise EntityNotFoundException(
        f"No user, group or resource {entity_id} was found in {organization.alias}."
    )


def list_aliases(entity: Entity, *, refuse_deleted: bool = False) -> list[str]:
    """ListAliases: the entity's addresses besides its primary one, in order. With
    `refuse_deleted` (the API's ListAliases), a deleted entity, which has no addresses, is
    EntityStateException."""
    if refuse_deleted and entity.state == UserState.DELETED:
        raise EntityStateException(f"{entity.name} is deleted: it has no email addresses.")
    return list(EmailAlias.objects.filter(**_owner(entity)).values_list("address", flat=True))


def _locked(organization: Organization, entity: Entity) -> tuple[Organization, Entity]:
    """The organization locked and Active, and the entity as it is now: enabled (a disabled
    entity has no registered address) and in a directory this console manages."""
    organization = organization.lock()
    organization.require_state(State.ACTIVE)
    if problem := read_only_problem(organization, "change email addresses"):
        raise UnsupportedOperationException(problem)
    entity = type(entity).objects.select_for_update().get(pk=entity.pk)
    if entity.state != UserState.ENABLED:
        raise EntityStateException(
            f"{entity.name} is {entity.get_state_display().lower()}. Enable it before you"
            " change its email addresses.",
            field="email",
        )
    return organization, entity


def create_alias(*, organization: Organization, entity: Entity, alias: str) -> EmailAlias:
    """CreateAlias: another address, on a verified domain of the organization, no other
    entity's; at most 100 per entity (LimitExceededException)."""
    with transaction.atomic():
        organization, entity = _locked(organization, entity)
        address = validate_email(alias, organization=organization)
        if address.lower() == (entity.email or "").lower():
            raise InvalidParameterException(
                f"{address} is already the primary email address of {entity.name}.",
                field="email",
            )
        require_address_free(organization, address, entity=entity)
        if EmailAlias.objects.filter(**_owner(entity), address__iexact=address).exists():
            raise EmailAddressInUseException(
                f"{address} is already an alias of {entity.name}.", field="email"
            )
        if EmailAlias.objects.filter(**_owner(entity)).count() >= ALIASES_MAX:
            raise LimitExceededException(
                f"{entity.name} already has {ALIASES_MAX} aliases, the most it can have.",
                field="email",
            )
        try:
            with transaction.atomic():
                return EmailAlias.objects.create(
                    directory_id=organization.directory_id, address=address, **_owner(entity)
                )
        except IntegrityError:
            raise EmailAddressInUseException(
                f"The email address {address} is already used in this organization.",
                field="email",
            ) from None


def delete_alias(*, organization: Organization, entity: Entity, alias: str) -> None:
    """DeleteAlias: one of the entity's aliases (never its primary address)."""
    with transaction.atomic():
        organization, entity = _locked(organization, entity)
        if alias.lower() == (entity.email or "").lower():
            raise InvalidParameterException(
                f"{alias} is the primary email address of {entity.name}. Make another address"
                " the primary one first.",
                field="email",
            )
        deleted, _ = EmailAlias.objects.filter(**_owner(entity), address__iexact=alias).delete()
        if not deleted:
            raise EntityNotFoundException(f"{alias} is not an alias of {entity.name}.")


def update_primary_email_address(
    *, organization: Organization, entity: Entity, email: str
) -> Entity:
    """UpdatePrimaryEmailAddress: "The current email is moved into the list of aliases (or
    swapped between an existing alias and the current primary email), and the email provided in
    the input is promoted as the primary." """
    with transaction.atomic():
        organization, entity = _locked(organization, entity)
        address = validate_email(email, organization=organization)
        old = entity.email
        if (old or "").lower() == address.lower():
            return entity
        require_address_free(organization, address, entity=entity)
        EmailAlias.objects.filter(**_owner(entity), address__iexact=address).delete()
        try:
            with transaction.atomic():
                type(entity).objects.filter(pk=entity.pk).update(email=address)
                if old:
                    EmailAlias.objects.create(
                        directory_id=organization.directory_id, address=old, **_owner(entity)
                    )
        except IntegrityError:
            raise EmailAddressInUseException(
                f"The email address {address} is already used by another mailbox.", field="email"
            ) from None
        entity.email = address
    return entity
