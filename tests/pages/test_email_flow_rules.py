"""The SMTP gateways, Inbound rules and Outbound rules tabs of Organization settings: the rules
listed, Create rule (each action with its description, field errors in the console's words),
Edit and Remove for the rule chosen, Test configuration (with and without htmx), Create gateway
(the password never shown again) and Remove (refused while a rule routes to the gateway). Admins
change, in an Active organization; ops read and test; an Inactive organization's tabs are read
only; another account's organization is not found."""

import uuid

import pytest
from django.urls import reverse

from mailflow import services
from mailflow.models import Direction, EmailFlowRule, SmtpGateway
from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import active_organization
from tests.html import refused, text, texts

pytestmark = pytest.mark.django_db

IN, OUT = Direction.INBOUND, Direction.OUTBOUND
PASSWORD = "never-Shown-4ga1n"


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization: Organization, **query: str) -> str:
    path = reverse(f"mailflow:{name}", args=[organization.region, organization.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rule(organization: Organization, direction: str = IN, **settings) -> EmailFlowRule:
    settings = {
        "rule_name": "Block spam", "action": "DROP", "sender_patterns": ["spam.example"],
        "destination_patterns": ["*"], **settings,
    }  # fmt: skip
    return services.create_email_flow_rule(
        organization=organization, direction=direction, **settings
    )


def gateway(organization: Organization, name: str = "relay") -> SmtpGateway:
    return services.create_smtp_gateway(
        organization=organization, gateway_name=name, gateway_address="smtp.example.com",
        port_number=587, user_name="relay-user", password=PASSWORD,
    )  # fmt: skip


def posted(**fields: str) -> dict[str, str]:
    """Create rule's form as a browser sends it."""
    return {
        "rule_name": "Block spam", "rule_action": "DROP", "sender_patterns": "spam.example",
        "destination_patterns": "*", **fields,
    }  # fmt: skip


def in_state(organization: Organization, state: State) -> None:
    Organization.objects.filter(pk=organization.pk).update(state=state)


# --- The tabs -------------------------------------------------------------------------------


def test_the_tabs_follow_general_in_the_guides_order(admin_client, organization):
    page = admin_client.get(url("inbound-rules", organization)).content.decode()
    tabs = text(page, "settings-tabs")
    assert tabs.index("General") < tabs.index("SMTP gateways") < tabs.index("Inbound rules")
    assert tabs.index("Inbound rules") < tabs.index("Outbound rules")
    assert 'aria-current="page">Inbound rules<' in page


def test_the_rules_are_listed_with_their_action_and_patterns(admin_client, organization):
    rule(organization, sender_patterns=["spam.example", "*.ads.example"])
    rule(organization, OUT, rule_name="Outgoing", action="BOUNCE", sender_patterns=["*"])
    page = admin_client.get(url("inbound-rules", organization)).content.decode()
    assert texts(page, "rule") == ["Block spam Drop email spam.example, *.ads.example *"]
    assert text(page, "rule-count") == "(1)"
    outbound = admin_client.get(url("outbound-rules", organization)).content.decode()
    assert texts(outbound, "rule") == ["Outgoing Send bounce response * *"]


def test_without_rules_it_says_the_default_action_applies(admin_client, organization):
    page = admin_client.get(url("inbound-rules", organization)).content.decode()
    assert "No rules" in page and "Default action" in page
    assert url("create-inbound-rule", organization) in page


# --- Create rule ----------------------------------------------------------------------------


def test_create_rule_offers_each_inbound_action_with_its_description(admin_client, organization):
    page = admin_client.get(url("create-inbound-rule", organization)).content.decode()
    for label in (
        "Drop email", "Send bounce response", "Deliver to junk folder", "Default",
        "Never deliver to junk folder", "Run Lambda",
    ):  # fmt: skip
        assert f">{label}</label>" in page
    assert "Route to SMTP gateway" not in page
    assert "It is not delivered, and the sender is not notified of the non-delivery." in page
    assert "Sender domains or addresses" in page and "Destination domains or addresses" in page


def test_create_rule_adds_it_and_says_so(admin_client, organization):
    response = admin_client.post(
        url("create-inbound-rule", organization),
        posted(sender_patterns="spam.example\nBad@Other.example, *.ads.example"),
    )
    assert response.status_code == 302 and response.url == url("inbound-rules", organization)
    created = EmailFlowRule.objects.get()
    assert created.sender_patterns == ["spam.example", "bad@other.example", "*.ads.example"]
    assert "The rule Block spam was created." in admin_client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"rule_name": ""}, "rule_name", "Enter a rule name."),
        ({"rule_action": ""}, "rule_action", "Choose an action."),
        ({"rule_action": "ROUTE_TO_SMTP_GATEWAY"}, "rule_action", "Select a valid choice."),
        ({"sender_patterns": ""}, "sender_patterns", "Enter at least one sender pattern."),
        (
            {"sender_patterns": "a+b@example.com"}, "sender_patterns",
            "The + symbol is not valid inside of sender or recipient patterns.",
        ),
        (
            {"destination_patterns": "mail.*.example"}, "destination_patterns",
            "A wildcard appears only at the front of a domain",
        ),
        ({"rule_action": "RUN_LAMBDA"}, "lambda_arn", "Enter the Lambda function's ARN."),
        (
            {"rule_action": "RUN_LAMBDA", "run_synchronously": "on", "rule_timeout": "soon",
             "lambda_arn": "arn:aws:lambda:us-east-1:{account}:function:f"},
            "rule_timeout", "Enter a whole number.",
        ),
    ],
)  # fmt: skip
def test_create_rule_says_what_is_wrong_under_the_field(
    admin_client, organization, fields, field, words
):
    fields = {k: v.format(account=organization.account_id) for k, v in fields.items()}
    response = admin_client.post(url("create-inbound-rule", organization), posted(**fields))
    refused(response, field, words)
    assert not EmailFlowRule.objects.exists()


