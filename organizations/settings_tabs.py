"""The tabs of an organization's Organization settings page.

General is the organization's details page; every other tab is a page of its own, registered here
by the app that owns it (in its AppConfig.ready), so that a tab is added without editing a list kept
elsewhere. The order of the tabs follows the guide's list of topics (Journaling, Interoperability,
Inbound rules, Outbound rules); AWS publishes no order on screen, so it is our choice.
"""

from dataclasses import dataclass

from django.urls import reverse

from organizations.models import Organization
from users.services import READABLE


@dataclass(frozen=True)
class SettingsTab:
    label: str
    url_name: str  # a URL taking the organization's region and organization_id
    order: int


_TABS: dict[str, SettingsTab] = {}


def register(label: str, url_name: str, *, order: int) -> None:
    """Add a tab after General; `order` places it among the others (lowest first)."""
    _TABS[url_name] = SettingsTab(label=label, url_name=url_name, order=order)


def tabs_for(organization: Organization, current: str) -> list[dict[str, object]]:
    """The tabs to show for this organization, `current` (a URL name) marked: General always,
    the others while the organization can be read (Active or Inactive)."""
    rows = [
        {
            "label": "General",
            "url": organization.get_absolute_url(),
            "current": current == "organizations:detail",
        }
    ]
    if organization.state in READABLE:
        args = (organization.region, organization.organization_id)
        rows += [
            {
                "label": tab.label,
                "url": reverse(tab.url_name, args=args),
                "current": current == tab.url_name,
            }
            for tab in sorted(_TABS.values(), key=lambda tab: tab.order)
        ]
    return rows
