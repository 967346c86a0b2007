"""The organization's Monitoring page: what happened to it and inside it, newest first.

Two histories the app keeps make one feed: the organization's lifecycle events (LifecycleEvent)
and the events of its users, groups and resources (users.models.EntityEvent, kept by directory:
those of the organization's directory since the organization was created). AWS puts email event
logs on this page (Log settings, CloudWatch Logs); the emulator sends no email, so the page shows
the events it has. The feed is one UNION query, paged; its size doesn't change the query count.
"""

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast

from organizations.models import LifecycleEvent, Organization
from users.models import EntityEvent, EntityKind

ORGANIZATION = "organization"
SOURCES = [
    ("", "All sources"),
    (ORGANIZATION, "Organization"),
    (EntityKind.USER, "Users"),
    (EntityKind.GROUP, "Groups"),
    (EntityKind.RESOURCE, "Resources"),
]
COLUMNS = ("at", "source", "name", "entity_id", "from_state", "to_state", "reason")


def list_events(*, organization: Organization, source: str = "", containing: str = "") -> QuerySet:
    """The organization's events, newest first, as dicts of COLUMNS; from one source (a value of
    SOURCES) and whose name or reason contains `containing` (any case) when asked."""
    text = Value("", output_field=CharField())
    own = LifecycleEvent.objects.filter(organization=organization).annotate(
        source=Value(ORGANIZATION, output_field=CharField()),
        name=Value(organization.alias, output_field=CharField()),
        entity_id=Cast(F("organization_id"), CharField()),
    )
    inside = (
        EntityEvent.objects.filter(
            directory_id=organization.directory_id, at__gte=organization.created_date
        ).annotate(source=F("kind"), reason=text)
        if organization.directory_id
        else EntityEvent.objects.none()
    )
    if source == ORGANIZATION:
        inside = inside.none()
    elif source in EntityKind.values:
        own, inside = own.none(), inside.filter(kind=source)
    if containing:
        own = own.filter(Q(reason__icontains=containing) | Q(to_state__icontains=containing))
        inside = inside.filter(Q(name__icontains=containing) | Q(to_state__icontains=containing))
    # No ordering inside the UNION (SQLite refuses ORDER BY in its parts): the feed orders.
    own, inside = own.order_by().values(*COLUMNS), inside.order_by().values(*COLUMNS)
    return own.union(inside, all=True).order_by("-at", "source", "entity_id")


def kind(event: dict) -> str:
    """What the event happened to: Organization, User, Group or Resource."""
    return "Organization" if event["source"] == ORGANIZATION else EntityKind(event["source"]).label


def describe(event: dict) -> str:
    """What happened, in words: an organization's event says why it moved; an entity's says
    what was done to it (ours: WorkMail publishes no wording for these events)."""
    if event["source"] == ORGANIZATION:
        return event["reason"]
    noun = kind(event)
    if not event["from_state"]:
        return f"{noun} created"
    done = {"ENABLED": "enabled", "DISABLED": "disabled", "DELETED": "deleted"}
    return f"{noun} {done.get(event['to_state'], event['to_state'].lower())}"
