from django.contrib import admin

from organizations.models import LifecycleEvent, Organization
from workmail_console.admin import ReadOnly


class LifecycleEventInline(ReadOnly, admin.TabularInline):
    model = LifecycleEvent
    extra = 0
    fields = ["from_state", "to_state", "at", "reason"]


@admin.register(Organization)
class OrganizationAdmin(ReadOnly, admin.ModelAdmin):
    """States change only through the lifecycle, never by hand; deleting is the console's Delete."""

    list_display = ["alias", "organization_id", "state", "region", "account", "created_date"]
    list_filter = ["state", "region"]
    list_select_related = ["account"]
    search_fields = ["alias", "organization_id", "account__account_id"]
    inlines = [LifecycleEventInline]
