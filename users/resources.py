"""Resource actions: one function per console action / API operation (CreateResource with
RegisterToWorkMail, RegisterToWorkMail, DeregisterFromWorkMail, DeleteResource, DescribeResource,
ListResources, UpdateResource, AssociateDelegateToResource, DisassociateDelegateFromResource,
ListResourceDelegates).

A resource's name and address are in the organization's one address book (users.addressbook);
every change that checks it, or that counts a resource's delegates against its booking options,
runs with the organization's row locked.
"""

import re

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.lifecycle import State
from organizations.models import Organization
from users.addressbook import require_address_free, require_name_free, write_or_explain
from users.groups import user_or_group
from users.models import (
    EmailAlias,
    Group,
    Resource,
    ResourceDelegate,
    ResourceType,
    UserState,
)
from users.services import (
    NAME_PATTERN,
    READABLE,
    read_only_problem,
    validate_email,
)
from workmail_console.errors import (
    EntityAlreadyRegisteredException,
    EntityNotFoundException,
    EntityStateException,
    InvalidConfigurationException,
    InvalidParameterException,
    UnsupportedOperationException,
)

NAME_MAX = 20  # ResourceName: 1..20
RESOURCE_ID = re.compile(r"r-[0-9a-f]{32}")
DESCRIPTION_MAX = 64  # ResourceDescription: 1..64 (UpdateResource's: 0..64, "" clears it)

STATE_PROBLEMS = {
    ("enable", UserState.DELETED): "Resource {name} is deleted and can't be enabled.",
    ("disable", UserState.DELETED): "Resource {name} is deleted.",
    ("update", UserState.DELETED): "Resource {name} is deleted.",
    ("delete", UserState.ENABLED): (
        "You must first disable the resource. Resource {name} is enabled."
    ),
    ("delegates", UserState.DISABLED): (
        "Resource {name} is disabled. Enable it before you change its delegates."
    ),
    ("delegates", UserState.DELETED): "Resource {name} is deleted.",
}
NO_DELEGATE = (
    "A resource must either be able to auto-respond to requests or have at least one delegate"
    " associated that can do so on its behalf. Add a delegate before you turn off"
    " Automatically accept all resource requests."
)


def _problem(action: str, resource: Resource) -> str:
    return STATE_PROBLEMS[action, UserState(resource.state)].format(name=resource.name)


def validate_resource_name(name: str) -> str:
    if not name:
        raise InvalidParameterException("Enter a resource name.", field="name")
    if len(name) > NAME_MAX:
        raise InvalidParameterException(
            f"The resource name can be up to {NAME_MAX} characters long.", field="name"
        )
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidParameterException(
            "The resource name can contain only letters (a-z, A-Z), numbers (0-9), underscores"
            " (_), hyphens (-) and periods (.).",
            field="name",
        )
    return name


def validate_description(description: str) -> str:
    if len(description) > DESCRIPTION_MAX:
        raise InvalidParameterException(
            f"The description can be up to {DESCRIPTION_MAX} characters long.",
            field="description",
        )
    if "\x00" in description:
        raise InvalidParameterException("Remove the null character.", field="description")
    return description


def validate_type(resource_type: str) -> str:
    if resource_type not in ResourceType.values:
        raise InvalidParameterException("Choose Room or Equipment.", field="resource_type")
    return resource_type


def _require_managed(organization: Organization, action: str) -> None:
    if problem := read_only_problem(organization, action):
        raise UnsupportedOperationException(problem)


# --- Reading --------------------------------------------------------------------------------


def resources_of(organization: Organization) -> QuerySet[Resource]:
    return Resource.objects.filter(directory_id=organization.directory_id)


def list_resources(
    *,
    organization: Organization,
    containing: str = "",
    state: str = "",
    name_prefix: str = "",
    primary_email_prefix: str = "",
) -> QuerySet[Resource]:
    """Resources page (ListResources): by name; deleted ones only when that state is asked for;
    with `containing`, those whose name or address contains it; with ListResources' prefixes,
    those whose name or primary address starts with it (any case)."""
    organization.require_state(*READABLE)
    rows = resources_of(organization)
    rows = rows.filter(state=state) if state in UserState.values else rows.existing()
    if containing:
        rows = rows.filter(Q(name__icontains=containing) | Q(email__icontains=containing))
    if name_prefix:
        rows = rows.filter(name__istartswith=name_prefix)
    if primary_email_prefix:
        rows = rows.filter(email__istartswith=primary_email_prefix)
    return rows.order_by("name", "resource_id")


