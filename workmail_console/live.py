"""How every page that refreshes stays live (STYLE: "Pages stay live the same way everywhere")."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseStopPolling


def render_live(
    request: HttpRequest, template: str, context: dict, *, working: bool
) -> HttpResponse:
    """The page, or for htmx polls its `#live` fragment; polling stops once nothing is working."""
    if not request.htmx:
        return render(request, template, context)
    response = render(request, f"{template}#live", context)
    if working:
        return response
    return HttpResponseStopPolling(response.content)
