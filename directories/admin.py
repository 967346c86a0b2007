from django.contrib import admin

from directories.models import Directory, DirectoryEvent
from workmail_console.admin import ReadOnly


@admin.register(Directory)
class DirectoryAdmin(ReadOnly, admin.ModelAdmin):
    """Directories change through their pages and lifecycle, never here."""

    list_display = ["directory_id", "alias", "directory_type", "stage", "region", "account"]
    list_filter = ["directory_type", "stage", "region"]
    list_select_related = ["account"]
    search_fields = ["directory_id", "alias"]
    exclude = ["admin_password", "service_account_password"]


@admin.register(DirectoryEvent)
class DirectoryEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["directory", "from_state", "to_state", "at", "reason"]
    list_filter = ["to_state"]
    list_select_related = ["directory"]
