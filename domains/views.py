"""Domains pages. Views translate between HTTP and the services; the rules live below them.

Every view here is under `/<region>/organizations/<organization_id>/domains/`. Another account's
organization, a deleted one, or a domain outside the organization is a 404 on every URL. Admins
change; ops read.
"""

from collections.abc import Callable
from functools import wraps
from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from domains import services
from domains.forms import AddDomainForm, RemoveDomainForm
from domains.models import MailDomain, RecordStatus
from domains.records import Group, zone_file
from organizations.lifecycle import State
from organizations.models import Organization
from organizations.pages import organization_or_404
from workmail_console.errors import (
    MailDomainNotFoundException,
    WorkMailError,
)
from workmail_console.formtools import page_status
from workmail_console.live import render_live, unchanged, version_tag
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

VERIFY_POLL = 2  # seconds between polls of the records while a check runs
PENDING_POLL = 15  # and while a record is not Verified yet, for beat's checks


def _domain(organization: Organization, domain_name: str) -> MailDomain:
    try:
        return services.get_mail_domain(organization=organization, domain_name=domain_name)
    except MailDomainNotFoundException:
        raise Http404("No such domain in this organization.") from None


DomainView = Callable[[ConsoleRequest, Organization, MailDomain], HttpResponse]


def _for_domain(view: DomainView) -> Callable[..., HttpResponse]:
    """The domain of the URL, in its organization (else a 404)."""

    @wraps(view)
    def wrapper(
        request: ConsoleRequest, region: str, organization_id: str, domain_name: str
    ) -> HttpResponse:
        organization = organization_or_404(request, region, organization_id)
        return view(request, organization, _domain(organization, domain_name))

    return wrapper


def records_url(domain: MailDomain) -> str:
    organization = domain.organization
    return reverse(
        "domains:detail", args=[organization.region, organization.organization_id, domain.name]
    )


def _list_url(organization: Organization) -> str:
    return reverse("domains:list", args=[organization.region, organization.organization_id])


