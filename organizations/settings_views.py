"""An organization's settings pages: Mobile policy, Retention policy and Tags, each reached from
the organization's navigation, and the Journaling and Interoperability tabs of its Organization
settings. Views translate between HTTP and the services (organizations.settings_services).

Every view here is under `/<region>/organizations/<organization_id>/`. Another account's
organization, or a deleted one, is a 404. Admins change, in an Active organization; ops read.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from organizations import settings_services as services
from organizations.models import FolderName, Organization, RetentionAction, RetentionPolicy
from organizations.pages import organization_or_404, setting_unavailable
from organizations.settings_forms import (
    AvailabilityConfigurationForm,
    JournalingForm,
    MobileDevicePolicyForm,
    RetentionPolicyForm,
    mobile_policy_fields,
    tag_formset,
    with_another_row,
)
from workmail_console import flash
from workmail_console.errors import EntityNotFoundException, WorkMailError
from workmail_console.formtools import page_status
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

TAGS, RETENTION, MOBILE = "tags", "the retention policy", "the mobile device policy"
AVAILABILITY, JOURNALING = services.AVAILABILITY, services.JOURNALING
NOT_ENFORCED = "Not enforced"  # a number of the mobile policy left empty (ours)


def _posted(request: ConsoleRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- Tags -----------------------------------------------------------------------------------


@require_GET
@account_required
def tags(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    context = {
        "organization": organization,
        "tags": services.list_tags_for_resource(organization=organization),
        "problem": organization.state_problem(managing=TAGS),
    }
    return render(request, "organizations/settings/tags.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def manage_tags(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """Manage tags: a row per tag, Remove on each, Add new tag (a row more), Save."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=TAGS):
        return setting_unavailable(request, organization, problem)
    if "add" in request.POST:
        formset = with_another_row(request.POST)
    else:
        formset = tag_formset(
            _posted(request), tags=services.list_tags_for_resource(organization=organization)
        )
    if formset.is_bound and formset.is_valid():
        try:
            services.save_tags(
                organization=organization, tags=formset.tags(), removed_keys=formset.removed_keys()
            )
        except WorkMailError as error:
            formset.add_service_error(error)
        else:
            messages.success(request, f"The tags of {organization.alias} were saved.")
            return redirect("organizations:tags", region, organization_id)
    status = 400 if formset.is_bound else 200
    context = {"organization": organization, "formset": formset}
    return render(request, "organizations/settings/manage_tags.html", context, status=status)


# --- Retention policy -------------------------------------------------------------------------


def _policy(organization: Organization) -> RetentionPolicy | None:
    try:
        return services.get_default_retention_policy(organization=organization)
    except EntityNotFoundException:
        return None


def _folders(policy: RetentionPolicy | None) -> list[dict[str, Any]]:
    """Each folder's action and days as the page shows them: None for a folder not configured."""
    configured = {f.name: f for f in policy.folder_configurations.all()} if policy else {}
    rows = []
    for folder, label in FolderName.choices:
        found = configured.get(folder)
        action = RetentionAction(found.action) if found else RetentionAction.NONE
        period = found.period if found and action != RetentionAction.NONE else None
        rows.append({"folder": label, "action": action.label, "period": period})
    return rows


