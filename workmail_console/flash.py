"""The flash bar's kinds beyond Django's: Cloudscape shows work that has started and goes on
(an organization being created) as "in progress", not as done."""

from django.contrib import messages
from django.http import HttpRequest

IN_PROGRESS = 22  # between INFO (20) and SUCCESS (25); its tag is settings.MESSAGE_TAGS's


def in_progress(request: HttpRequest, message: str) -> None:
    messages.add_message(request, IN_PROGRESS, message)
