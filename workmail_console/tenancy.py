"""Who is asking, in which account and Region: every console query is scoped by these."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from workmail_console.members import membership_for
from workmail_console.models import Account, Membership
from workmail_console.regions import DEFAULT_REGION, REGIONS


class ConsoleRequest(HttpRequest):
    htmx: HtmxDetails
    membership: Membership | None
    account: Account | None
    region: str


class TenancyMiddleware:
    """Sets request.membership, request.account and request.region for signed-in people.

    `?region=` in any console URL selects the Region, and the choice is remembered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.account = None
        request.region = DEFAULT_REGION
        if request.user.is_authenticated:
            membership = membership_for(request.user)
            if membership is not None:
                requested = request.GET.get("region")
                if requested in REGIONS and requested != membership.region:
                    membership.region = requested
                    membership.save(update_fields=["region"])
                request.membership = membership
                request.account = membership.account
                request.region = membership.region
        return self.get_response(request)


View = Callable[..., HttpResponse]


def account_required(view: View) -> View:
    """Signed in and in an account; otherwise the sign-in page or an explanation."""

    @login_required
    @wraps(view)
    def wrapper(request: ConsoleRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.membership is None:
            return render(request, "no_account.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: View) -> View:
    """Only an account's admins change things; ops staff read."""

    @account_required
    @wraps(view)
    def wrapper(request: ConsoleRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.is_admin:
            raise PermissionDenied("Only an admin of this account can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def console_context(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "regions": REGIONS,
        "current_region": getattr(request, "region", DEFAULT_REGION),
        "current_region_name": REGIONS.get(getattr(request, "region", DEFAULT_REGION)),
        "membership": membership,
        "is_admin": bool(membership and membership.is_admin),
    }
