from django.contrib import admin
from django.http import HttpRequest

from workmail_console.models import Account, Membership


class ReadOnly:
    """For a ModelAdmin or an inline: staff look, the console acts; no adding, changing, deleting.

    The console's rules (the lifecycle, "an account keeps one admin") live in its services, which
    the admin site would bypass. A deletion elsewhere that would cascade into a read-only model is
    refused too: before deleting, Django's admin asks each related model's admin for permission.
    """

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MembershipInline(ReadOnly, admin.TabularInline):
    """Managed on the Members page, which keeps an admin in every account."""

    model = Membership
    extra = 0
    fields = ["user", "role"]


@admin.register(Account)
class AccountAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["account_id", "created"]
    search_fields = ["account_id"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnly, admin.ModelAdmin):
    """Managed on the Members page, which keeps an admin in every account."""

    list_display = ["user", "account", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "account"]
    search_fields = ["user__username", "account__account_id"]
