"""Groups pages. Views translate between HTTP and the services (users.groups).

Every view here is under `/<region>/organizations/<organization_id>/groups/`. Another account's
organization, a deleted one, or a group outside the organization's directory is a 404 on every
URL. Admins change; ops read.
"""

import uuid
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
from users import addresses, alias_pages, groups, services
from users.entity_pages import EntityPages
from users.forms import (
    AddMemberForm,
    AliasForm,
    CreateGroupForm,
    DeleteGroupForm,
    EnableGroupForm,
)
from users.models import Group, UserState
from users.views import STATE_FILTERS, unavailable
from workmail_console.errors import (
    EntityNotFoundException,
    OrganizationStateException,
    WorkMailError,
)
from workmail_console.formtools import ConsoleForm, page_status
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

# The list's action buttons, in the console's order, and their dialogs' titles.
LIST_ACTIONS = [("enable", "Enable"), ("disable", "Disable"), ("delete", "Delete")]
ACTION_TITLES = {"enable": "Enable group", "disable": "Disable group", "delete": "Delete group"}
ACTIONS_BY_STATE = {
    UserState.ENABLED: frozenset({"disable"}),
    UserState.DISABLED: frozenset({"enable", "delete"}),
    UserState.DELETED: frozenset(),
}
SORTING = Sorting({"name": ("name",), "email": ("email",), "state": ("state",)}, default="name")


def _unavailable(request: ConsoleRequest, organization: Organization, problem: str) -> HttpResponse:
    return unavailable(request, organization, problem, noun="groups")


def available_actions(organization: Organization, group: Group | None = None) -> frozenset[str]:
    """What the Groups page offers: nothing unless the organization is Active and its groups are
    its own (an AD Connector's are read-only)."""
    if organization.state != State.ACTIVE or services.is_ad_connector(organization):
        return frozenset()
    actions = {"create", "enable", "disable", "delete"}
    if group is not None:
        actions &= ACTIONS_BY_STATE[UserState(group.state)]
    return frozenset(actions)


GroupView = Callable[[ConsoleRequest, Organization, Group], HttpResponse]


def _for_group(view: GroupView) -> Callable[..., HttpResponse]:
    """The group of the URL, in its organization's directory (else a 404)."""

    @wraps(view)
    def wrapper(
        request: ConsoleRequest, region: str, organization_id: str, group_id: uuid.UUID
    ) -> HttpResponse:
        organization = organization_or_404(request, region, organization_id)
        try:
            group = groups.get_group(organization=organization, group_id=group_id)
        except EntityNotFoundException:
            raise Http404("No such group in this organization.") from None
        if problem := organization.state_problem(*services.READABLE):
            return _unavailable(request, organization, problem)
        return view(request, organization, group)

    return wrapper


def group_url(name: str, organization: Organization, group: Group) -> str:
    return reverse(
        f"groups:{name}", args=[organization.region, organization.organization_id, group.pk]
    )


