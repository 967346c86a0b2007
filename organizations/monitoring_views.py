"""The organization's Monitoring page (organizations.monitoring): read-only, for admins and ops,
in every state of the organization (its history is kept after it is deleted)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations import monitoring
from organizations.pages import organization_or_404
from workmail_console.pagination import paginate
from workmail_console.tables import text_filter
from workmail_console.tenancy import ConsoleRequest, account_required


@require_GET
@account_required
def monitoring_page(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id, deleted=True)
    source = request.GET.get("source", "")
    source = source if source in dict(monitoring.SOURCES) else ""
    text = text_filter(request)
    events = monitoring.list_events(organization=organization, source=source, containing=text)
    page = paginate(request, events, keep={"source": source, "filter": text}, per_page=50)
    context = {
        "organization": organization,
        "page": page,
        "rows": [
            {**event, "what": monitoring.describe(event), "kind": monitoring.kind(event)}
            for event in page
        ],
        "sources": monitoring.SOURCES,
        "source": source,
        "text": text,
    }
    return render(request, "organizations/monitoring.html", context)
