"""Directory pages. Views translate between HTTP and the services; the rules live below them.

Every view here is under `/<region>/directories/` and works in that Region only. Admins change;
ops read; another account's directory is a 404 on every URL.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directories import services, usage
from directories.forms import CreateAliasForm, SetUpDirectoryForm
from directories.models import Directory
from workmail_console import flash, lifecycle
from workmail_console.errors import EntityDoesNotExistException, WorkMailError
from workmail_console.formtools import page_status
from workmail_console.live import render_live
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required


def get_directory_or_404(request: ConsoleRequest, region: str, directory_id: str) -> Directory:
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
    containing = text_filter(request)
    directories = services.list_directories(
        account=request.account, region=region, include_deleted=show_deleted,
        containing=containing,
    )  # fmt: skip
    keep = {"show": "all" if show_deleted else ""}
    page = table(request, directories, SORTING, text=containing, keep=keep)
    working = any(directory.is_working for directory in page)
    context = {"page": page, "show_deleted": show_deleted, "polling": working}
    return render_live(request, "directories/list.html", context, keep_polling=working)


SORTING = Sorting(
    {"id": ("directory_id",), "name": ("name",), "alias": ("alias",),
     "type": ("directory_type",), "status": ("stage",), "launched": ("created",)},
    default="-launched",
)  # fmt: skip


@require_GET
@account_required
def directory_detail(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    return render_detail(request, get_directory_or_404(request, region, directory_id))


# Sections other apps add to a directory's page (the users app: an AD Connector's on-premises
# users), a registry because those apps sit above directories. Each takes the request, the
# directory and its own bound form after a refused POST (else None), and returns the section's
# context with its "template", or None where it doesn't apply.
type Section = Callable[[ConsoleRequest, Directory, Form | None], dict[str, Any] | None]
DETAIL_SECTIONS: dict[str, Section] = {}


def render_detail(
    request: ConsoleRequest, directory: Directory, *, refused: tuple[str, Form] | None = None
) -> HttpResponse:
    """The directory's page; after a refused POST to a section's form (`refused`: the section's
    name and its bound form), with that form's errors and a 400."""
    sections = []
    for name, section in DETAIL_SECTIONS.items():
        form = refused[1] if refused and refused[0] == name else None
        if (context := section(request, directory, form)) is not None:
            sections.append(context)
    context = {
        "directory": directory,
        "history": lifecycle.history(directory),
        "uses": usage.uses(directory),
        "unsupported_reason": services.unsupported_reason(directory),
        "polling": directory.is_working,
        "sections": sections,
    }
    if refused:
        context["form"] = refused[1]  # the form that was refused, as on every other page
        return render(request, "directories/detail.html", context, status=400)
    polling = directory.is_working
    return render_live(request, "directories/detail.html", context, keep_polling=polling)


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
            form.add_service_error(error)
        else:
            flash.in_progress(request, f"Directory {directory.directory_id} is being created.")
            return redirect(directory)
    status = page_status(form)
    return render(request, "directories/setup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def directory_alias(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    """Create alias: the access URL https://<alias>.awsapps.com."""
    directory = get_directory_or_404(request, region, directory_id)
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
    status = page_status(form)
    context = {"directory": directory, "form": form}
    return render(request, "directories/alias.html", context, status=status)


def _action(
    act: Callable[..., Directory], done: str
) -> Callable[[ConsoleRequest, str, str], HttpResponse]:
    """A details page button: do it, then back to the page with a flash saying what happened."""

    @require_POST
    @admin_required
    def view(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
        directory = get_directory_or_404(request, region, directory_id)
        flash.outcome(
            request,
            lambda: act(
                account=request.account, region=region, directory_id=directory.directory_id
            ),
            done.format(directory_id=directory.directory_id),
        )
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
    directory = get_directory_or_404(request, region, directory_id)
    if request.method == "POST":
        try:
            services.request_directory_deletion(
                account=request.account, region=region, directory_id=directory.directory_id
            )
        except WorkMailError as error:
            messages.error(request, error.message)
            return redirect(directory)
        flash.in_progress(request, f"Directory {directory.directory_id} is being deleted.")
        return redirect("directories:list", region=region)
    context = {"directory": directory, "refusal": services.deletion_refusal(directory)}
    return render(request, "directories/delete.html", context)
