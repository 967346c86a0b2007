"""How every page that refreshes stays live (STYLE: "Pages stay live the same way everywhere")."""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseStopPolling


def render_live(
    request: HttpRequest, template: str, context: dict, *, keep_polling: bool
) -> HttpResponse:
    """The page, or for htmx polls its `#live` fragment; the poll goes on while `keep_polling`
    (something on the page is still working), and is told to stop once not."""
    if not request.htmx:
        return render(request, template, context)
    response = render(request, f"{template}#live", context)
    if keep_polling:
        return response
    return HttpResponseStopPolling(response.content)


def version_tag(*parts: object) -> str:
    """A short tag for what a live part shows: the page puts it in its poll's `since`, and the
    next poll that finds the same tag is answered `unchanged`."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def unchanged(request: HttpRequest, tag: str) -> HttpResponse | None:
    """For a poll that already shows `tag`: an empty 204, which htmx leaves as it is."""
    if request.htmx and request.GET.get("since") == tag:
        return HttpResponse(status=204)
    return None