@require_GET
@account_required
def retention_policy(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(*services.READABLE, managing=RETENTION):
        return setting_unavailable(request, organization, problem)
    policy = _policy(organization)
    context = {
        "organization": organization,
        "policy": policy,
        "folders": _folders(policy),
        "problem": organization.state_problem(managing=RETENTION),
    }
    return render(request, "organizations/settings/retention_policy.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def edit_retention_policy(
    request: ConsoleRequest, region: str, organization_id: str
) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=RETENTION):
        return setting_unavailable(request, organization, problem)
    policy = _policy(organization)
    form = RetentionPolicyForm(_posted(request), policy=policy)
    if form.is_bound and form.is_valid():
        try:
            services.put_retention_policy(
                organization=organization,
                name=policy.name if policy else services.DEFAULT_POLICY_NAME,
                description=policy.description if policy else "",
                folder_configurations=form.folder_configurations(),
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                "The retention policy was saved. Allow 48 hours to apply the retention policies"
                " for your organization.",
            )
            return redirect("organizations:retention-policy", region, organization_id)
    context = {"organization": organization, "form": form}
    return render(
        request, "organizations/settings/edit_retention_policy.html", context,
        status=page_status(form),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
def delete_retention_policy(
    request: ConsoleRequest, region: str, organization_id: str
) -> HttpResponse:
    """Delete (DeleteRetentionPolicy), after a confirmation."""
    organization = organization_or_404(request, region, organization_id)
    problem = organization.state_problem(managing=RETENTION)
    policy = None if problem else _policy(organization)
    if policy is None:
        return setting_unavailable(
            request, organization,
            problem or f"The organization {organization.alias} has no retention policy.",
        )  # fmt: skip
    if request.method == "POST":
        flash.outcome(
            request,
            lambda: services.delete_retention_policy(
                organization=organization, policy_id=policy.policy_id
            ),
            "The retention policy was deleted.",
        )
        return redirect("organizations:retention-policy", region, organization_id)
    context = {"organization": organization, "policy": policy}
    return render(request, "organizations/settings/delete_retention_policy.html", context)


# --- Mobile device policy ---------------------------------------------------------------------


def _shown(value: bool | int | None) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return NOT_ENFORCED if value is None else str(value)


@require_GET
@account_required
def mobile_policy(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(*services.READABLE, managing=MOBILE):
        return setting_unavailable(request, organization, problem)
    policy = services.get_mobile_device_policy(organization=organization)
    context = {
        "organization": organization,
        "settings": [
            (field.name, field.verbose_name, _shown(getattr(policy, field.name)))
            for field in mobile_policy_fields()
        ],
        "problem": organization.state_problem(managing=MOBILE),
    }
    return render(request, "organizations/settings/mobile_policy.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def edit_mobile_policy(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=MOBILE):
        return setting_unavailable(request, organization, problem)
    policy = services.get_mobile_device_policy(organization=organization)
    form = MobileDevicePolicyForm(_posted(request), policy=policy)
    if form.is_bound and form.is_valid():
        try:
            services.update_mobile_device_policy(organization=organization, **form.cleaned_data)
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The mobile policy was saved.")
            return redirect("organizations:mobile-policy", region, organization_id)
    context = {"organization": organization, "form": form}
    return render(
        request, "organizations/settings/edit_mobile_policy.html", context,
        status=page_status(form),
    )  # fmt: skip


# --- Interoperability (availability configurations) --------------------------------------------


@require_GET
@account_required
def interoperability(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """The Interoperability tab: the availability configurations, never an EWS password."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(*services.READABLE, managing=AVAILABILITY):
        return setting_unavailable(request, organization, problem)
    context = {
        "organization": organization,
        "configurations": services.list_availability_configurations(organization=organization),
        "problem": organization.state_problem(managing=AVAILABILITY),
    }
    return render(request, "organizations/settings/interoperability.html", context)


@sensitive_post_parameters("ews_password")
@require_http_methods(["GET", "POST"])
@admin_required
def add_availability_configuration(
    request: ConsoleRequest, region: str, organization_id: str
) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=AVAILABILITY):
        return setting_unavailable(request, organization, problem)
    form = AvailabilityConfigurationForm(_posted(request))
    if form.is_bound and form.is_valid():
        domain_name = form.cleaned_data["domain_name"]
        try:
            services.create_availability_configuration(
                organization=organization, domain_name=domain_name, **form.providers()
            )
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, f"The availability configuration for {domain_name} was added."
            )
            return redirect("organizations:interoperability", region, organization_id)
    context = {"organization": organization, "form": form}
    return render(
        request, "organizations/settings/add_availability_configuration.html", context,
        status=page_status(form),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@admin_required
def remove_availability_configuration(
    request: ConsoleRequest, region: str, organization_id: str
) -> HttpResponse:
    """Remove: the configuration chosen (the query's or the form's domain_name), after a
    confirmation."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=AVAILABILITY):
        return setting_unavailable(request, organization, problem)
    domain_name = (request.POST if request.method == "POST" else request.GET).get("domain_name", "")
    if request.method == "POST":
        flash.outcome(
            request,
            lambda: services.delete_availability_configuration(
                organization=organization, domain_name=domain_name
            ),
            f"The availability configuration for {domain_name} was removed.",
        )
        return redirect("organizations:interoperability", region, organization_id)
    configuration = services.find_availability_configuration(
        organization=organization, domain_name=domain_name
    )
    if configuration is None:
        messages.info(request, "Select an availability configuration.")
        return redirect("organizations:interoperability", region, organization_id)
    context = {"organization": organization, "configuration": configuration}
    return render(request, "organizations/settings/remove_availability_configuration.html", context)


# --- Journaling -------------------------------------------------------------------------------


@require_GET
@account_required
def journaling(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(*services.READABLE, managing=JOURNALING):
        return setting_unavailable(request, organization, problem)
    context = {
        "organization": organization,
        "journaling": services.get_journaling_configuration(organization=organization),
        "sender": services.journaling_sender(organization),
        "problem": organization.state_problem(managing=JOURNALING),
    }
    return render(request, "organizations/settings/journaling.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def edit_journaling(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=JOURNALING):
        return setting_unavailable(request, organization, problem)
    configuration = services.get_journaling_configuration(organization=organization)
    form = JournalingForm(_posted(request), configuration=configuration)
    if form.is_bound and form.is_valid():
        try:
            services.update_journaling_configuration(organization=organization, **form.settings())
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, "The journaling settings were saved. The changes apply immediately."
            )
            return redirect("organizations:journaling", region, organization_id)
    context = {
        "organization": organization,
        "form": form,
        "sender": services.journaling_sender(organization),
    }
    return render(
        request, "organizations/settings/edit_journaling.html", context, status=page_status(form)
    )
