"""The ops dashboard: read-only for everyone but an admin's **Retry now**."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from directories.lifecycle import Stage
from directories.models import DirectoryType
from ops import dashboard as data
from ops.forms import DashboardFilter
from organizations.lifecycle import State
from organizations.models import Organization
from workmail_console.formtools import page_status
from workmail_console.live import unchanged
from workmail_console.navigation import back_to
from workmail_console.regions import REGIONS
from workmail_console.tasks import enqueue
from workmail_console.tenancy import ConsoleRequest, account_required

# How often the open page asks for news, in seconds.
REFRESH_EVERY = 3


def sees_all_accounts(request: ConsoleRequest) -> bool:
    """Staff superusers see every account here (and only here)."""
    return request.user.is_staff and request.user.is_superuser


def may_retry(request: ConsoleRequest, account_id: str) -> bool:
    """Whether this person may press Retry now on an organization of `account_id`: a staff
    superuser anywhere, an admin in their own account (the Retry button and its view ask)."""
    if sees_all_accounts(request):
        return True
    return request.membership.is_admin and account_id == request.account.account_id


def _emulator_switch(request: ConsoleRequest, organization: Organization) -> str | None:
    """The emulator's fault switch a row offers for the directory Amazon WorkMail made for the
    organization (its details page has the same): "outage" while it is Active, "recover" while
    it is Inoperable; only to an admin of the organization's own account, as on that page."""
    directory = organization.directory
    if (
        not request.membership.is_admin
        or organization.account_id != request.account.account_id
        or organization.state == State.DELETED
        or directory is None
        or directory.directory_type != DirectoryType.WORKMAIL
    ):
        return None
    return {Stage.ACTIVE: "outage", Stage.INOPERABLE: "recover"}.get(directory.stage)


def _scope(request: ConsoleRequest, form: DashboardFilter) -> data.Scope:
    chosen = form.cleaned_data if form.is_valid() else {}
    if sees_all_accounts(request):
        account_id = chosen.get("account") or None
    else:
        account_id = request.account.account_id
    state = State(chosen["state"]) if chosen.get("state") else None
    return data.Scope(account_id=account_id, region=chosen.get("region") or None, state=state)


class Links:
    """The dashboard's URLs for a scope, so a filtered view is a link you can share."""

    def __init__(self, scope: data.Scope, sees_all: bool) -> None:
        self.scope = scope
        self.base = {"account": scope.account_id} if sees_all and scope.account_id else {}

    def to(self, **params: str | None) -> str:
        query = {**self.base, **{key: value for key, value in params.items() if value}}
        path = reverse("ops:dashboard")
        return f"{path}?{urlencode(query)}" if query else path

    def current(self, **extra: str) -> str:
        state = self.scope.state.value if self.scope.state else None
        return self.to(region=self.scope.region, state=state, **extra)


@require_GET
@account_required
def dashboard(request: ConsoleRequest) -> HttpResponse:
    sees_all = sees_all_accounts(request)
    form = DashboardFilter(request.GET, sees_all_accounts=sees_all)
    scope = _scope(request, form)
    now = timezone.now()
    processes = data.processes()
    version = data.version(scope, processes, now)
    if nothing_new := unchanged(request, version):
        return nothing_new

    links = Links(scope, sees_all)
    tiles, deleted = data.tiles(scope)
    for tile in [*tiles, deleted]:
        tile.url = links.to(state=tile.state)
        tile.regions = [
            (region, count, links.to(state=tile.state, region=region))
            for region, count in tile.by_region.items()
        ]
    attention, attention_total = data.needs_attention(scope, tiles)
    in_state = data.in_state(scope)
    for organization in [*attention, *in_state]:
        organization.can_retry = organization.is_stuck and may_retry(
            request, organization.account_id
        )
        organization.emulator_switch = _emulator_switch(request, organization)
    context = {
        "form": form,
        "scope": scope,
        "sees_all": sees_all,
        "tiles": tiles,
        "deleted": deleted,
        "attention": attention,
        "attention_total": attention_total,
        "pending_domains": data.domains_pending(scope, now),
        "inside": data.inside(scope),
        "in_state": in_state,
        "in_state_total": next(
            (
                tile.by_region[scope.region] if scope.region else tile.total
                for tile in [*tiles, deleted]
                if tile.state == scope.state
            ),
            0,
        ),
        "feed": data.feed(scope),
        "timings": data.timings(scope, now),
        "chart": data.transitions_chart(scope, now),
        "processes": processes,
        "oldest_waiting": data.oldest_waiting(scope),
        "version": version,
        "live_url": links.current(since=version),
        "here": links.current(),
        "clear_url": links.to(),
        "region_name": REGIONS.get(scope.region or "", ""),
        "refresh_every": REFRESH_EVERY,
        "now": now,
    }
    status = page_status(form)
    if request.htmx:
        return render(request, "ops/dashboard.html#live", context, status=status)
    return render(request, "ops/dashboard.html", context, status=status)


@require_POST
@account_required
def retry(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """**Retry now**: send the step for the organization's state again. The step's
    compare-and-set makes a second delivery harmless, so this is safe whatever else runs."""
    if not may_retry(request, request.account.account_id):
        raise PermissionDenied("Only an admin can retry a step.")
    rows = Organization.objects.filter(pk=organization_id, region=region)
    organization = rows.only("organization_id", "account_id", "alias", "state").first()
    if organization is None or not may_retry(request, organization.account_id):
        raise Http404("No such organization in this account and Region.")
    if not organization.is_working:
        messages.info(
            request,
            f"{organization.alias} is {organization.state}: no step is waiting, so there is"
            " nothing to retry.",
        )
    elif enqueue("organization", organization.organization_id, organization.state):
        messages.success(
            request,
            f"Retry sent: a worker will take {organization.alias} on from {organization.state}.",
        )
    else:
        messages.error(
            request,
            "The broker did not take the message. Check that Redis is running; the periodic"
            " sweep will send it once the broker is back.",
        )
    dashboard = reverse("ops:dashboard")
    return redirect(back_to(request, dashboard, within=dashboard))
