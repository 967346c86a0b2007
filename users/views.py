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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.lifecycle import State
from organizations.models import Organization
from organizations.pages import organization_or_404
from users import addresses, alias_pages, groups, mailboxes, services
from users.forms import (
    AliasForm,
    CreateUserForm,
    DeleteUserForm,
    EditUserForm,
    EnableUserForm,
    PermissionForm,
    QuotaForm,
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


def unavailable(
    request: ConsoleRequest, organization: Organization, problem: str, *, noun: str = "users"
) -> HttpResponse:
    """The console's error instead of the page (the organization is not Active, or its
    directory is read-only), on the Users, Groups or Resources pages (`noun`)."""
    status = 400 if request.method == "POST" else 200
    context = {"organization": organization, "problem": problem, "noun": noun}
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
            return unavailable(request, organization, problem)
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
        return unavailable(request, organization, error.message)
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
        return unavailable(request, organization, problem)
    form = CreateUserForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                organization=organization,
                email=data["address"],
                password=data["password"],
                hidden_from_global_address_list=not data["show_in_global_address_list"],
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
    return _details(request, organization, user)


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


# --- User details: Edit, email addresses, quota, permissions --------------------------------

TABS = [("quota", "Quota"), ("permissions", "Permissions"), ("devices", "Mobile devices")]


def _writable(organization: Organization, user: User) -> bool:
    """Whether the details page offers changes: an Active organization's own, live user."""
    return (
        organization.state == State.ACTIVE
        and not services.is_ad_connector(organization)
        and user.state != UserState.DELETED
    )


def _grantee_choices(organization: Organization, user: User, granted: list) -> list:
    """ "Add new permissions": enabled users and groups, not the owner, not granted already."""
    taken = {str(p.grantee.pk) for p in granted} | {str(user.pk)}
    return groups.enabled_choices(organization, leaving_out=taken)


def _details(
    request: ConsoleRequest,
    organization: Organization,
    user: User,
    *,
    forms: dict[str, ConsoleForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    tab = request.GET.get("tab", "")
    tab = tab if tab in dict(TABS) else TABS[0][0]
    forms = forms or {}
    if "tab" in forms:
        tab = forms.pop("tab")
    permissions = mailboxes.list_mailbox_permissions(user) if tab == "permissions" else []
    context = {
        "organization": organization,
        "mail_user": user,
        "actions": services.available_actions(organization, user),
        "problem": organization.state_problem(),
        "writable": _writable(organization, user),
        "aliases": addresses.list_aliases(user),
        "alias_form": forms.get("alias") or AliasForm(organization=organization),
        "tabs": TABS,
        "tab": tab,
        "quota_form": forms.get("quota")
        or QuotaForm(initial={"mailbox_quota": user.mailbox_quota}),
        "permissions": permissions,
        "permission_form": forms.get("permission") or PermissionForm(),
        "grantee_choices": _grantee_choices(organization, user, permissions)
        if tab == "permissions"
        else [],
    }
    return render(request, "users/detail.html", context, status=status)


def _back(organization: Organization, user: User, tab: str = "") -> HttpResponse:
    url = user_url("detail", organization, user)
    return redirect(f"{url}?tab={tab}" if tab else url)


@require_http_methods(["GET", "POST"])
@admin_required
@_for_user
def user_edit(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    """User details: Edit (UpdateUser)."""
    if not _writable(organization, user):
        problem = organization.state_problem(State.ACTIVE) or services.read_only_problem(
            organization, "change users"
        )
        return unavailable(request, organization, problem or f"User {user.name} is deleted.")
    initial = {
        "display_name": user.display_name, "first_name": user.first_name,
        "last_name": user.last_name,
        "show_in_global_address_list": not user.hidden_from_global_address_list,
        **{field: getattr(user, field) for field in mailboxes.PERSONAL_DATA},
    }  # fmt: skip
    form = EditUserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mailboxes.update_user(organization=organization, user=user, **form.changes())
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"User {user.name} was saved.")
            return _back(organization, user)
    context = {"organization": organization, "mail_user": user, "form": form}
    return render(request, "users/edit.html", context, status=page_status(form))


def _change(
    request: ConsoleRequest,
    organization: Organization,
    user: User,
    *,
    key: str,
    form: ConsoleForm,
    act: Callable[[dict[str, Any]], object],
    done: str,
    tab: str = "",
) -> HttpResponse:
    """A form on the details page: on success back to it with a flash, else the page with
    the form's errors under its fields."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return _back(organization, user, tab)
    forms = {key: form, **({"tab": tab} if tab else {})}
    return _details(request, organization, user, forms=forms, status=400)


@require_POST
@admin_required
@_for_user
def alias_add(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    form = AliasForm(request.POST, organization=organization)
    return _change(
        request, organization, user, key="alias", form=form,
        done=f"An alias was added to {user.name}.",
        act=lambda data: addresses.create_alias(
            organization=organization, entity=user, alias=data["address"]
        ),
    )  # fmt: skip


@require_POST
@admin_required
@_for_user
def alias_remove(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    back = user_url("detail", organization, user)
    return alias_pages.remove_alias(request, organization, user, back=back)


@require_POST
@admin_required
@_for_user
def alias_primary(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    """Set a new default email address: an alias becomes primary, the primary an alias."""
    back = user_url("detail", organization, user)
    return alias_pages.make_primary(request, organization, user, back=back)


@require_POST
@admin_required
@_for_user
def quota_update(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    form = QuotaForm(request.POST)
    return _change(
        request, organization, user, key="quota", form=form, tab="quota",
        done=f"The mailbox quota of {user.name} was updated.",
        act=lambda data: mailboxes.update_mailbox_quota(
            organization=organization, user=user, mailbox_quota=data["mailbox_quota"]
        ),
    )  # fmt: skip


@require_POST
@admin_required
@_for_user
def permission_put(request: ConsoleRequest, organization: Organization, user: User) -> HttpResponse:
    """Add permissions / Edit permissions (PutMailboxPermissions: the set replaces)."""
    form = PermissionForm(request.POST)
    return _change(
        request, organization, user, key="permission", form=form, tab="permissions",
        done=f"The permissions to the mailbox of {user.name} were saved.",
        act=lambda data: mailboxes.put_mailbox_permissions(
            organization=organization, user=user, grantee_id=data["grantee"],
            permission_values=form.values(),
        ),
    )  # fmt: skip


@require_POST
@admin_required
@_for_user
def permission_remove(
    request: ConsoleRequest, organization: Organization, user: User
) -> HttpResponse:
    grantee = request.POST.get("grantee", "")[:64]
    try:
        mailboxes.delete_mailbox_permissions(
            organization=organization, user=user, grantee_id=grantee
        )
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The permissions were removed from the mailbox of {user.name}.")
    return _back(organization, user, "permissions")
