"""The SMTP gateways, Inbound rules and Outbound rules tabs of Organization settings. Views
translate between HTTP and the services (mailflow.services).

Every view here is under `/<region>/organizations/<organization_id>/settings/`; a rule view gets
the direction of its tab from its URL. Another account's organization, or a deleted one, is a
404. The tabs are read while the organization is Active or Inactive; admins change, in an Active
organization; ops read. A rule or gateway is chosen by its ID (the list's radio button).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from mailflow import services
from mailflow.forms import GatewayForm, RuleForm, TestConfigurationForm
from mailflow.models import Direction, EmailFlowRule, SmtpGateway
from organizations.models import Organization
from organizations.pages import organization_or_404, setting_unavailable
from users.services import READABLE
from workmail_console import flash
from workmail_console.errors import EntityNotFoundException, WorkMailError
from workmail_console.formtools import page_status
from workmail_console.tenancy import ConsoleRequest, account_required, admin_required

RULES, GATEWAYS = services.MANAGING_RULES, services.MANAGING_GATEWAYS


def _url(name: str, organization: Organization) -> str:
    return reverse(f"mailflow:{name}", args=[organization.region, organization.organization_id])


def _rule_urls(organization: Organization, direction: str) -> dict[str, str]:
    """The tab's own pages: its list, and Create, Edit and Remove."""
    tab = Direction(direction).label.lower()
    return {
        "list_url": _url(f"{tab}-rules", organization),
        "create_url": _url(f"create-{tab}-rule", organization),
        "edit_url": _url(f"edit-{tab}-rule", organization),
        "remove_url": _url(f"remove-{tab}-rule", organization),
    }


def _chosen(request: ConsoleRequest, name: str) -> str:
    """The ID the list's radio button (the query) or the form (the POST) names."""
    return (request.POST if request.method == "POST" else request.GET).get(name, "")


def _tab_context(organization: Organization, direction: str) -> dict[str, object]:
    return {
        "organization": organization,
        "direction": direction,
        "tab": f"{Direction(direction).label} rules",
        **_rule_urls(organization, direction),
    }


# --- Email flow rules -----------------------------------------------------------------------


@require_GET
@account_required
def rules(
    request: ConsoleRequest, region: str, organization_id: str, direction: str
) -> HttpResponse:
    """The tab: its rules, and Test configuration (sender and recipient in the query: Test
    changes nothing). For htmx, Test brings back the Test configuration part alone."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(*READABLE, managing=RULES):
        return setting_unavailable(request, organization, problem)
    testing = "sender" in request.GET or "recipient" in request.GET
    form = TestConfigurationForm(request.GET if testing else None)
    result = None
    if testing and form.is_valid():
        try:
            result = services.test_email_flow_rule(
                organization=organization, direction=direction,
                sender=form.cleaned_data["sender"], recipient=form.cleaned_data["recipient"],
            )  # fmt: skip
        except WorkMailError as error:
            form.add_service_error(error)
    context = {
        **_tab_context(organization, direction),
        "rules": services.list_email_flow_rules(organization=organization, direction=direction),
        "problem": organization.state_problem(managing=RULES),
        "form": form,
        "result": result,
    }
    if request.htmx and testing:
        return render(request, "mailflow/rules.html#test-configuration", context)
    return render(request, "mailflow/rules.html", context)


def _rule_form_page(
    request: ConsoleRequest, organization: Organization, direction: str, rule: EmailFlowRule | None
) -> HttpResponse:
    """Create rule (no `rule`) or Edit rule: the form, and once it is valid, the service."""
    gateways = (
        services.list_smtp_gateways(organization=organization)
        if direction == Direction.OUTBOUND
        else []
    )
    data = request.POST if request.method == "POST" else None
    form = RuleForm(
        data, organization=organization, direction=direction, gateways=gateways, rule=rule
    )
    if form.is_bound and form.is_valid():
        try:
            if rule is None:
                saved = services.create_email_flow_rule(
                    organization=organization, direction=direction, **form.settings()
                )
            else:
                saved = services.update_email_flow_rule(
                    organization=organization, direction=direction, rule_id=str(rule.pk),
                    **form.settings(),
                )  # fmt: skip
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            done = "created" if rule is None else "saved"
            messages.success(request, f"The rule {saved.rule_name} was {done}.")
            return redirect(_rule_urls(organization, direction)["list_url"])
    context = {**_tab_context(organization, direction), "form": form, "rule": rule}
    return render(request, "mailflow/rule_form.html", context, status=page_status(form))


def _rule_or_404(organization: Organization, direction: str, rule_id: str) -> EmailFlowRule:
    try:
        return services.get_email_flow_rule(
            organization=organization, direction=direction, rule_id=rule_id
        )
    except EntityNotFoundException:
        raise Http404("No such rule in this organization.") from None


@require_http_methods(["GET", "POST"])
@admin_required
def create_rule(
    request: ConsoleRequest, region: str, organization_id: str, direction: str
) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=RULES):
        return setting_unavailable(request, organization, problem)
    return _rule_form_page(request, organization, direction, None)


@require_http_methods(["GET", "POST"])
@admin_required
def edit_rule(
    request: ConsoleRequest, region: str, organization_id: str, direction: str
) -> HttpResponse:
    """Edit, for the rule chosen with its radio button (rule_id), then Save."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=RULES):
        return setting_unavailable(request, organization, problem)
    if not (rule_id := _chosen(request, "rule_id")):
        messages.info(request, "Select a rule.")
        return redirect(_rule_urls(organization, direction)["list_url"])
    rule = _rule_or_404(organization, direction, rule_id)
    return _rule_form_page(request, organization, direction, rule)


