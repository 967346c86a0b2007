from django.contrib import admin

from directories.models import Directory
from workmail_console.admin import ReadOnly


@admin.register(Directory)
class DirectoryAdmin(ReadOnly, admin.ModelAdmin):
    """Directories are made and deleted by the organization lifecycle."""

    list_display = ["directory_id", "alias", "directory_type", "stage", "region", "account"]
    list_filter = ["directory_type", "stage", "region"]
    list_select_related = ["account"]
    search_fields = ["directory_id", "alias"]
