"""Who is asking, in which account and Region: every console query is scoped by these."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from workmail_console.members import membership_for
from workmail_console.models import Account, Membership
from workmail_console.regions import REGIONS, REMEMBERED_REGION_COOKIE, remembered_region

REMEMBER_FOR = 365 * 24 * 3600


class ConsoleRequest(HttpRequest):
    htmx: HtmxDetails
    membership: Membership | None
    account: Account | None
    region: str | None  # the page's Region; None on pages that are not in one (Members)


class TenancyMiddleware:
    """Sets request.membership and request.account for signed-in people, and request.region from
    the URL. Reads only: remembering the Region is a cookie, never a database write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.account = None
        request.region = None
        if request.user.is_authenticated:
            request.membership = (
                Membership.objects.select_related("account").filter(user=request.user).first()
            )
            request.account = request.membership.account if request.membership else None
        response = self.get_response(request)
        if _opened_a_regional_page(request, response):
            response.set_cookie(
                REMEMBERED_REGION_COOKIE,
                request.region,
                max_age=REMEMBER_FOR,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict[str, Any]
    ) -> None:
        region = kwargs.get("region")
        request.region = region if region in REGIONS else None


def _opened_a_regional_page(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.region is not None
        and request.membership is not None
        and request.method == "GET"
        and not request.htmx
        and response.status_code == 200
        and request.COOKIES.get(REMEMBERED_REGION_COOKIE) != request.region
    )


def give_superusers_an_account(sender: type, user: Any, **kwargs: Any) -> None:
    """On sign-in, a superuser made with createsuperuser gets an account (as its admin)."""
    membership_for(user)


View = Callable[..., HttpResponse]


def account_required(view: View) -> View:
    """Signed in and in an account; otherwise the sign-in page or an explanation.

    An htmx request (a poll) from someone signed out gets a 403, not the sign-in page swapped into
    the middle of the page: the page then stops polling and says it is out of date.
    """

    @wraps(view)
    def wrapper(request: ConsoleRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.htmx:
                return HttpResponse("You are signed out.", status=403, content_type="text/plain")
            return redirect_to_login(request.get_full_path())
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
    page_region = getattr(request, "region", None)
    region = page_region or remembered_region(request)
    return {
        "regions": REGIONS,
        "current_region": region,
        "current_region_name": REGIONS[region],
        "page_has_region": page_region is not None,
        "membership": membership,
        "is_admin": bool(membership and membership.is_admin),
    }
