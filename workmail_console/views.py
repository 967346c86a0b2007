"""Account pages: the Members page, the landing redirect and the Region selector."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workmail_console.api.views import endpoint as api_endpoint
from workmail_console.forms import AddMemberForm, ChangeRoleForm
from workmail_console.formtools import page_status
from workmail_console.members import add_member, change_role, remove_member
from workmail_console.models import Membership
from workmail_console.regions import REGIONS, remembered_region
from workmail_console.tenancy import ConsoleRequest, admin_required


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_exempt  # a POST here is an API call, signed with SigV4: no cookie, no CSRF
def home(request: HttpRequest) -> HttpResponse:
    """`/` and sign-in land on the Organizations page of the Region opened last; a POST to `/`
    is the WorkMail API (boto3's and the AWS CLI's endpoint_url)."""
    if request.method == "POST":
        return api_endpoint(request)
    return redirect("organizations:list", region=remembered_region(request))


@require_GET
def select_region(request: HttpRequest) -> HttpResponse:
    """Select a Region: the top bar's form, which works without JavaScript. Changes nothing."""
    region = request.GET.get("region")
    if region not in REGIONS:
        raise Http404("WorkMail is not available in that Region.")
    return redirect("organizations:list", region=region)


def _member(request: ConsoleRequest, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("user").filter(pk=pk, account=request.account).first()
    )
    if membership is None:
        raise Http404("No such member in this account.")
    return membership


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@admin_required
def members(request: ConsoleRequest) -> HttpResponse:
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = add_member(request.account, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request, f"{membership.user.username} was added as {membership.get_role_display()}."
            )
            return redirect("members")
    people = Membership.objects.filter(account=request.account).select_related("user")
    context = {"form": form, "people": people}
    return render(request, "members.html", context, status=page_status(form))


@require_POST
@admin_required
def member_role(request: ConsoleRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk)
    form = ChangeRoleForm(request.POST)
    if form.is_valid():
        try:
            change_role(membership, form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{membership.user.username} is now {membership.get_role_display()}."
            )
    return redirect("members")


@require_POST
@admin_required
def member_remove(request: ConsoleRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk)
    try:
        remove_member(membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.username} was removed from the account.")
    return redirect("members")
