"""The flash bar's kinds beyond Django's: Cloudscape shows work that has started and goes on
(an organization being created) as "in progress", not as done."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from workmail_console.errors import WorkMailError

IN_PROGRESS = 22  # between INFO (20) and SUCCESS (25); its tag is settings.MESSAGE_TAGS's


def in_progress(request: HttpRequest, message: str) -> None:
    messages.add_message(request, IN_PROGRESS, message)


def outcome(request: HttpRequest, act: Callable[[], object], done: str) -> bool:
    """Do `act`, and say in the flash bar what came of it: `done`, or the service's refusal in
    its own words. Whether it was done."""
    try:
        act()
    except WorkMailError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done)
    return True