def test_a_name_taken_is_refused_under_the_name(admin_client, organization):
    rule(organization, rule_name="Block spam")
    response = admin_client.post(
        url("create-inbound-rule", organization), posted(rule_name="block SPAM")
    )
    refused(response, "rule_name", "The inbound rules already have a rule named block SPAM.")


def test_a_synchronous_lambda_rule_shows_its_own_errors(admin_client, organization):
    response = admin_client.post(url("create-outbound-rule", organization), posted(
        rule_action="RUN_LAMBDA", run_synchronously="on", fallback_action="DROP",
        rule_timeout="5", destination_patterns="corp.example",
        lambda_arn=f"arn:aws:lambda:us-east-1:{organization.account_id}:function:check",
    ))  # fmt: skip
    refused(
        response, "destination_patterns",
        "Synchronous Run Lambda rules support the * destination condition only.",
    )  # fmt: skip


def test_route_to_smtp_gateway_is_offered_once_there_is_a_gateway(admin_client, organization):
    page = admin_client.get(url("create-outbound-rule", organization)).content.decode()
    assert 'value="ROUTE_TO_SMTP_GATEWAY" disabled' in page
    assert "Create a gateway on the SMTP gateways tab first." in page
    relay = gateway(organization)
    page = admin_client.get(url("create-outbound-rule", organization)).content.decode()
    assert 'value="ROUTE_TO_SMTP_GATEWAY" disabled' not in page
    assert f'<option value="{relay.pk}">relay (smtp.example.com:587)</option>' in page
    response = admin_client.post(url("create-outbound-rule", organization), posted(
        rule_action="ROUTE_TO_SMTP_GATEWAY", smtp_gateway=str(relay.pk), sender_patterns="*",
    ))  # fmt: skip
    assert response.status_code == 302
    assert EmailFlowRule.objects.get().smtp_gateway == relay
    listed = admin_client.get(url("outbound-rules", organization)).content.decode()
    assert texts(listed, "rule") == ["Block spam Route to SMTP gateway (relay) * *"]


# --- Edit and Remove ------------------------------------------------------------------------


