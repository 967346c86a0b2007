"""Where a form sends a person back to: the page it was on, when it names one of ours."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request: HttpRequest, default: str, *, within: str) -> str:
    """The POST's `next` when it is a path under `within` on this host (a dashboard's filtered
    view, say), else `default`: never another site, never a page the form didn't come from."""
    back = request.POST.get("next", "")
    if back.startswith(within) and url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        return back
    return default
