"""The forms of the Inbound rules, Outbound rules and SMTP gateways tabs, with the console's labels.

Each form checks its fields with the rules the service applies (mailflow.services), so every
error shows under its field at once; the service checks again, under the organization's lock.
"""

import re
from typing import Any

from django import forms

from mailflow import services as rules
from mailflow.evaluation import ADDRESS_MAX, validate_address
from mailflow.models import ACTIONS, DESCRIPTIONS, EmailFlowRule, RuleAction, SmtpGateway
from organizations.models import Organization
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm

# Patterns are typed one a line (commas and spaces separate them too).
SEPARATORS = re.compile(r"[\s,;]+")
PATTERNS_TEXT_MAX = rules.SENDER_PATTERNS_PER_RULE * (ADDRESS_MAX + 1)
NO_GATEWAY = "Create a gateway on the SMTP gateways tab first."


def split_patterns(text: str) -> list[str]:
    return [pattern for pattern in SEPARATORS.split(text) if pattern]


def _patterns_field(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=PATTERNS_TEXT_MAX, help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip


PATTERN_FORMS = (
    "One a line: an email address (mailbox@example.com), a domain (example.com), a wildcard"
    " domain (*.example.com) or * for any address."
)


class RuleForm(ConsoleForm):
    """Create rule / Edit rule: the rule's name, its action with each one's description, the
    patterns, and the action's own settings (Run Lambda's, Route to SMTP gateway's gateway)."""

    rule_name = forms.CharField(
        label="Rule name", required=False, max_length=rules.NAME_MAX,
        help_text=f"A unique name: {rules.NAME_RULE}.",
    )  # fmt: skip
    rule_action = forms.ChoiceField(label="Action", required=False)
    sender_patterns = _patterns_field(
        "Sender domains or addresses",
        f"{PATTERN_FORMS} Up to {rules.SENDER_PATTERNS_PER_RULE} a rule.",
    )
    destination_patterns = _patterns_field("Destination domains or addresses", PATTERN_FORMS)
    smtp_gateway = forms.ChoiceField(label="SMTP gateway", required=False)
    lambda_arn = forms.CharField(
        label="Lambda ARN", required=False, max_length=256,
        help_text="A function in the same AWS Region and AWS account as the organization.",
    )  # fmt: skip
    run_synchronously = forms.BooleanField(
        label="Run synchronously", required=False,
        help_text=(
            "Email messages that match the flow rule are passed to a Lambda function for"
            " processing before they are sent or delivered. Synchronous Run Lambda rules support"
            " the * destination condition only."
        ),
    )  # fmt: skip
    fallback_action = forms.ChoiceField(
        label="Fallback action", required=False,
        help_text=(
            "The action Amazon WorkMail applies if the Lambda function fails to run. The Fallback"
            " action cannot be another Lambda action."
        ),
    )  # fmt: skip
    rule_timeout = forms.IntegerField(
        label="Rule timeout (in minutes)", required=False,
        help_text=(
            "The time period during which the Lambda function is retried if Amazon WorkMail fails"
            f" to invoke it ({rules.RULE_TIMEOUT_MIN} to {rules.RULE_TIMEOUT_MAX}). The Fallback"
            " action is applied at the end of this time period."
        ),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        direction: str,
        gateways: list[SmtpGateway],
        rule: EmailFlowRule | None = None,
        **kwargs: Any,
    ) -> None:
        if rule is not None:
            kwargs["initial"] = initial_of(rule)
        super().__init__(*args, **kwargs)
        self.organization, self.direction, self.gateways = organization, direction, gateways
        self.fields["rule_action"].choices = [(a.value, a.label) for a in ACTIONS[direction]]
        self.fields["smtp_gateway"].choices = [
            ("", "Choose a gateway"),
            *((str(g.gateway_id), f"{g.gateway_name} ({g.gateway_address}:{g.port_number})")
              for g in gateways),
        ]  # fmt: skip
        self.fields["fallback_action"].choices = [
            (a.value, a.label) for a in rules.fallback_actions(direction)
        ]

    def action_options(self) -> list[dict[str, Any]]:
        """The Action list, each action with its description; Route to SMTP gateway only once
        the organization has a gateway."""
        return [
            {
                "value": action.value,
                "label": action.label,
                "hint": DESCRIPTIONS[self.direction, action],
                "disabled": action == RuleAction.ROUTE_TO_SMTP_GATEWAY and not self.gateways,
                "reason": NO_GATEWAY,
            }
            for action in ACTIONS[self.direction]
        ]

    def settings(self) -> dict[str, Any]:
        """The rule's settings as the services take them (check_rule's keywords)."""
        data = self.cleaned_data
        return {
            "rule_name": data.get("rule_name", ""),
            "action": data.get("rule_action", ""),
            "sender_patterns": split_patterns(data.get("sender_patterns", "")),
            "destination_patterns": split_patterns(data.get("destination_patterns", "")),
            "smtp_gateway_id": data.get("smtp_gateway") or None,
            "lambda_arn": data.get("lambda_arn", ""),
            "run_synchronously": bool(data.get("run_synchronously")),
            "fallback_action": data.get("fallback_action", ""),
            "rule_timeout": data.get("rule_timeout"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                rules.check_rule(
                    organization=self.organization, direction=self.direction, **self.settings()
                )
            except WorkMailError as error:
                self.add_service_error(error)
        return data


def initial_of(rule: EmailFlowRule) -> dict[str, Any]:
    """A rule's settings as the Edit form shows them."""
    return {
        "rule_name": rule.rule_name,
        "rule_action": rule.action,
        "sender_patterns": "\n".join(rule.sender_patterns),
        "destination_patterns": "\n".join(rule.destination_patterns),
        "smtp_gateway": str(rule.smtp_gateway_id or ""),
        "lambda_arn": rule.lambda_arn,
        "run_synchronously": rule.run_synchronously,
        "fallback_action": rule.fallback_action,
        "rule_timeout": rule.rule_timeout,
    }


class TestConfigurationForm(ConsoleForm):
    """Test configuration: the full email addresses of the sender and the recipient."""

    sender = forms.CharField(label="Sender", required=False, max_length=ADDRESS_MAX)
    recipient = forms.CharField(label="Recipient", required=False, max_length=ADDRESS_MAX)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for role in ("sender", "recipient"):
            if role not in self.errors:
                try:
                    data[role] = validate_address(data.get(role, ""), field=role, role=role)
                except WorkMailError as error:
                    self.add_error(role, error.message)
        return data


class GatewayForm(ConsoleForm):
    """Create gateway: a name, the server's address and port, and basic authentication."""

    gateway_name = forms.CharField(
        label="Gateway name", required=False, max_length=rules.NAME_MAX,
        help_text=f"A unique name: {rules.NAME_RULE}.",
    )  # fmt: skip
    gateway_address = forms.CharField(
        label="Gateway address", required=False, max_length=253,
        help_text="The gateway's host name or IP address, such as smtp.example.com.",
    )  # fmt: skip
    port_number = forms.IntegerField(
        label="Port number", required=False, error_messages={"invalid": rules.PORT_RULE}
    )
    user_name = forms.CharField(label="User name", required=False, strip=False, max_length=256)
    password = forms.CharField(
        label="Password", required=False, strip=False, max_length=256,
        widget=forms.PasswordInput(render_value=False),
    )  # fmt: skip

    CHECKS = {
        "gateway_name": lambda v: rules.validate_name(v, what="gateway", field="gateway_name"),
        "gateway_address": rules.validate_gateway_address,
        "port_number": rules.validate_port_number,
        "user_name": lambda v: rules.validate_credential(v, label="User name", field="user_name"),
        "password": lambda v: rules.validate_credential(v, label="Password", field="password"),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, check in self.CHECKS.items():
            if name not in self.errors:
                try:
                    data[name] = check(data.get(name))
                except WorkMailError as error:
                    self.add_error(name, error.message)
        return data
