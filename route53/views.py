"""Route 53 pages: hosted zones, their record sets, and registered domains. Route 53 is global,
so these pages are under `/route53/`, not a Region. Views translate between HTTP and the
services (route53.services, route53.registrar); the rules live there.

Every view works in the person's account only: another account's hosted zone is a 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from route53 import registrar, services
from route53.forms import (
    PRIVATE,
    CreateHostedZoneForm,
    DeleteRecordSetForm,
    RecordSetForm,
    RegisterDomainForm,
)
from route53.models import HostedZone
from workmail_console.errors import WorkMailError
from workmail_console.formtools import page_status
from workmail_console.live import render_live
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

REGISTRATION_POLL = 2  # seconds between the registered domains list's polls while one is working


def _get_zone(request: ConsoleRequest, zone_id: str) -> HostedZone:
    try:
        return services.get_hosted_zone(request.account, zone_id)
    except services.NoSuchHostedZone:
        raise Http404("No such hosted zone in this account.") from None


@require_GET
@account_required
def zone_list(request: ConsoleRequest) -> HttpResponse:
    containing = text_filter(request)
    zones = services.list_hosted_zones(request.account, containing=containing)
    page = table(request, zones, ZONE_SORTING, text=containing)
    return render(request, "route53/zones.html", {"page": page})


ZONE_SORTING = Sorting(
    {"name": ("name",), "type": ("private",), "records": ("record_count",),
     "description": ("comment",), "id": ("zone_id",)},
    default="name",
)  # fmt: skip
RECORD_SORTING = Sorting({"name": ("name",), "type": ("type",), "ttl": ("ttl",)})


@require_http_methods(["GET", "POST"])
@admin_required
def zone_create(request: ConsoleRequest) -> HttpResponse:
    form = CreateHostedZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            zone = services.create_hosted_zone(
                account=request.account, name=data["name"], comment=data["comment"],
                private=data["zone_type"] == PRIVATE,
            )  # fmt: skip
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Hosted zone {zone.name} was successfully created.")
            return redirect("route53:zone", zone.zone_id)
    status = page_status(form)
    return render(request, "route53/create_zone.html", {"form": form}, status=status)


def _zone_page(
    request: ConsoleRequest, zone: HostedZone, form: RecordSetForm, status: int = 200
) -> HttpResponse:
    containing = text_filter(request)
    records = services.record_sets(zone, containing=containing)
    page = table(request, records, RECORD_SORTING, text=containing)
    context = {
        "zone": zone, "page": page, "form": form, "delegation": services.delegation(zone),
        # The table's count is the zone's unless a filter hides some.
        "record_count": zone.record_sets.count() if containing else page.paginator.count,
    }  # fmt: skip
    return render(request, "route53/zone.html", context, status=status)


@require_GET
@account_required
def zone_detail(request: ConsoleRequest, zone_id: str) -> HttpResponse:
    zone = _get_zone(request, zone_id)
    initial = {}
    # Edit record: the form filled with the chosen record set (by name and type).
    name, rtype = request.GET.get("edit_name", ""), request.GET.get("edit_type", "")
    if name and rtype and "\x00" not in name + rtype:
        chosen = zone.record_sets.filter(name=name[:255], type=rtype[:5]).first()
        if chosen is not None:
            initial = {
                "record_name": chosen.name, "record_type": chosen.type,
                "ttl": str(chosen.ttl), "values": "\n".join(chosen.values),
            }  # fmt: skip
    return _zone_page(request, zone, RecordSetForm(initial=initial))


@require_POST
@admin_required
def record_upsert(request: ConsoleRequest, zone_id: str) -> HttpResponse:
    """Create record / Edit record: the record set of that name and type, created or replaced."""
    zone = _get_zone(request, zone_id)
    form = RecordSetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        name = services.record_name(zone, data["record_name"])
        record_set = services.RecordSet(name, data["record_type"], data["ttl"], data["values"])
        try:
            services.change_record_sets(zone, [services.Change(services.Action.UPSERT, record_set)])
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Record {name} {data['record_type']} was saved.")
            return redirect("route53:zone", zone.zone_id)
    return _zone_page(request, zone, form, status=400)


@require_POST
@admin_required
def record_delete(request: ConsoleRequest, zone_id: str) -> HttpResponse:
    zone = _get_zone(request, zone_id)
    form = DeleteRecordSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a record to delete.")
        return redirect("route53:zone", zone.zone_id)
    name = services.record_name(zone, form.cleaned_data["record_name"])
    rtype = form.cleaned_data["record_type"]
    current = zone.record_sets.filter(name=name, type=rtype).first()
    try:
        if current is None:
            raise services.InvalidChangeBatch(f"The record {name} {rtype} doesn't exist.")
        record_set = services.RecordSet(name, rtype, current.ttl, tuple(current.values))
        services.change_record_sets(zone, [services.Change(services.Action.DELETE, record_set)])
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Record {name} {rtype} was deleted.")
    return redirect("route53:zone", zone.zone_id)


@require_POST
@admin_required
def zone_delete(request: ConsoleRequest, zone_id: str) -> HttpResponse:
    zone = _get_zone(request, zone_id)
    try:
        services.delete_hosted_zone(zone)
    except WorkMailError as error:
        messages.error(request, error.message)
        return redirect("route53:zone", zone.zone_id)
    messages.success(request, f"Hosted zone {zone.name} was deleted.")
    return redirect("route53:zones")


@require_GET
@account_required
def domain_list(request: ConsoleRequest) -> HttpResponse:
    registrations = list(registrar.list_registrations(request.account))
    working = any(registration.is_working for registration in registrations)
    context = {"registrations": registrations, "polling": working, "poll_every": REGISTRATION_POLL}
    return render_live(request, "route53/domains.html", context, keep_polling=working)


@require_http_methods(["GET", "POST"])
@admin_required
def domain_register(request: ConsoleRequest) -> HttpResponse:
    form = RegisterDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = registrar.register_domain(
                account=request.account, name=form.cleaned_data["name"]
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"The registration of {registration.name} is in progress. Route 53 creates its"
                " hosted zone when the registration is successful.",
            )
            return redirect("route53:domains")
    status = page_status(form)
    return render(request, "route53/register.html", {"form": form}, status=status)