@require_GET
@account_required
def group_list(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    containing, state = text_filter(request), request.GET.get("state", "")
    try:
        rows = groups.list_groups(organization=organization, containing=containing, state=state)
    except OrganizationStateException as error:
        return _unavailable(request, organization, error.message)
    page = table(request, rows, SORTING, text=containing, keep={"state": state})
    actions = available_actions(organization)
    context = {
        "organization": organization,
        "page": page,
        "rows": [(group, available_actions(organization, group)) for group in page],
        "actions": actions,
        "list_actions": [(name, label) for name, label in LIST_ACTIONS if name in actions],
        "problem": organization.state_problem()
        or services.read_only_problem(organization, "change groups"),
        "state": state,
        "state_filters": STATE_FILTERS,
    }
    return render(request, "users/groups/list.html", context)


@require_GET
@admin_required
def group_selected(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """The list's action buttons: the action chosen, on the row chosen with its radio button."""
    organization_or_404(request, region, organization_id)
    action = request.GET.get("action", "")
    try:
        group_id = uuid.UUID(request.GET.get("group_id", ""))
    except ValueError:
        group_id = None
    if group_id is None or action not in dict(LIST_ACTIONS):
        messages.info(request, "Select a group.")
        return redirect("groups:list", region=region, organization_id=organization_id)
    return redirect(
        f"groups:{action}", region=region, organization_id=organization_id, group_id=group_id
    )


@require_http_methods(["GET", "POST"])
@admin_required
def group_create(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if "create" not in available_actions(organization):
        problem = organization.state_problem(State.ACTIVE) or services.read_only_problem(
            organization, "create groups"
        )
        return _unavailable(request, organization, problem or "")
    form = CreateGroupForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = groups.create_group(
                organization=organization,
                name=data["name"],
                email=data["address"],
                hidden_from_global_address_list=not data["show_in_global_address_list"],
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Group {group.name} was created.")
            return redirect(group_url("detail", organization, group))
    context = {"organization": organization, "form": form}
    return render(request, "users/groups/create.html", context, status=page_status(form))


def _detail(
    request: ConsoleRequest,
    organization: Organization,
    group: Group,
    alias_form: AliasForm | None = None,
) -> HttpResponse:
    members, aliases = [], []
    if group.state != UserState.DELETED:
        members = groups.list_group_members(organization=organization, group_id=group.pk)
        aliases = addresses.list_aliases(group)
    context = {
        "organization": organization,
        "group": group,
        "members": members,
        "actions": available_actions(organization, group),
        "can_change_members": group.is_enabled and bool(available_actions(organization)),
        "add_form": AddMemberForm(choices=_member_choices(organization, group, members)),
        "aliases": aliases,
        "alias_form": alias_form or AliasForm(organization=organization),
        "writable": group.state != UserState.DELETED and bool(available_actions(organization)),
        "problem": organization.state_problem(),
    }
    status = 400 if alias_form is not None else 200  # a refused Add alias
    return render(request, "users/groups/detail.html", context, status=status)


@require_GET
@account_required
@_for_group
def group_detail(request: ConsoleRequest, organization: Organization, group: Group) -> HttpResponse:
    return _detail(request, organization, group)


def _member_choices(organization: Organization, group: Group, members: list) -> list:
    """The dropdown: enabled users and groups, not the group itself, not members already."""
    taken = {str(m.member.pk) for m in members} | {str(group.pk)}
    return groups.enabled_choices(organization, leaving_out=taken)


PAGES = EntityPages("group", available_actions, groups.STATE_PROBLEMS, ACTION_TITLES)


def _bound(request: ConsoleRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@admin_required
@_for_group
def group_enable(request: ConsoleRequest, organization: Organization, group: Group) -> HttpResponse:
    form = EnableGroupForm(_bound(request), organization=organization, group=group)
    return PAGES.action(
        request, organization, group, action="enable", form=form,
        done="Group {name} was enabled.",
        act=lambda data: groups.enable_group(
            organization=organization, group_id=group.pk, email=data["address"]
        ),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
@_for_group
def group_disable(
    request: ConsoleRequest, organization: Organization, group: Group
) -> HttpResponse:
    return PAGES.action(
        request, organization, group, action="disable", form=ConsoleForm(_bound(request)),
        done="Group {name} was disabled.",
        act=lambda data: groups.disable_group(organization=organization, group_id=group.pk),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
@_for_group
def group_delete(request: ConsoleRequest, organization: Organization, group: Group) -> HttpResponse:
    return PAGES.action(
        request, organization, group, action="delete",
        form=DeleteGroupForm(_bound(request), group=group), done="Group {name} was deleted.",
        act=lambda data: groups.delete_group(organization=organization, group_id=group.pk),
    )  # fmt: skip


@require_POST
@admin_required
@_for_group
def member_add(request: ConsoleRequest, organization: Organization, group: Group) -> HttpResponse:
    """Members: add the user or group chosen (AssociateMemberToGroup)."""
    form = AddMemberForm(request.POST, choices=[])
    if not form.is_valid():
        messages.error(request, form.errors["member"][0])
    else:
        try:
            membership = groups.associate_member(
                organization=organization, group_id=group.pk, member_id=form.cleaned_data["member"]
            )
        except WorkMailError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.member.name} was added to {group.name}.")
    return redirect(group_url("detail", organization, group))


@require_POST
@admin_required
@_for_group
def member_remove(
    request: ConsoleRequest, organization: Organization, group: Group
) -> HttpResponse:
    """Members: remove the member chosen (DisassociateMemberFromGroup)."""
    member_id = request.POST.get("member", "")[:64]
    try:
        groups.disassociate_member(
            organization=organization, group_id=group.pk, member_id=member_id
        )
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The member was removed from {group.name}.")
    return redirect(group_url("detail", organization, group))


@require_POST
@admin_required
@_for_group
def alias_add(request: ConsoleRequest, organization: Organization, group: Group) -> HttpResponse:
    """Email addresses: Add alias (CreateAlias); refused, the page with the reason under it."""
    back = group_url("detail", organization, group)
    return alias_pages.add_alias(request, organization, group, back=back, details=_detail)


@require_POST
@admin_required
@_for_group
def alias_remove(request: ConsoleRequest, organization: Organization, group: Group) -> HttpResponse:
    """Email addresses: Remove (DeleteAlias)."""
    back = group_url("detail", organization, group)
    return alias_pages.remove_alias(request, organization, group, back=back)


@require_POST
@admin_required
@_for_group
def alias_primary(
    request: ConsoleRequest, organization: Organization, group: Group
) -> HttpResponse:
    """Email addresses: Make primary (UpdatePrimaryEmailAddress)."""
    back = group_url("detail", organization, group)
    return alias_pages.make_primary(request, organization, group, back=back)
