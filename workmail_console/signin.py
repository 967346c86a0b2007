"""Sign-in throttling (django-axes): whom a failure counts against, and the lockout page."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.timesince import timeuntil


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry our outermost proxy added.

    Only the entries our own proxies appended are trusted; anything left of them is client-supplied.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.WORKMAIL_TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def attempted_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The user name a failure counts against, case-folded so `Bob` and `bob` share one limit.

    Cut to the longest user name there can be: the sign-in form lets longer ones through, and
    axes' column would refuse them with a 500.
    """
    source = credentials if credentials is not None else request.POST
    username = source.get("username")
    if not isinstance(username, str):
        return None
    User = get_user_model()
    return username.casefold()[: User._meta.get_field(User.USERNAME_FIELD).max_length]


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The answer to a throttled sign-in: when to try again, as 429 Too Many Requests."""
    now = timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    context = {"try_again_in": timeuntil(now + cool_off, now)}
    page = render(request, "registration/locked_out.html", context, status=429)
    page["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(page)
    return page
