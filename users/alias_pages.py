"""Email addresses on a user's, a group's or a resource's details page: Add alias (CreateAlias;
the user page's goes through its own form handling), Remove (DeleteAlias) and Make primary
(UpdatePrimaryEmailAddress), with the services' refusals in the same words (users.addresses)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from organizations.models import Organization
from users import addresses, services
from users.forms import AliasForm
from users.models import Group, Resource, User
from workmail_console.errors import WorkMailError
from workmail_console.tenancy import ConsoleRequest

type Entity = User | Group | Resource
# The details page again, given `alias_form=`: the refused form with the reason under its field.
type Details = Callable[..., HttpResponse]


def add_alias(
    request: ConsoleRequest, organization: Organization, entity: Entity, *, back: str,
    details: Details,
) -> HttpResponse:  # fmt: skip
    form = AliasForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            addresses.create_alias(
                organization=organization, entity=entity, alias=form.cleaned_data["address"]
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"An alias was added to {entity.name}.")
            return redirect(back)
    return details(request, organization, entity, alias_form=form)


def remove_alias(
    request: ConsoleRequest, organization: Organization, entity: Entity, *, back: str
) -> HttpResponse:
    alias = request.POST.get("address", "")[: services.EMAIL_MAX]
    try:
        addresses.delete_alias(organization=organization, entity=entity, alias=alias)
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{alias} was removed from {entity.name}.")
    return redirect(back)


def make_primary(
    request: ConsoleRequest, organization: Organization, entity: Entity, *, back: str
) -> HttpResponse:
    """Set a new default email address: an alias becomes primary, the primary an alias."""
    alias = request.POST.get("address", "")[: services.EMAIL_MAX]
    try:
        addresses.update_primary_email_address(
            organization=organization, entity=entity, email=alias
        )
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{alias} is the primary email address of {entity.name}.")
    return redirect(back)
