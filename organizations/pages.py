"""What every page about an organization starts with: the organization of the URL, or a 404;
and, for its settings, why one can't be changed or read in its state."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from organizations import services
from organizations.lifecycle import State
from organizations.models import Organization
from workmail_console.errors import OrganizationNotFoundException
from workmail_console.tenancy import ConsoleRequest


def organization_or_404(
    request: ConsoleRequest, region: str, organization_id: str, *, deleted: bool = False
) -> Organization:
    """The account's organization of the URL in its Region; a 404 for any other account's, and
    for a Deleted one unless the page shows those (its details, kept read-only)."""
    try:
        organization = services.get_organization(
            account=request.account, region=region, organization_id=organization_id
        )
    except OrganizationNotFoundException:
        raise Http404("No such organization in this account and Region.") from None
    if organization.state == State.DELETED and not deleted:
        raise Http404("This organization is deleted.")
    return organization


def setting_unavailable(
    request: ConsoleRequest, organization: Organization, problem: str
) -> HttpResponse:
    """Why a setting or a settings tab can't be changed (or read) in this organization's state:
    a 400 to a POST, the page in its place to a GET."""
    status = 400 if request.method == "POST" else 200
    context = {"organization": organization, "problem": problem}
    return render(request, "organizations/settings/unavailable.html", context, status=status)