@require_GET
@account_required
def domain_list(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    containing = text_filter(request)
    domains = services.list_mail_domains(organization, containing=containing)
    page = table(request, domains, SORTING, text=containing)
    context = {
        "organization": organization,
        "page": page,
        "rows": services.domain_rows(organization, page),
        "writable": organization.state == State.ACTIVE,
    }
    return render(request, "domains/list.html", context)


# With no order asked for, ListMailDomains's: the test domain first, then by name.
SORTING = Sorting({"name": ("name",), "status": ("ownership_status",)})


@require_http_methods(["GET", "POST"])
@admin_required
def domain_add(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    form = AddDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain = services.register_mail_domain(
                organization=organization, domain_name=form.cleaned_data["domain_name"]
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Domain {domain.name} was added. Add its DNS records.")
            return redirect(records_url(domain))
    zones = [zone.name for zone in services.account_hosted_zones(request.account)]
    context = {"organization": organization, "form": form, "zones": zones}
    return render(request, "domains/add.html", context, status=page_status(form))


@require_POST
@admin_required
def domain_set_default(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """Set as default, for the domain chosen with its radio button (the list, the records)."""
    organization = organization_or_404(request, region, organization_id)
    name = request.POST.get("mail_domain", "")
    if not name:
        messages.info(request, "Select a domain.")
        return redirect(_list_url(organization))
    domain = _domain(organization, name)
    try:
        services.update_default_mail_domain(organization=organization, domain_name=domain.name)
    except WorkMailError as error:
        messages.error(request, error.message)
        return redirect(_list_url(organization))
    messages.success(request, f"Domain {domain.name} is now the default domain.")
    return redirect(_list_url(organization))


@require_http_methods(["GET", "POST"])
@admin_required
def domain_remove(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """Remove: the domain chosen (the query's or the form's mail_domain), once its name is
    typed."""
    organization = organization_or_404(request, region, organization_id)
    name = (request.POST if request.method == "POST" else request.GET).get("mail_domain", "")
    if not name:
        messages.info(request, "Select a domain.")
        return redirect(_list_url(organization))
    domain = _domain(organization, name)
    # Remove on the list posts the domain chosen: that asks for the confirmation, not for it.
    confirming = request.method == "POST" and "domain_confirmation" in request.POST
    form = RemoveDomainForm(request.POST if confirming else None, domain_name=domain.name)
    if confirming and form.is_valid():
        try:
            services.deregister_mail_domain(organization=organization, domain_name=domain.name)
        except WorkMailError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Domain {domain.name} was removed.")
            return redirect(_list_url(organization))
    context = {
        "organization": organization,
        "domain": domain,
        "form": form,
        "is_default": domain.name == organization.default_mail_domain,
    }
    status = 400 if confirming else 200
    return render(request, "domains/remove.html", context, status=status)


def _sections(domain: MailDomain) -> list[tuple[str, list]]:
    records = sorted(domain.records.all(), key=lambda r: (list(Group).index(Group(r.group)), r.pk))
    return [
        (group, [(record, services.BADGES[record.status]) for record in rows])
        for group, rows in groupby(records, key=lambda r: r.group)
    ]


@require_GET
@account_required
@_for_domain
def domain_detail(
    request: ConsoleRequest, organization: Organization, domain: MailDomain
) -> HttpResponse:
    return _records_page(request, organization, domain)


def _records_page(
    request: ConsoleRequest, organization: Organization, domain: MailDomain
) -> HttpResponse:
    """The records page, or for htmx its records part: polled every VERIFY_POLL seconds while a
    check runs, and every PENDING_POLL while a record is not Verified yet (beat checks it again
    on its own); a poll that finds nothing new since is an empty 204."""
    checking = domain.check_requested_at is not None
    version = version_tag(
        domain.ownership_status, domain.dkim_status, domain.checked_at, domain.check_requested_at
    )
    if nothing_new := unchanged(request, version):
        return nothing_new
    sections = _sections(domain)
    pending = any(
        record.status != RecordStatus.VERIFIED for _, rows in sections for record, _ in rows
    )
    context = {
        "organization": organization,
        "domain": domain,
        "sections": sections,
        "ownership_badge": services.BADGES[domain.ownership_status],
        "dkim_badge": services.BADGES[domain.dkim_status],
        "is_default": domain.name == organization.default_mail_domain,
        "zone": services.route53_zone(domain),
        "writable": organization.state == State.ACTIVE,
        "checking": checking,
        "polling": checking or pending,
        "poll_every": VERIFY_POLL if checking else PENDING_POLL,
        "live_url": f"{records_url(domain)}?since={version}",
    }
    return render_live(request, "domains/detail.html", context, keep_polling=checking or pending)


@require_GET
@account_required
@_for_domain
def domain_zone_file(
    request: ConsoleRequest, organization: Organization, domain: MailDomain
) -> HttpResponse:
    """Copy all: the records as a zone file to import at a DNS provider."""
    response = HttpResponse(
        zone_file(domain.name, domain.expected_records()), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{domain.name}.zone"'
    return response


@require_POST
@admin_required
@_for_domain
def domain_verify(
    request: ConsoleRequest, organization: Organization, domain: MailDomain
) -> HttpResponse:
    """Verify now: the check is queued; for htmx, the records part, which polls until done."""
    try:
        services.request_verification(domain)
    except WorkMailError as error:
        messages.error(request, error.message)
        return redirect(records_url(domain))
    if request.htmx:
        return _records_page(request, organization, domain)
    messages.success(request, f"Verification of {domain.name} started.")
    return redirect(records_url(domain))


@require_POST
@admin_required
@_for_domain
def domain_update_route53(
    request: ConsoleRequest, organization: Organization, domain: MailDomain
) -> HttpResponse:
    try:
        count = services.update_all_in_route53(domain)
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{count} record sets of {domain.name} were updated in Route 53.")
    return redirect(records_url(domain))
