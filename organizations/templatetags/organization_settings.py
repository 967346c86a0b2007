from typing import Any

from django import template

from organizations.settings_tabs import tabs_for

register = template.Library()


@register.inclusion_tag("organizations/settings/_tabs.html", takes_context=True)
def settings_tabs(context: dict[str, Any], organization: Any) -> dict[str, Any]:
    """The Organization settings tabs, the page being shown marked as current."""
    match = context["request"].resolver_match
    return {"tabs": tabs_for(organization, current=match.view_name if match else "")}