def test_edit_shows_the_rule_and_save_changes_it(admin_client, organization):
    chosen = rule(organization, sender_patterns=["spam.example", "junk.example"])
    page = admin_client.get(url("edit-inbound-rule", organization, rule_id=chosen.pk))
    content = page.content.decode()
    assert 'value="Block spam"' in content and "spam.example\njunk.example</textarea>" in content
    assert 'value="DROP" checked' in content
    response = admin_client.post(
        url("edit-inbound-rule", organization),
        posted(rule_id=str(chosen.pk), rule_action="MOVE_TO_JUNK", rule_name="Junk spam"),
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert (chosen.rule_name, chosen.action) == ("Junk spam", "MOVE_TO_JUNK")
    assert "The rule Junk spam was saved." in admin_client.get(response.url).content.decode()


def test_edit_without_a_rule_chosen_asks_for_one(admin_client, organization):
    response = admin_client.get(url("edit-inbound-rule", organization))
    assert response.status_code == 302 and response.url == url("inbound-rules", organization)
    assert "Select a rule." in admin_client.get(response.url).content.decode()


@pytest.mark.parametrize("whose", ["unknown", "not an ID", "the other tab's"])
def test_a_rule_not_of_the_tab_is_not_found(admin_client, organization, whose):
    rule_id = {
        "unknown": lambda: str(uuid.uuid4()),
        "not an ID": lambda: "x",
        "the other tab's": lambda: str(rule(organization, OUT).pk),
    }[whose]()
    for name in ("edit-inbound-rule", "remove-inbound-rule"):
        assert admin_client.get(url(name, organization, rule_id=rule_id)).status_code == 404
    assert (
        admin_client.post(
            url("remove-inbound-rule", organization), {"rule_id": rule_id}
        ).status_code
        == 404
    )


def test_remove_asks_then_removes_the_rule(admin_client, organization):
    chosen = rule(organization)
    dialog = admin_client.get(url("remove-inbound-rule", organization, rule_id=chosen.pk))
    content = dialog.content.decode()
    assert 'class="dialog"' in content and "Remove the rule <strong>Block spam</strong>" in content
    assert EmailFlowRule.objects.count() == 1  # asking removes nothing
    response = admin_client.post(url("remove-inbound-rule", organization), {"rule_id": chosen.pk})
    assert response.status_code == 302 and not EmailFlowRule.objects.exists()
    assert "The rule Block spam was removed." in admin_client.get(response.url).content.decode()


# --- Test configuration ---------------------------------------------------------------------


def test_test_configuration_shows_the_rule_and_its_action(admin_client, organization):
    rule(organization)
    page = admin_client.get(
        url("inbound-rules", organization, sender="bot@spam.example", recipient="me@corp.example")
    ).content.decode()
    assert text(page, "test-action") == "Drop email" and text(page, "test-rule") == "Block spam"
    assert 'value="bot@spam.example"' in page  # the addresses stay in the form


def test_test_configuration_says_default_when_no_rule_matches(admin_client, organization):
    rule(organization)
    page = admin_client.get(
        url("inbound-rules", organization, sender="a@friend.example", recipient="me@corp.example")
    ).content.decode()
    assert text(page, "test-action") == "Default"
    assert text(page, "test-rule") == "No rule matches: the Default action applies."


def test_test_configuration_asks_for_full_addresses(admin_client, organization):
    response = admin_client.get(url("inbound-rules", organization, sender="spam.example"))
    page = response.content.decode()
    assert response.status_code == 200 and "test-result" not in page
    assert (
        text(page, "sender-error")
        == "Enter the sender's full email address, such as mailbox@example.com."
    )
    assert text(page, "recipient-error") == "Enter the recipient's full email address."


def test_with_htmx_test_brings_back_the_test_configuration_alone(admin_client, organization):
    rule(organization)
    response = admin_client.get(
        url("inbound-rules", organization, sender="bot@spam.example", recipient="me@corp.example"),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="container" id="test-configuration"')
    assert text(page, "test-action") == "Drop email" and "<nav" not in page


# --- Who may change what --------------------------------------------------------------------


def test_ops_read_and_test_but_change_nothing(ops, organization):
    chosen = rule(organization)
    client = signed_in(ops)
    page = client.get(url("inbound-rules", organization)).content.decode()
    assert texts(page, "rule") and "rule-actions" not in page and 'name="rule_id"' not in page
    tested = client.get(
        url("inbound-rules", organization, sender="x@spam.example", recipient="me@corp.example")
    )
    assert text(tested.content.decode(), "test-action") == "Drop email"
    assert client.get(url("create-inbound-rule", organization)).status_code == 403
    assert (
        client.post(url("create-inbound-rule", organization), posted(rule_name="x")).status_code
        == 403
    )
    assert (
        client.post(url("remove-inbound-rule", organization), {"rule_id": chosen.pk}).status_code
        == 403
    )
    assert client.post(url("create-smtp-gateway", organization), {}).status_code == 403
    assert EmailFlowRule.objects.count() == 1


def test_an_inactive_organizations_tabs_are_read_only(admin_client, organization):
    rule(organization)
    gateway(organization)
    in_state(organization, State.INACTIVE)
    page = admin_client.get(url("inbound-rules", organization)).content.decode()
    assert texts(page, "rule") and "rule-actions" not in page
    assert "Enable one of its users to make it Active again." in text(page, "not-active")
    tested = admin_client.get(
        url("inbound-rules", organization, sender="x@spam.example", recipient="me@corp.example")
    )
    assert text(tested.content.decode(), "test-action") == "Drop email"
    gateways = admin_client.get(url("smtp-gateways", organization)).content.decode()
    assert texts(gateways, "gateway") and "gateway-actions" not in gateways
    response = admin_client.post(url("create-inbound-rule", organization), posted(rule_name="x"))
    assert response.status_code == 400 and "Inactive" in text(
        response.content.decode(), "unavailable"
    )
    assert EmailFlowRule.objects.count() == 1


def test_a_failed_organizations_tabs_are_not_shown(admin_client, organization):
    in_state(organization, State.FAILED)
    page = admin_client.get(url("outbound-rules", organization)).content.decode()
    assert "You can manage email flow rules only in an Active organization." in text(
        page, "unavailable"
    )


def test_another_accounts_organization_is_not_found(stranger, organization):
    client = signed_in(stranger)
    for name in ("inbound-rules", "outbound-rules", "smtp-gateways", "create-inbound-rule"):
        assert client.get(url(name, organization)).status_code == 404


# --- SMTP gateways --------------------------------------------------------------------------


def test_create_gateway_lists_it_and_never_shows_the_password(admin_client, organization):
    form = admin_client.get(url("create-smtp-gateway", organization)).content.decode()
    for label in ("Gateway name", "Gateway address", "Port number", "User name", "Password"):
        assert f">{label}" in form
    response = admin_client.post(url("create-smtp-gateway", organization), {
        "gateway_name": "relay", "gateway_address": "smtp.example.com", "port_number": "587",
        "user_name": "relay-user", "password": PASSWORD,
    })  # fmt: skip
    assert response.status_code == 302 and response.url == url("smtp-gateways", organization)
    assert response.wsgi_request.sensitive_post_parameters == ("password",)
    page = admin_client.get(response.url).content.decode()
    assert texts(page, "gateway") == ["relay smtp.example.com 587 relay-user"]
    assert "The SMTP gateway relay was created." in page and PASSWORD not in page
    assert SmtpGateway.objects.get().password == PASSWORD


def test_a_refused_gateway_shows_its_errors_and_not_the_password(admin_client, organization):
    response = admin_client.post(url("create-smtp-gateway", organization), {
        "gateway_name": "relay", "gateway_address": "smtp", "port_number": "70000",
        "user_name": "", "password": PASSWORD,
    })  # fmt: skip
    refused(response, "gateway_address", "Enter the gateway's host name")
    refused(response, "port_number", "Enter a port number from 1 to 65,535, such as 587.")
    refused(response, "user_name", "Enter the user name.")
    assert PASSWORD not in response.content.decode()
    assert not SmtpGateway.objects.exists()


def test_a_gateway_an_outbound_rule_routes_to_can_not_be_removed(admin_client, organization):
    relay = gateway(organization)
    rule(
        organization, OUT, rule_name="Via relay", action="ROUTE_TO_SMTP_GATEWAY",
        smtp_gateway_id=str(relay.pk),
    )  # fmt: skip
    dialog = admin_client.get(url("remove-smtp-gateway", organization, gateway_id=relay.pk))
    blocked = text(dialog.content.decode(), "remove-blocked")
    assert "can't be removed while outbound rules route email messages to it: Via relay" in blocked
    response = admin_client.post(url("remove-smtp-gateway", organization), {"gateway_id": relay.pk})
    assert response.status_code == 302 and SmtpGateway.objects.exists()
    assert "Change or remove those rules first." in admin_client.get(response.url).content.decode()


def test_remove_gateway_asks_then_removes_it(admin_client, organization):
    relay = gateway(organization)
    dialog = admin_client.get(url("remove-smtp-gateway", organization, gateway_id=relay.pk))
    assert "Remove the SMTP gateway <strong>relay</strong>" in dialog.content.decode()
    response = admin_client.post(url("remove-smtp-gateway", organization), {"gateway_id": relay.pk})
    assert response.status_code == 302 and not SmtpGateway.objects.exists()
    assert "The SMTP gateway relay was removed." in admin_client.get(response.url).content.decode()
