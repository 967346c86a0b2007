"""Security credentials: every member, admin or ops, manages their own API access keys here.

A key's secret is shown once, on the answer to the Create access key request itself: never
redirected to, stored in the session or a message, nor logged. Another person's key is a 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from workmail_console import flash
from workmail_console.access_keys import (
    KEYS_A_PERSON,
    NoSuchAccessKey,
    access_key_of,
    create_access_key,
    delete_access_key,
    keys_of,
    set_active,
)
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm, page_status
from workmail_console.models import AccessKey
from workmail_console.tenancy import ConsoleRequest, account_required

KEY_ID_MAX = 20
# The page's Create access key form names the keys it listed: a request sent again (a reload of
# the page that showed a secret) finds other keys now, and creates nothing.
LISTED = "listed"


class DeleteAccessKeyForm(ConsoleForm):
    confirmation = forms.CharField(label="", required=False, max_length=KEY_ID_MAX)

    def __init__(self, *args: Any, key: AccessKey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.fields["confirmation"].label = "To confirm deletion, enter the access key ID"

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip()
        if value != self.key.key_id:
            raise forms.ValidationError(
                f"Enter {self.key.key_id} exactly as shown to confirm deletion."
            )
        return value


def _own_key(request: ConsoleRequest, key_id: str) -> AccessKey:
    try:
        return access_key_of(request.user, key_id)
    except NoSuchAccessKey:
        raise Http404("You have no such access key.") from None


def _listed(keys: list[AccessKey]) -> str:
    """The keys a page lists, as its Create access key form carries them back."""
    return ",".join(key.key_id for key in keys)


def _page(request: ConsoleRequest, status: int = 200, **context: Any) -> HttpResponse:
    keys = keys_of(request.user)
    context = {
        "keys": keys,
        "listed": _listed(keys),
        "at_limit": len(keys) >= KEYS_A_PERSON,
        "keys_a_person": KEYS_A_PERSON,
        "endpoint_url": request.build_absolute_uri("/"),
        **context,
    }
    return render(request, "security_credentials.html", context, status=status)


@require_http_methods(["GET", "POST"])
@account_required
@never_cache
@sensitive_variables("secret")
def security_credentials(request: ConsoleRequest) -> HttpResponse:
    """The person's access keys; a POST is Create access key, and its answer (at this same
    address, so that a reload is never another page) the only one that shows the secret."""
    if request.method == "GET":
        return _page(request)
    listed = request.POST.get(LISTED, "")
    if listed != _listed(keys_of(request.user)):
        messages.error(
            request,
            "No access key was created: your access keys changed since the page was shown."
            " A secret access key is shown only once: reloading the page can't show it again.",
        )
        return redirect("credentials:list")
    try:
        key, secret = create_access_key(request.user)
    except WorkMailError as error:
        messages.error(request, error.message)
        return redirect("credentials:list")
    return _page(request, status=201, created=key, secret=secret)


def _set_active(active: bool, done: str) -> Any:
    @require_POST
    @account_required
    def view(request: ConsoleRequest, access_key_id: str) -> HttpResponse:
        key = _own_key(request, access_key_id)
        flash.outcome(
            request,
            lambda: set_active(request.user, key.key_id, active=active),
            done.format(key=key),
        )
        return redirect("credentials:list")

    return view


deactivate = _set_active(
    False, "Access key {key.key_id} is inactive: requests signed with it are refused."
)
activate = _set_active(True, "Access key {key.key_id} is active.")


@require_http_methods(["GET", "POST"])
@account_required
def delete(request: ConsoleRequest, access_key_id: str) -> HttpResponse:
    """Delete access key: the confirmation naming the key, then the key is gone for good."""
    key = _own_key(request, access_key_id)
    form = DeleteAccessKeyForm(request.POST if request.method == "POST" else None, key=key)
    if request.method == "POST" and form.is_valid():
        flash.outcome(
            request,
            lambda: delete_access_key(request.user, key.key_id),
            f"Access key {key.key_id} was deleted.",
        )
        return redirect("credentials:list")
    context = {"deleting": key, "form": form}
    return render(request, "security_credentials.html", context, status=page_status(form))


urls = [
    path("", security_credentials, name="list"),
    path("<str:access_key_id>/deactivate/", deactivate, name="deactivate"),
    path("<str:access_key_id>/activate/", activate, name="activate"),
    path("<str:access_key_id>/delete/", delete, name="delete"),
]
