from django.contrib import admin

from keys.models import Key, KeyAlias
from workmail_console.admin import ReadOnly


class KeyAliasInline(ReadOnly, admin.TabularInline):
    model = KeyAlias
    extra = 0
    fields = ["name", "created"]


@admin.register(Key)
class KeyAdmin(ReadOnly, admin.ModelAdmin):
    """Keys change on the KMS keys pages, whose services keep KMS's rules."""

    list_display = ["key_id", "key_manager", "key_state", "key_spec", "region", "account"]
    list_filter = ["key_manager", "key_state", "region"]
    list_select_related = ["account"]
    search_fields = ["key_id", "aliases__name", "account__account_id"]
    inlines = [KeyAliasInline]
