"""KMS keys pages. Views translate between HTTP and the services; the rules live below them.

Every view here is under `/<region>/keys/` and works in that Region and the person's account
only: another account's key, or a deleted one, is a 404 on every URL.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keys import services
from keys.errors import NotFoundException
from keys.forms import AliasForm, CreateKeyForm, DisableKeyForm, ScheduleKeyDeletionForm
from keys.models import Key
from keys.services import WAITING_PERIOD_DEFAULT, WAITING_PERIOD_MIN, deletion_date_after
from workmail_console import flash, lifecycle
from workmail_console.errors import WorkMailError
from workmail_console.formtools import page_status
from workmail_console.tables import Sorting, table, text_filter
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required


def _get_key(request: ConsoleRequest, region: str, key_id: Any) -> Key:
    try:
        return services.get_key(account=request.account, region=region, key_id=key_id)
    except NotFoundException:
        raise Http404("No such KMS key in this account and Region.") from None


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "M j, Y, H:i") + " UTC"


@require_GET
@account_required
def key_list(request: ConsoleRequest, region: str) -> HttpResponse:
    containing = text_filter(request)
    customer = services.customer_managed_keys(
        account=request.account, region=region, containing=containing
    )
    # AWS managed keys: at most one in a Region (alias/aws/workmail), so no filter or pages.
    aws = services.list_keys(account=request.account, region=region)[1]
    page = table(request, customer, SORTING, text=containing)
    return render(request, "keys/list.html", {"page": page, "aws_keys": aws})


SORTING = Sorting(
    {"id": ("key_id",), "status": ("key_state",), "spec": ("key_spec",), "usage": ("key_usage",)}
)


@require_http_methods(["GET", "POST"])
@admin_required
def key_create(request: ConsoleRequest, region: str) -> HttpResponse:
    form = CreateKeyForm(
        request.POST or None,
        account=request.account,
        initial={"administrators": [request.user.get_username()]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            key = services.create_key(
                account=request.account,
                region=region,
                key_spec=data["key_spec"],
                key_usage=data["key_usage"],
                description=data["description"],
                alias_name=data["alias_name"],
                administrators=data["administrators"],
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Your KMS key was created with alias {data['alias_name']}.")
            return redirect(key)
    status = page_status(form)
    return render(request, "keys/create.html", {"form": form}, status=status)


def _detail(request: ConsoleRequest, key: Key, alias_form: AliasForm, status: int) -> HttpResponse:
    administrators = key.administrators.all()  # prefetched by get_key
    context = {
        "key": key,
        "alias_form": alias_form,
        "is_key_administrator": any(user.pk == request.user.pk for user in administrators),
        "history": lifecycle.history(key),
    }
    return render(request, "keys/detail.html", context, status=status)


@require_GET
@account_required
def key_detail(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
    return _detail(request, _get_key(request, region, key_id), AliasForm(), 200)


def _key_action(
    act: Callable[[Key], object], done: str
) -> Callable[[ConsoleRequest, str, Any], HttpResponse]:
    """A Key actions button: do it, say so in the flash bar (or why not), back to the key."""

    @require_POST
    @admin_required
    def view(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
        key = _get_key(request, region, key_id)
        flash.outcome(request, lambda: act(key), done.format(key=key))
        return redirect(key)

    return view


key_enable = _key_action(services.enable_key, "Key {key.key_id} is enabled.")


@require_http_methods(["GET", "POST"])
@admin_required
def key_disable(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
    """Disable key: the confirmation, then DisableKey."""
    key = _get_key(request, region, key_id)
    form = DisableKeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        flash.outcome(request, lambda: services.disable_key(key), f"Key {key.key_id} is disabled.")
        return redirect(key)
    context = {"key": key, "form": form}
    return render(request, "keys/disable.html", context, status=page_status(form))


key_cancel_deletion = _key_action(
    services.cancel_key_deletion,
    "The deletion of key {key.key_id} is canceled. The key is disabled: enable it to use it.",
)


@require_POST
@admin_required
def key_add_administrator(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
    """Make yourself a key administrator."""
    key = _get_key(request, region, key_id)
    try:
        services.add_key_administrator(key, request.user)
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"You are a key administrator of key {key.key_id}.")
    return redirect(key)


@require_http_methods(["GET", "POST"])
@admin_required
def key_schedule_deletion(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
    key = _get_key(request, region, key_id)
    # Bound on every POST, even an empty one: an empty waiting period means the default.
    form = ScheduleKeyDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_key_deletion(key, form.cleaned_data["pending_window_in_days"])
        except WorkMailError as error:
            if error.field != "pending_window_in_days":  # the key's state: say so on its page
                messages.error(request, error.message)
                return redirect(key)
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                f"Key {key.key_id} is scheduled for deletion on {_when(key.deletion_date)}.",
            )
            return redirect(key)
    context = {
        "key": key,
        "form": form,
        "default_deletion_date": _when(deletion_date_after(WAITING_PERIOD_DEFAULT)),
        "earliest_deletion_date": _when(deletion_date_after(WAITING_PERIOD_MIN)),
    }
    status = page_status(form)
    return render(request, "keys/schedule_deletion.html", context, status=status)


@require_POST
@admin_required
def alias_create(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
    key = _get_key(request, region, key_id)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            alias = services.create_alias(key, form.cleaned_data["alias_name"])
        except WorkMailError as error:
            if error.field != "alias_name":  # the key's own state: a message, as for its actions
                messages.error(request, error.message)
                return redirect(key)
            form.add_error("alias_name", error.message)
        else:
            messages.success(request, f"Alias {alias.name} is added to key {key.key_id}.")
            return redirect(key)
    return _detail(request, key, form, 400)


@require_POST
@admin_required
def alias_delete(request: ConsoleRequest, region: str, key_id: Any) -> HttpResponse:
    key = _get_key(request, region, key_id)
    form = AliasForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["alias_name"][0])
        return redirect(key)
    try:
        services.delete_alias(key, form.cleaned_data["alias_name"])
    except WorkMailError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Alias {form.cleaned_data['alias_name']} is deleted.")
    return redirect(key)
