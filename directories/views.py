"""Directory pages. Views translate between HTTP and the services; the rules live below them.

Every view here is under `/<region>/directories/` and works in that Region only. Admins change;
ops read; another account's directory is a 404 on every URL.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directories import services
from directories.forms import CreateAliasForm, SetUpDirectoryForm
from directories.models import Directory, DirectoryType
from users import services as users
from users.forms import AddDirectoryUserForm
from workmail_console import lifecycle
from workmail_console.errors import EntityDoesNotExistException, WorkMailError
from workmail_console.live import render_live
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required


def _get_directory(request: ConsoleRequest, region: str, directory_id: str) -> Directory:
    try:
        return services.get_directory(
            account=request.account, region=region, directory_id=directory_id
        )
    except EntityDoesNotExistException:
        raise Http404("No such directory in this account and Region.") from None


@require_GET
@account_required
def directory_list(request: ConsoleRequest, region: str) -> HttpResponse:
    show_deleted = request.GET.get("show") == "all"
    page = services.list_directories(
        account=request.account,
        region=region,
        include_deleted=show_deleted,
        page=request.GET.get("page", 1),
    )
    working = any(directory.is_working for directory in page)
    context = {"page": page, "show_deleted": show_deleted, "polling": working}
    return render_live(request, "directories/list.html", context, keep_polling=working)


@require_GET
@account_required
def directory_detail(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    directory = _get_directory(request, region, directory_id)
    return _detail(request, directory, AddDirectoryUserForm(directory=directory))


def _detail(
    request: ConsoleRequest,
    directory: Directory,
    user_form: AddDirectoryUserForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "directory": directory,
        "history": lifecycle.history(directory),
        "organizations": services.organizations_using(directory).order_by("alias"),
        "unsupported_reason": services.unsupported_reason(directory),
        "polling": directory.is_working,
        # An AD Connector's users live on premises: the page stands in for that directory.
        "on_premises": directory.directory_type == DirectoryType.AD_CONNECTOR,
        "user_form": user_form,
    }
    if context["on_premises"]:
        context["directory_users"] = users.users_in(directory)
    if status != 200:  # a refused Add user: the page, with its errors
        return render(request, "directories/detail.html", context, status=status)
    polling = directory.is_working
    return render_live(request, "directories/detail.html", context, keep_polling=polling)


@require_POST
@admin_required
def directory_add_user(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    """Directory users > Add user: a user made in an AD Connector's on-premises directory."""
    directory = _get_directory(request, region, directory_id)
    form = AddDirectoryUserForm(request.POST, directory=directory)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = users.add_directory_user(
                directory=directory,
                name=data["name"],
                display_name=data["display_name"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except WorkMailError as error:
            if error.field not in form.fields:  # the directory's own: say so on its page
                messages.error(request, error.message)
                return redirect(directory)
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, f"User {user.name} was added to directory {directory.directory_id}."
            )
            return redirect(directory)
    return _detail(request, directory, form, status=400)


def _kind_options() -> list[dict]:
    return [
        {"value": value, "label": kind.label, "hint": kind.hint}
        for value, kind in services.KINDS.items()
    ]


@sensitive_post_parameters(*services.PASSWORDS, "confirm_password")
@require_http_methods(["GET", "POST"])
@admin_required
def directory_setup(request: ConsoleRequest, region: str) -> HttpResponse:
    """Set up directory: choose the directory type (a GET form), then its settings (a POST)."""
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("directory_type", "")
    if kind not in services.KINDS:
        error = "Choose a directory type." if request.method == "POST" else None
        context = {"kinds": _kind_options(), "error": error}
        return render(request, "directories/setup.html", context, status=400 if error else 200)
    data = request.POST if request.method == "POST" else None
    form = SetUpDirectoryForm(data, kind=kind, account_id=request.account.pk, region=region)
    if data is not None and form.is_valid():
        try:
            directory = services.set_up_directory(
                account=request.account, region=region, kind=kind, **form.service_values()
            )
        except WorkMailError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Directory {directory.directory_id} is being created.")
            return redirect(directory)
    status = 400 if form.errors else 200
    return render(request, "directories/setup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def directory_alias(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    """Create alias: the access URL https://<alias>.awsapps.com."""
    directory = _get_directory(request, region, directory_id)
    form = CreateAliasForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_alias(
                account=request.account,
                region=region,
                directory_id=directory.directory_id,
                alias=form.cleaned_data["alias"],
            )
        except WorkMailError as error:
            form.add_error("alias", error.message)
        else:
            messages.success(request, f"Alias {form.cleaned_data['alias']} created.")
            return redirect(directory)
    status = 400 if form.errors else 200
    context = {"directory": directory, "form": form}
    return render(request, "directories/alias.html", context, status=status)


def _action(
    act: Callable[..., Directory], done: str
) -> Callable[[ConsoleRequest, str, str], HttpResponse]:
    """A details page button: do it, then back to the page with a flash saying what happened."""

    @require_POST
    @admin_required
    def view(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
        directory = _get_directory(request, region, directory_id)
        try:
            act(account=request.account, region=region, directory_id=directory.directory_id)
        except WorkMailError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done.format(directory_id=directory.directory_id))
        return redirect(directory)

    return view


directory_outage = _action(
    services.simulate_outage, "Directory {directory_id} is Inoperable: outage simulated."
)
directory_recover = _action(services.recover, "Directory {directory_id} is Active again.")


@require_http_methods(["GET", "POST"])
@admin_required
def directory_delete(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    """Delete directory: a confirmation dialog, refused with the reason while something uses it."""
    directory = _get_directory(request, region, directory_id)
    if request.method == "POST":
        try:
            services.request_directory_deletion(
                account=request.account, region=region, directory_id=directory.directory_id
            )
        except WorkMailError as error:
            messages.error(request, error.message)
            return redirect(directory)
        messages.success(request, f"Directory {directory.directory_id} is being deleted.")
        return redirect("directories:list", region=region)
    context = {"directory": directory, "refusal": services.deletion_refusal(directory)}
    return render(request, "directories/delete.html", context)