@require_http_methods(["GET", "POST"])
@admin_required
def remove_rule(
    request: ConsoleRequest, region: str, organization_id: str, direction: str
) -> HttpResponse:
    """Remove, for the rule chosen: its confirmation (GET), then Remove (POST)."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=RULES):
        return setting_unavailable(request, organization, problem)
    list_url = _rule_urls(organization, direction)["list_url"]
    if not (rule_id := _chosen(request, "rule_id")):
        messages.info(request, "Select a rule.")
        return redirect(list_url)
    rule = _rule_or_404(organization, direction, rule_id)
    if request.method == "POST":
        flash.outcome(
            request,
            lambda: services.delete_email_flow_rule(
                organization=organization, direction=direction, rule_id=str(rule.pk)
            ),
            f"The rule {rule.rule_name} was removed.",
        )
        return redirect(list_url)
    context = {**_tab_context(organization, direction), "rule": rule}
    return render(request, "mailflow/remove_rule.html", context)


# --- SMTP gateways --------------------------------------------------------------------------


@require_GET
@account_required
def smtp_gateways(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(*READABLE, managing=GATEWAYS):
        return setting_unavailable(request, organization, problem)
    context = {
        "organization": organization,
        "gateways": services.list_smtp_gateways(organization=organization),
        "problem": organization.state_problem(managing=GATEWAYS),
    }
    return render(request, "mailflow/smtp_gateways.html", context)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@admin_required
def create_smtp_gateway(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """Create gateway. The password goes to the service and is never shown again."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=GATEWAYS):
        return setting_unavailable(request, organization, problem)
    form = GatewayForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            gateway = services.create_smtp_gateway(organization=organization, **form.cleaned_data)
        except WorkMailError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The SMTP gateway {gateway.gateway_name} was created.")
            return redirect(_url("smtp-gateways", organization))
    context = {"organization": organization, "form": form}
    return render(request, "mailflow/create_smtp_gateway.html", context, status=page_status(form))


def _gateway_or_404(organization: Organization, gateway_id: str) -> SmtpGateway:
    try:
        return services.get_smtp_gateway(organization=organization, gateway_id=gateway_id)
    except EntityNotFoundException:
        raise Http404("No such SMTP gateway in this organization.") from None


@require_http_methods(["GET", "POST"])
@admin_required
def remove_smtp_gateway(request: ConsoleRequest, region: str, organization_id: str) -> HttpResponse:
    """Remove, for the gateway chosen: its confirmation, which says up front which outbound
    rules route to it (then it can't go), then Remove."""
    organization = organization_or_404(request, region, organization_id)
    if problem := organization.state_problem(managing=GATEWAYS):
        return setting_unavailable(request, organization, problem)
    list_url = _url("smtp-gateways", organization)
    if not (gateway_id := _chosen(request, "gateway_id")):
        messages.info(request, "Select a gateway.")
        return redirect(list_url)
    gateway = _gateway_or_404(organization, gateway_id)
    if request.method == "POST":
        flash.outcome(
            request,
            lambda: services.delete_smtp_gateway(
                organization=organization, gateway_id=str(gateway.pk)
            ),
            f"The SMTP gateway {gateway.gateway_name} was removed.",
        )
        return redirect(list_url)
    context = {
        "organization": organization,
        "gateway": gateway,
        "routing": services.routing_rules(gateway),
        "list_url": list_url,
    }
    return render(request, "mailflow/remove_smtp_gateway.html", context)
