"""Users pages. Views translate between HTTP and the services; the rules live below them.

Every view here is under `/<region>/organizations/<organization_id>/users/`. Another account's
organization, a deleted one, or a user outside the organization's directory is a 404 on every
URL. Admins change; ops read. An organization that is not Active shows the console's error
instead (an Inactive one still lists its users, to enable one).
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from organizations.models import Organization
from organizations.pages import organization_or_404
from users import services
from users.forms import (
    CreateUserForm,
    DeleteUserForm,
    EnableUserForm,
    ResetPasswordForm,
)
from users.models import User, UserState
from workmail_console.errors import (
    EntityNotFoundException,
    OrganizationStateException,
    WorkMailError,
)
from workmail_console.formtools import ConsoleForm, page_status
from workmail_console.tables import Sorting, table
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

# The list's action buttons, in the console's order.
LIST_ACTIONS = [
    ("enable", "Enable"),
    ("disable", "Disable"),
    ("reset-password", "Reset password"),
    ("delete", "Delete"),
]
ACTION_TITLES = {
    "enable": "Enable user",
    "disable": "Disable user",
    "reset-password": "Reset password",
    "delete": "Delete user",
}
STATE_FILTERS = [
    ("", "All except deleted"),
    (UserState.ENABLED, "Enabled"),
    (UserState.DISABLED, "Disabled"),
    (UserState.DELETED, "Deleted"),
]


def _unavailable(request: ConsoleRequest, organization: Organization, problem: str) -> HttpResponse:
    """The console's error instead of the page: the organization is not Active."""
    status = 400 if request.method == "POST" else 200
    context = {"organization": organization, "problem": problem}
    return render(request, "users/unavailable.html", context, status=status)


UserView = Callable[[ConsoleRequest, Organization, User], HttpResponse]


def _for_user(view: UserView) -> Callable[..., HttpResponse]:
    """The user of the URL, in its organization's directory (else a 404), and the console's
    error instead of the page while the organization's users can't be read."""

    @wraps(view)
    def wrapper(
        request: ConsoleRequest, region: str, organization_id: str, user_id: uuid.UUID
    ) -> HttpResponse:
        organization = organization_or_404(request, region, organization_id)
        try:
            user = services.get_user(organization=organization, user_id=user_id)
        except EntityNotFoundException:
            raise Http404("No such user in this organization.") from None
        if problem := organization.state_problem(*services.READABLE):
            return _unavailable(request, organization, problem)
        return view(request, organization, user)

    return wrapper


@require_GET
@account_required
def user_list(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    search, state = request.GET.get("search", ""), request.GET.get("state", "")
    try:
        users = services.list_users(organization=organization, search=search, state=state)
    except OrganizationStateException as error:
        return _unavailable(request, organization, error.message)
    actions = services.available_actions(organization)
    filters = {"search": services.search_text(search), "state": state}
    page = table(request, users, SORTING, keep=filters)
    context = {
        "organization": organization,
        "page": page,
        "rows": [(user, services.available_actions(organization, user)) for user in page],
        "actions": actions,
        "list_actions": [(name, label) for name, label in LIST_ACTIONS if name in actions],
        "problem": organization.state_problem(),
        "search": filters["search"],
        "state": state,
        "state_filters": STATE_FILTERS,
    }
    return render(request, "users/list.html", context)


SORTING = Sorting(
    {"name": ("name",), "display_name": ("display_name",), "email": ("email",),
     "state": ("state",), "role": ("role",)},
    default="name",
)  # fmt: skip


@require_GET
@admin_required
def user_selected(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """The list's action buttons: the action chosen, on the row chosen with its radio button."""
    organization_or_404(request, region, organization_id)
    action = request.GET.get("action", "")
    try:
        user_id = uuid.UUID(request.GET.get("user_id", ""))
    except ValueError:
        user_id = None
    if user_id is None or action not in dict(LIST_ACTIONS):
        messages.info(request, "Select a user.")
        return redirect("users:list", region=region, organization_id=organization_id)
    return redirect(
        f"users:{action}", region=region, organization_id=organization_id, user_id=user_id
    )


@sensitive_post_parameters("password", "repeat_password")
@require_http_methods(["GET", "POST"])
@admin_required
def user_create(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := services.action_problem(organization, "create"):
        return _unavailable(request, organization, problem)
    form = CreateUserForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                organization=organization,
                email=data["address"],
                password=data["password"],
                **form.details(),
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"User {user.name} was created.")
            return redirect("users:list", region=region, organization_id=organization_id)
    status = page_status(form)
    context = {"organization": organization, "form": form}
    return render(request, "users/create.html", context, status=status)


@require_GET
@account_required
@_for_user
def user_detail(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    context = {
        "organization": organization,
        "mail_user": user,
        "actions": services.available_actions(organization, user),
        "problem": organization.state_problem(),
    }
    return render(request, "users/detail.html", context)


def _action(
    request: ConsoleRequest,
    organization: Organization,
    user: User,
    *,
    action: str,
    form: ConsoleForm,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """An action's dialog: its form (or why the action does not apply); on a valid POST, the
    service's action, then the user's page (the list, once deleted) with a flash saying so."""
    problem = services.action_problem(organization, action, user)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            act(form.cleaned_data)
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done.format(name=user.name))
            if action == "delete":
                return redirect("users:list", organization.region, organization.organization_id)
            return redirect(user_url("detail", organization, user))
    context = {
        "organization": organization,
        "mail_user": user,
        "form": form,
        "problem": problem,
        "title": ACTION_TITLES[action],
    }
    status = 400 if request.method == "POST" else 200  # a POST that gets here was refused
    template = f"users/{action.replace('-', '_')}.html"
    return render(request, template, context, status=status)


def user_url(name: str, organization: Organization, user: User) -> str:
    return reverse(
        f"users:{name}", args=[organization.region, organization.organization_id, user.user_id]
    )


def _bound(request: ConsoleRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@admin_required
@_for_user
def user_enable(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    """Enable: the user's primary email address (its own, or its name at the default domain)."""
    form = EnableUserForm(_bound(request), organization=organization, user=user)
    return _action(
        request, organization, user, action="enable", form=form, done="User {name} was enabled.",
        act=lambda data: services.enable_user(
            organization=organization, user_id=user.user_id, email=data["address"]
        ),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
@_for_user
def user_disable(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    return _action(
        request, organization, user, action="disable", form=ConsoleForm(_bound(request)),
        done="User {name} was disabled.",
        act=lambda data: services.disable_user(organization=organization, user_id=user.user_id),
    )  # fmt: skip


@sensitive_post_parameters("password", "repeat_password")
@require_http_methods(["GET", "POST"])
@admin_required
@_for_user
def user_reset_password(
    request: ConsoleRequest, organization: Organization, user: User
) -> HttpResponse:
    return _action(
        request, organization, user, action="reset-password",
        form=ResetPasswordForm(_bound(request), user=user),
        done="The password of user {name} was reset.",
        act=lambda data: services.reset_password(
            organization=organization, user_id=user.user_id, password=data["password"]
        ),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
@_for_user
def user_delete(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    return _action(
        request, organization, user, action="delete",
        form=DeleteUserForm(_bound(request), user=user), done="User {name} was deleted.",
        act=lambda data: services.delete_user(organization=organization, user_id=user.user_id),
    )  # fmt: skip
