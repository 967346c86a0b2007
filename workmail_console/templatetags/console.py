"""Template filters the console's pages share: `{% load console %}`."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html

from workmail_console.lifecycle import LifecycleModel, lifecycle_of

register = template.Library()


@register.filter
def duration(seconds: float | timedelta | None) -> str:
    """A time span as ops read it: "850 ms", "3.2 s", "4 min 12 s", "2 h 5 min", "3 d 4 h"."""
    if seconds is None or seconds == "":
        return "-"
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    seconds = max(float(seconds), 0.0)
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    for unit, size, smaller, smaller_size in (
        ("d", 86400, "h", 3600),
        ("h", 3600, "min", 60),
        ("min", 60, "s", 1),
    ):
        if whole >= size:
            rest = (whole % size) // smaller_size
            return f"{whole // size} {unit} {rest} {smaller}" if rest else f"{whole // size} {unit}"
    return f"{whole} s"


@register.filter
def elapsed(since: datetime | None) -> str:
    """How long ago `since` was, as `duration` writes it."""
    if since is None:
        return "-"
    return duration((timezone.now() - since).total_seconds())


@register.simple_tag
def status(
    subject: object, of: str = "", badge: str | None = None, label: str | None = None
) -> str:
    """A status indicator: the console's colour and icon for a state, and its word.

    `{% status organization %}`: a resource's state, from its lifecycle. `{% status event.to_state
    of="organization" %}`: a state of the lifecycle so named. A status that is no lifecycle's (a
    DNS record's) brings its own `badge` and `label`.
    """
    if isinstance(subject, LifecycleModel):
        state, known = subject.lifecycle_state, subject.lifecycle
    else:
        state, known = str(subject), lifecycle_of(of) if of else None
    return format_html(
        '<span class="status status-{}" data-state="{}">'
        '<span class="status-icon" aria-hidden="true"></span>{}</span>',
        badge or known.badge(state),
        state,
        label or (known.label(state) if known else state),
    )