def get_resource(*, organization: Organization, resource_id: str) -> Resource:
    """DescribeResource: by resource ID, name or email address; a deleted resource is still
    found by its ID."""
    found = None
    rows = resources_of(organization)
    if organization.directory_id is not None and resource_id:
        resource_id = str(resource_id)
        found = rows.filter(pk=resource_id).first() if resource_id.startswith("r-") else None
        if found is None:
            folded = resource_id.lower()
            found = (
                rows.existing()
                .alias(folded_name=Lower("name"), folded_email=Lower("email"))
                .filter(Q(folded_name=folded) | Q(folded_email=folded))
                .first()
            )
    if found is None:
        raise EntityNotFoundException(
            f"The resource {resource_id} was not found in {organization.alias}."
        )
    return found


def list_resource_delegates(*, organization: Organization, resource_id: str) -> list:
    """ListResourceDelegates: users and groups, by name (deleted ones never)."""
    resource = get_resource(organization=organization, resource_id=resource_id)
    if resource.state == UserState.DELETED:
        raise EntityStateException(_problem("delegates", resource))
    delegates = (
        ResourceDelegate.objects.filter(resource=resource)
        .select_related("user", "group")
        .exclude(user__state=UserState.DELETED)
        .exclude(group__state=UserState.DELETED)
    )
    return sorted(delegates, key=lambda d: (d.delegate.name.lower(), str(d.delegate.pk)))


# --- Changing -------------------------------------------------------------------------------


def create_resource(
    *,
    organization: Organization,
    name: str,
    resource_type: str,
    email: str | None = None,
    description: str = "",
    hidden_from_global_address_list: bool = False,
) -> Resource:
    """Create resource: CreateResource and, with an email address, RegisterToWorkMail ("By
    default, Amazon WorkMail enables all resources when you create them")."""
    organization.require_state(State.ACTIVE)
    _require_managed(organization, "create resources")
    validate_resource_name(name)
    validate_type(resource_type)
    validate_description(description)
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE)
        if email is not None:
            email = validate_email(email, organization=organization)
        require_name_free(organization, name, kind="resource")
        if email:
            require_address_free(organization, email)
        now = timezone.now()
        resource = Resource(
            directory_id=organization.directory_id, name=name, resource_type=resource_type,
            description=description, email=email,
            hidden_from_global_address_list=hidden_from_global_address_list,
            state=UserState.ENABLED if email else UserState.DISABLED,
            enabled_date=now if email else None,
        )  # fmt: skip
        write_or_explain(organization, resource, lambda: resource.save(force_insert=True))
    return resource


def _for_update(organization: Organization, resource_id: str) -> Resource:
    resource = get_resource(organization=organization, resource_id=resource_id)
    return Resource.objects.select_for_update().get(pk=resource.pk)


def _locked(organization: Organization, action: str) -> Organization:
    organization = organization.lock()
    organization.require_state(State.ACTIVE)
    _require_managed(organization, action)
    return organization


def enable_resource(*, organization: Organization, resource_id: str, email: str) -> Resource:
    """Enable (RegisterToWorkMail): bookable at this address. An enabled resource with the same
    address is left as it is; with another, EntityAlreadyRegisteredException."""
    with transaction.atomic():
        organization = _locked(organization, "enable resources")
        resource = _for_update(organization, resource_id)
        if resource.state == UserState.DELETED:
            raise EntityStateException(_problem("enable", resource))
        email = validate_email(email, organization=organization)
        if resource.is_enabled:
            if (resource.email or "").lower() == email.lower():
                return resource
            raise EntityAlreadyRegisteredException(
                f"Resource {resource.name} is already enabled, with the address {resource.email}.",
                field="email",
            )
        if (resource.email or "").lower() != email.lower():
            require_address_free(organization, email, entity=resource)
        resource.email = email
        write_or_explain(
            organization, resource,
            lambda: resource.transition(
                UserState.ENABLED, reason="", email=email, enabled_date=timezone.now()
            ),
        )  # fmt: skip
    return resource


def disable_resource(*, organization: Organization, resource_id: str) -> Resource:
    """Disable (DeregisterFromWorkMail): "unavailable for booking"; it keeps its address."""
    with transaction.atomic():
        organization = _locked(organization, "disable resources")
        resource = _for_update(organization, resource_id)
        if resource.state == UserState.DELETED:
            raise EntityStateException(_problem("disable", resource))
        if resource.is_enabled:
            resource.transition(UserState.DISABLED, reason="", disabled_date=timezone.now())
    return resource


def delete_resource(*, organization: Organization, resource_id: str) -> Resource:
    """Delete resource (DeleteResource): only a disabled one; permanent; a deleted one: nothing
    to do (DeleteResource models no EntityNotFoundException)."""
    with transaction.atomic():
        organization = _locked(organization, "delete resources")
        resource = _for_update(organization, resource_id)
        if resource.state == UserState.DELETED:
            return resource
        if not resource.transition(UserState.DELETED, reason="", source=UserState.DISABLED):
            raise EntityStateException(_problem("delete", resource))
        ResourceDelegate.objects.filter(resource=resource).delete()
        EmailAlias.objects.filter(resource=resource).delete()
    return resource


