from django.contrib import admin

from directories.models import Directory


@admin.register(Directory)
class DirectoryAdmin(admin.ModelAdmin):
    list_display = ["directory_id", "alias", "directory_type", "stage", "region", "account"]
    list_filter = ["directory_type", "stage", "region"]
    list_select_related = ["account"]
    search_fields = ["directory_id", "alias"]
