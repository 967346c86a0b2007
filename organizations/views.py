"""Organization pages. Views translate between HTTP and the services; the rules live below them.

Every view here is under `/<region>/organizations/` and works in that Region only.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directories import services as directories
from directories.models import Directory, DirectoryType
from organizations import services
from organizations.forms import CreateOrganizationForm, DeleteOrganizationForm
from organizations.lifecycle import State
from organizations.models import Organization, is_organization_id
from organizations.pages import organization_or_404
from organizations.setup_messages import SetupMessage, setup_messages
from workmail_console import flash, lifecycle
from workmail_console.errors import WorkMailError
from workmail_console.formtools import page_status
from workmail_console.live import render_live, unchanged, version_tag
from workmail_console.navigation import back_to
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required


@require_GET
@account_required
def organization_list(request: ConsoleRequest, region: str) -> HttpResponse:
    show_deleted = request.GET.get("show") == "all"
    containing = text_filter(request, max_length=FILTER_MAX)
    organizations = services.list_organizations(
        account=request.account, region=region, include_deleted=show_deleted,
        containing=containing,
    )  # fmt: skip
    keep = {"show": "all" if show_deleted else ""}
    count = None
    if not containing:  # the kept counts, not a count of every row; a filter's matches counted
        count = services.count_organizations(
            account=request.account, region=region, include_deleted=show_deleted
        )
    page = table(request, organizations, SORTING, text=containing, keep=keep, count=count)
    working = any(organization.is_working for organization in page)
    version = _rows_version(page)
    if nothing_new := unchanged(request, version):
        return nothing_new
    query = request.GET.copy()
    query["since"] = version
    context = {
        "page": page,
        "show_deleted": show_deleted,
        "filter_max": FILTER_MAX,
        "polling": True,
        # Fast while something works; slowly otherwise, so Impaired (a disabled key, a directory
        # down) still shows without a reload.
        "poll_every": WORKING_POLL if working else IDLE_POLL,
        "live_url": f"{request.path}?{query.urlencode()}",
    }
    return render_live(request, "organizations/list.html", context, keep_polling=True)


WORKING_POLL, IDLE_POLL = 2, 10  # seconds between the list's polls
FILTER_MAX = 64  # characters of the text filter (an alias is at most 62)
SORTING = Sorting(
    {"alias": ("alias",), "id": ("organization_id",), "state": ("state",),
     "created": ("created_date",)},
    default="-created",
)  # fmt: skip


def _rows_version(page) -> str:
    """What the list's rows show, as a short tag: it changes when a row's state does."""
    rows = [(o.organization_id, o.state, o.default_mail_domain) for o in page]
    return version_tag(rows, page.number, page.paginator.count)


@require_GET
@account_required
def organization_detail(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id, deleted=True)
    setup = setup_messages(organization, admin=request.membership.is_admin)
    version = _version_of(organization, setup)
    if nothing_new := unchanged(request, version):
        return nothing_new
    # Live until Deleted: fast while working, slowly otherwise (Active can still turn Impaired,
    # a user can be enabled elsewhere).
    live = organization.state != State.DELETED
    has_users = organization.state in (State.ACTIVE, State.INACTIVE)
    context = {
        "organization": organization,
        "setup_messages": setup,
        "users_url": reverse("users:list", args=[region, organization_id]) if has_users else None,
        "history": lifecycle.history(organization),
        "polling": live,
        "poll_every": WORKING_POLL if organization.is_working else IDLE_POLL,
        "live_url": f"{request.path}?since={version}",
    }
    return render_live(request, "organizations/detail.html", context, keep_polling=live)


def _version_of(organization: Organization, setup: list[SetupMessage]) -> str:
    """What the details page shows of a settled organization changes with a transition or with
    its setup messages (a user enabled elsewhere, a domain verified), or with its directory's
    stage (the emulator controls show it); its "so far" durations tick in the browser."""
    directory = organization.directory
    return version_tag(
        organization.state, organization.state_changed_at, organization.error_message, setup,
        directory.stage if directory else None,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
def organization_create(request: ConsoleRequest, region: str) -> HttpResponse:
    form = CreateOrganizationForm(request.POST or None, account=request.account, region=region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.create_organization(
                account=request.account,
                region=region,
                alias=data["alias"],
                directory_choice=data["directory_choice"],
                encryption_choice=data["encryption_choice"],
                client_token=data["client_token"],
                directory_id=data["directory_id"],
                kms_key_arn=data["kms_key_arn"],
                enable_interoperability=data["enable_interoperability"],
                domain_choice=data["email_domain"],
                domain_name=data["domain_name"],
                hosted_zone_id=data["hosted_zone"],
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            flash.in_progress(request, f"Organization {organization.alias} is being created.")
            return redirect("organizations:list", region=region)
    status = page_status(form)
    return render(request, "organizations/create.html", {"form": form}, status=status)


@require_GET
@account_required
def alias_availability(request: ConsoleRequest, region: str) -> HttpResponse:
    alias = request.GET.get("alias", "").strip()
    error = None
    if alias:
        try:
            services.check_alias_availability(alias)
        except WorkMailError as exc:
            error = exc.message
    context = {"alias": alias, "error": error}
    return render(request, "organizations/create.html#alias-status", context)


@require_http_methods(["GET", "POST"])
@admin_required
def organization_delete(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id, deleted=True)
    form = DeleteOrganizationForm(request.POST or None, organization=organization)
    if not organization.is_deletable:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            services.delete_organization(
                account=request.account,
                region=region,
                organization_id=organization.organization_id,
                delete_directory=form.cleaned_data["directory"] == "delete",
            )
        except WorkMailError as error:
            messages.error(request, error.message)
        else:
            flash.in_progress(request, f"Organization {organization.alias} is being deleted.")
        return redirect("organizations:list", region=region)
    status = 400 if form is not None and form.errors else 200
    directory = organization.directory
    context = {
        "organization": organization,
        "form": form,
        # The directory can't go with the organization while another application uses it.
        "directory_kept_because": directory and directories.applications_refusal(directory),
    }
    return render(request, "organizations/delete.html", context, status=status)


@require_GET
@admin_required
def organization_delete_selected(request: ConsoleRequest, region: str) -> HttpResponse:
    """The list's Delete button: the row chosen with its radio button."""
    selected = request.GET.get("organization_id", "")
    if not is_organization_id(selected):
        messages.info(request, "Select an organization to delete.")
        return redirect("organizations:list", region=region)
    return redirect("organizations:delete", region=region, organization_id=selected)


def _own_directory_action(
    act: Callable[..., Directory], done: str
) -> Callable[[ConsoleRequest, str, str], HttpResponse]:
    """Emulator controls on the details page: a fault switch for the directory Amazon WorkMail
    made for the organization (AWS lists it nowhere, so it has no page of its own here)."""

    @require_POST
    @admin_required
    def view(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
        organization = organization_or_404(request, region, organization_id)
        directory = organization.directory
        if directory is None or directory.directory_type != DirectoryType.WORKMAIL:
            raise Http404("The organization has no directory of its own.")
        flash.outcome(
            request,
            lambda: act(
                account=request.account, region=region, directory_id=directory.directory_id
            ),
            done.format(directory_id=directory.directory_id),
        )
        # The dashboard's rows have the same switches: back there when pressed there.
        dashboard = reverse("ops:dashboard")
        return redirect(back_to(request, organization.get_absolute_url(), within=dashboard))

    return view


directory_outage = _own_directory_action(
    directories.simulate_outage,
    "Directory {directory_id} is Inoperable: outage simulated.",
)
directory_recover = _own_directory_action(
    directories.recover, "Directory {directory_id} is Active again."
)
