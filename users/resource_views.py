"""Resources pages. Views translate between HTTP and the services (users.resources).

Every view here is under `/<region>/organizations/<organization_id>/resources/`. Another
account's organization, a deleted one, or a resource outside the organization's directory is a
404 on every URL. Admins change; ops read.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.lifecycle import State
from organizations.models import Organization
from organizations.pages import organization_or_404
from users import addresses, alias_pages, groups, resources, services
from users.entity_pages import EntityPages
from users.forms import (
    AliasForm,
    BookingOptionsForm,
    CreateResourceForm,
    DeleteResourceForm,
    EditResourceForm,
    EnableResourceForm,
)
from users.models import Resource, UserState
from users.views import STATE_FILTERS, unavailable
from workmail_console.errors import (
    EntityNotFoundException,
    OrganizationStateException,
    WorkMailError,
)
from workmail_console.formtools import ConsoleForm, page_status
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

LIST_ACTIONS = [("enable", "Enable"), ("disable", "Disable"), ("delete", "Delete")]
ACTION_TITLES = {
    "enable": "Enable resource", "disable": "Disable resource", "delete": "Delete resource",
}  # fmt: skip
ACTIONS_BY_STATE = {
    UserState.ENABLED: frozenset({"disable", "edit"}),
    UserState.DISABLED: frozenset({"enable", "delete", "edit"}),
    UserState.DELETED: frozenset(),
}
SORTING = Sorting(
    {"name": ("name",), "email": ("email",), "type": ("resource_type",), "state": ("state",)},
    default="name",
)


def _unavailable(request: ConsoleRequest, organization: Organization, problem: str) -> HttpResponse:
    return unavailable(request, organization, problem, noun="resources")


def available_actions(
    organization: Organization, resource: Resource | None = None
) -> frozenset[str]:
    if organization.state != State.ACTIVE or services.is_ad_connector(organization):
        return frozenset()
    actions = {"create", "enable", "disable", "delete", "edit"}
    if resource is not None:
        actions &= ACTIONS_BY_STATE[UserState(resource.state)]
    return frozenset(actions)


ResourceView = Callable[[ConsoleRequest, Organization, Resource], HttpResponse]


def _for_resource(view: ResourceView) -> Callable[..., HttpResponse]:
    """The resource of the URL, in its organization's directory (else a 404)."""

    @wraps(view)
    def wrapper(
        request: ConsoleRequest, region: str, organization_id: str, resource_id: str
    ) -> HttpResponse:
        organization = organization_or_404(request, region, organization_id)
        if not resources.RESOURCE_ID.fullmatch(resource_id):
            raise Http404("No such resource in this organization.")
        try:
            resource = resources.get_resource(organization=organization, resource_id=resource_id)
        except EntityNotFoundException:
            raise Http404("No such resource in this organization.") from None
        if problem := organization.state_problem(*services.READABLE):
            return _unavailable(request, organization, problem)
        return view(request, organization, resource)

    return wrapper


def resource_url(name: str, organization: Organization, resource: Resource) -> str:
    return reverse(
        f"resources:{name}",
        args=[organization.region, organization.organization_id, resource.pk],
    )