def update_resource(
    *,
    organization: Organization,
    resource_id: str,
    name: str | None = None,
    resource_type: str | None = None,
    description: str | None = None,
    hidden_from_global_address_list: bool | None = None,
    auto_accept_requests: bool | None = None,
    auto_decline_recurring_requests: bool | None = None,
    auto_decline_conflicting_requests: bool | None = None,
) -> Resource:
    """UpdateResource: what is given changes. A new name is checked like a new resource's;
    Automatically accept all resource requests can be turned off only while the resource has a
    delegate (InvalidConfigurationException)."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = validate_resource_name(name)
    if resource_type is not None:
        changes["resource_type"] = validate_type(resource_type)
    if description is not None:
        changes["description"] = validate_description(description)
    flags = {
        "hidden_from_global_address_list": hidden_from_global_address_list,
        "auto_accept_requests": auto_accept_requests,
        "auto_decline_recurring_requests": auto_decline_recurring_requests,
        "auto_decline_conflicting_requests": auto_decline_conflicting_requests,
    }
    changes |= {field: value for field, value in flags.items() if value is not None}
    with transaction.atomic():
        organization = _locked(organization, "change resources")
        resource = _for_update(organization, resource_id)
        if resource.state == UserState.DELETED:
            raise EntityStateException(_problem("update", resource))
        if "name" in changes:
            require_name_free(organization, changes["name"], kind="resource", entity=resource)
        if changes.get("auto_accept_requests") is False and not _delegates(resource).exists():
            raise InvalidConfigurationException(NO_DELEGATE, field="auto_accept_requests")
        for field, value in changes.items():
            setattr(resource, field, value)
        write_or_explain(
            organization, resource, lambda: resource.save(update_fields=[*changes])
        )  # fmt: skip
    return resource


def _delegates(resource: Resource) -> QuerySet[ResourceDelegate]:
    return ResourceDelegate.objects.filter(resource=resource).exclude(
        Q(user__state=UserState.DELETED) | Q(group__state=UserState.DELETED)
    )


def associate_delegate(
    *, organization: Organization, resource_id: str, entity_id: str
) -> ResourceDelegate:
    """AssociateDelegateToResource: a user or group (enabled) of an enabled resource; one
    already there is left as it is."""
    with transaction.atomic():
        organization = _locked(organization, "change resources")
        resource = _for_update(organization, resource_id)
        if not resource.is_enabled:
            raise EntityStateException(_problem("delegates", resource))
        entity = user_or_group(organization, entity_id, field="delegate")
        if not entity.is_enabled:
            raise EntityStateException(
                f"{entity.name} is disabled. Only an enabled user or group can be a delegate.",
                field="delegate",
            )
        kind = {"group": entity} if isinstance(entity, Group) else {"user": entity}
        delegate, _ = ResourceDelegate.objects.get_or_create(resource=resource, **kind)
    return delegate


def disassociate_delegate(*, organization: Organization, resource_id: str, entity_id: str) -> None:
    """DisassociateDelegateFromResource: not a delegate is EntityNotFoundException; the last
    delegate of a resource that doesn't accept requests by itself stays (InvalidParameter)."""
    with transaction.atomic():
        organization = _locked(organization, "change resources")
        resource = _for_update(organization, resource_id)
        if resource.state == UserState.DELETED:
            raise EntityStateException(_problem("delegates", resource))
        entity = user_or_group(organization, entity_id, field="delegate")
        kind = {"group": entity} if isinstance(entity, Group) else {"user": entity}
        delegate = _delegates(resource).filter(**kind).first()
        if delegate is None:
            raise EntityNotFoundException(
                f"{entity.name} is not a delegate of resource {resource.name}.", field="delegate"
            )
        if not resource.auto_accept_requests and _delegates(resource).count() == 1:
            raise InvalidParameterException(
                f"{entity.name} is the last delegate of {resource.name}, which doesn't accept"
                " requests automatically. Turn on Automatically accept all resource requests,"
                " or add another delegate, first.",
                field="delegate",
            )
        delegate.delete()


def unanswered(organization: Organization, *, limit: int = 5) -> list[Resource]:
    """Enabled resources nobody answers: auto-accept off and no enabled delegate (the last one
    was disabled or deleted since), in one query; at most `limit`."""
    answering = ResourceDelegate.objects.filter(resource=OuterRef("pk")).filter(
        Q(user__state=UserState.ENABLED) | Q(group__state=UserState.ENABLED)
    )
    rows = resources_of(organization).filter(
        state=UserState.ENABLED, auto_accept_requests=False
    ).filter(~Exists(answering))  # fmt: skip
    return list(rows.only("resource_id", "name").order_by("name")[:limit])
