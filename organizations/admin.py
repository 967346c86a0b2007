from django.contrib import admin

from organizations.models import EncryptionKey, LifecycleEvent, Organization


class LifecycleEventInline(admin.TabularInline):
    model = LifecycleEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "at", "reason"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-only: states change only through the lifecycle, never by hand."""

    list_display = ["alias", "organization_id", "state", "region", "account", "created_date"]
    list_filter = ["state", "region"]
    list_select_related = ["account"]
    search_fields = ["alias", "organization_id", "account__account_id"]
    inlines = [LifecycleEventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EncryptionKey)
class EncryptionKeyAdmin(admin.ModelAdmin):
    list_display = ["key_id", "alias", "key_manager", "key_state", "region", "account"]
    list_filter = ["key_manager", "key_state", "region"]
    list_select_related = ["account"]