@require_GET
@account_required
def resource_list(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    containing, state = text_filter(request), request.GET.get("state", "")
    try:
        rows = resources.list_resources(
            organization=organization, containing=containing, state=state
        )
    except OrganizationStateException as error:
        return _unavailable(request, organization, error.message)
    page = table(request, rows, SORTING, text=containing, keep={"state": state})
    actions = available_actions(organization)
    context = {
        "organization": organization,
        "page": page,
        "rows": [(resource, available_actions(organization, resource)) for resource in page],
        "actions": actions,
        "list_actions": [(name, label) for name, label in LIST_ACTIONS if name in actions],
        "problem": organization.state_problem()
        or services.read_only_problem(organization, "change resources"),
        "state": state,
        "state_filters": STATE_FILTERS,
    }
    return render(request, "users/resources/list.html", context)


@require_GET
@admin_required
def resource_selected(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """The list's action buttons: the action chosen, on the row chosen with its radio button."""
    organization_or_404(request, region, organization_id)
    action = request.GET.get("action", "")
    resource_id = request.GET.get("resource_id", "")
    if not resources.RESOURCE_ID.fullmatch(resource_id) or action not in dict(LIST_ACTIONS):
        messages.info(request, "Select a resource.")
        return redirect("resources:list", region=region, organization_id=organization_id)
    return redirect(
        f"resources:{action}", region=region, organization_id=organization_id,
        resource_id=resource_id,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
def resource_create(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if "create" not in available_actions(organization):
        problem = organization.state_problem(State.ACTIVE) or services.read_only_problem(
            organization, "create resources"
        )
        return _unavailable(request, organization, problem or "")
    form = CreateResourceForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = resources.create_resource(
                organization=organization,
                name=data["name"],
                resource_type=data["resource_type"],
                description=data["description"],
                email=data["address"],
                hidden_from_global_address_list=not data["show_in_global_address_list"],
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Resource {resource.name} was created.")
            return redirect(resource_url("detail", organization, resource))
    context = {"organization": organization, "form": form}
    return render(request, "users/resources/create.html", context, status=page_status(form))


def _detail(
    request: ConsoleRequest,
    organization: Organization,
    resource: Resource,
    booking: BookingOptionsForm | None = None,
    alias_form: AliasForm | None = None,
) -> HttpResponse:
    delegates, aliases = [], []
    if resource.state != UserState.DELETED:
        delegates = resources.list_resource_delegates(
            organization=organization, resource_id=resource.pk
        )
        aliases = addresses.list_aliases(resource)
    actions = available_actions(organization, resource)
    context = {
        "organization": organization,
        "resource": resource,
        "delegates": delegates,
        "actions": actions,
        "booking": booking or BookingOptionsForm(initial=_booking_values(resource)),
        "can_change_delegates": resource.is_enabled and "edit" in actions,
        "delegate_choices": _delegate_choices(organization, delegates),
        "aliases": aliases,
        "alias_form": alias_form or AliasForm(organization=organization),
        "writable": "edit" in actions,
        "problem": organization.state_problem(),
    }
    status = 400 if booking is not None or alias_form is not None else 200  # a form refused
    return render(request, "users/resources/detail.html", context, status=status)


def _booking_values(resource: Resource) -> dict[str, bool]:
    return {name: getattr(resource, name) for name in BookingOptionsForm.base_fields}


def _delegate_choices(organization: Organization, delegates: list) -> list:
    """ "Search delegates": enabled users and groups that are not delegates already."""
    return groups.enabled_choices(organization, leaving_out={str(d.delegate.pk) for d in delegates})


@require_GET
@account_required
@_for_resource
def resource_detail(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    return _detail(request, organization, resource)


@require_POST
@admin_required
@_for_resource
def resource_booking(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Booking options: Save (UpdateResource's BookingOptions)."""
    form = BookingOptionsForm(request.POST)
    if form.is_valid():
        try:
            resources.update_resource(
                organization=organization, resource_id=resource.pk, **form.cleaned_data
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The booking options of {resource.name} were saved.")
            return redirect(resource_url("detail", organization, resource))
    return _detail(request, organization, resource, booking=form)


@require_http_methods(["GET", "POST"])
@admin_required
@_for_resource
def resource_edit(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Resource details: Edit (UpdateResource's name, description, type, address list)."""
    if "edit" not in available_actions(organization, resource):
        problem = organization.state_problem(State.ACTIVE) or services.read_only_problem(
            organization, "change resources"
        )
        return _unavailable(request, organization, problem or f"{resource.name} is deleted.")
    initial = {
        "name": resource.name, "description": resource.description,
        "resource_type": resource.resource_type,
        "show_in_global_address_list": not resource.hidden_from_global_address_list,
    }  # fmt: skip
    form = EditResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resources.update_resource(
                organization=organization, resource_id=resource.pk, name=data["name"],
                description=data["description"], resource_type=data["resource_type"],
                hidden_from_global_address_list=not data["show_in_global_address_list"],
            )  # fmt: skip
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Resource {data['name']} was saved.")
            return redirect(resource_url("detail", organization, resource))
    context = {"organization": organization, "resource": resource, "form": form}
    return render(request, "users/resources/edit.html", context, status=page_status(form))


PAGES = EntityPages("resource", available_actions, resources.STATE_PROBLEMS, ACTION_TITLES)


def _bound(request: ConsoleRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@admin_required
@_for_resource
def resource_enable(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    form = EnableResourceForm(_bound(request), organization=organization, resource=resource)
    return PAGES.action(
        request, organization, resource, action="enable", form=form,
        done="Resource {name} was enabled.",
        act=lambda data: resources.enable_resource(
            organization=organization, resource_id=resource.pk, email=data["address"]
        ),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
@_for_resource
def resource_disable(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    return PAGES.action(
        request, organization, resource, action="disable", form=ConsoleForm(_bound(request)),
        done="Resource {name} was disabled.",
        act=lambda data: resources.disable_resource(
            organization=organization, resource_id=resource.pk
        ),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
@_for_resource
def resource_delete(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    return PAGES.action(
        request, organization, resource, action="delete",
        form=DeleteResourceForm(_bound(request), resource=resource),
        done="Resource {name} was deleted.",
        act=lambda data: resources.delete_resource(
            organization=organization, resource_id=resource.pk
        ),
    )  # fmt: skip


@require_POST
@admin_required
@_for_resource
def delegate_add(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Delegates: Add delegate (AssociateDelegateToResource)."""
    entity_id = request.POST.get("delegate", "")[:64]
    if not entity_id:
        messages.error(request, "Choose a user or group to add as a delegate.")
        return redirect(resource_url("detail", organization, resource))
    try:
        delegate = resources.associate_delegate(
            organization=organization, resource_id=resource.pk, entity_id=entity_id
        )
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{delegate.delegate.name} is a delegate of {resource.name}.")
    return redirect(resource_url("detail", organization, resource))


@require_POST
@admin_required
@_for_resource
def delegate_remove(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Delegates: Remove (DisassociateDelegateFromResource)."""
    try:
        resources.disassociate_delegate(
            organization=organization, resource_id=resource.pk,
            entity_id=request.POST.get("delegate", "")[:64],
        )  # fmt: skip
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The delegate was removed from {resource.name}.")
    return redirect(resource_url("detail", organization, resource))


@require_POST
@admin_required
@_for_resource
def alias_add(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Email addresses: Add alias (CreateAlias); refused, the page with the reason under it."""
    back = resource_url("detail", organization, resource)
    return alias_pages.add_alias(request, organization, resource, back=back, details=_detail)


@require_POST
@admin_required
@_for_resource
def alias_remove(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Email addresses: Remove (DeleteAlias)."""
    back = resource_url("detail", organization, resource)
    return alias_pages.remove_alias(request, organization, resource, back=back)


@require_POST
@admin_required
@_for_resource
def alias_primary(
    request: ConsoleRequest, organization: Organization, resource: Resource
) -> HttpResponse:
    """Email addresses: Make primary (UpdatePrimaryEmailAddress)."""
    back = resource_url("detail", organization, resource)
    return alias_pages.make_primary(request, organization, resource, back=back)
