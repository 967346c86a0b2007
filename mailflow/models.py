"""An organization's email flow rules (the Inbound rules and Outbound rules tabs) and its SMTP
gateways (the SMTP gateways tab). Console-only: WorkMail has no API for either."""

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.models import Organization


class Direction(models.TextChoices):
    INBOUND = "INBOUND", "Inbound"
    OUTBOUND = "OUTBOUND", "Outbound"


class RuleAction(models.TextChoices):
    """The rule actions, with the console's names; the values are the action types a
    synchronous Run Lambda function answers with (lambda.md), and ours where it has none."""

    DROP = "DROP", "Drop email"
    BOUNCE = "BOUNCE", "Send bounce response"
    MOVE_TO_JUNK = "MOVE_TO_JUNK", "Deliver to junk folder"
    DEFAULT = "DEFAULT", "Default"
    BYPASS_SPAM_CHECK = "BYPASS_SPAM_CHECK", "Never deliver to junk folder"
    ROUTE_TO_SMTP_GATEWAY = "ROUTE_TO_SMTP_GATEWAY", "Route to SMTP gateway"
    RUN_LAMBDA = "RUN_LAMBDA", "Run Lambda"


# Each direction's actions in the guide's order, which is also their precedence: between rules
# of the same specificity, the action listed first wins ("the most restrictive action").
ACTIONS: dict[str, tuple[RuleAction, ...]] = {
    Direction.INBOUND: (
        RuleAction.DROP, RuleAction.BOUNCE, RuleAction.MOVE_TO_JUNK, RuleAction.DEFAULT,
        RuleAction.BYPASS_SPAM_CHECK, RuleAction.RUN_LAMBDA,
    ),
    Direction.OUTBOUND: (
        RuleAction.DEFAULT, RuleAction.DROP, RuleAction.BOUNCE, RuleAction.ROUTE_TO_SMTP_GATEWAY,
        RuleAction.RUN_LAMBDA,
    ),
}  # fmt: skip

# The guide's description of each action (email-flows.md), shown under it in the Action list.
DESCRIPTIONS: dict[tuple[str, RuleAction], str] = {
    (Direction.INBOUND, RuleAction.DROP): (
        "The email message is ignored. It is not delivered, and the sender is not notified of"
        " the non-delivery."
    ),
    (Direction.INBOUND, RuleAction.BOUNCE): (
        "The email message is not delivered, and the sender is notified of the non-delivery in"
        " a bounce message."
    ),
    (Direction.INBOUND, RuleAction.MOVE_TO_JUNK): (
        "The email message is delivered to users' spam or junk folders, even if it is not"
        " originally identified as spam by the Amazon WorkMail spam detection system."
    ),
    (Direction.INBOUND, RuleAction.DEFAULT): (
        "The email message is delivered after being checked by the Amazon WorkMail spam"
        " detection system. Spam email is delivered to the junk folder. All other email messages"
        " are delivered to the inbox. Other email flow rules with a less specific sender pattern"
        " are ignored. To add exceptions to domain-based email flow rules, configure the Default"
        " action with a more specific sender pattern."
    ),
    (Direction.INBOUND, RuleAction.BYPASS_SPAM_CHECK): (
        "The email message is always delivered to users' inboxes, even if it is identified as"
        " spam by the Amazon WorkMail spam detection system. By not using the default spam"
        " detection system, you could expose your users to high-risk content from the addresses"
        " that you specify."
    ),
    (Direction.INBOUND, RuleAction.RUN_LAMBDA): (
        "Passes the email message to a Lambda function for processing before or while it is"
        " delivered to users' inboxes."
    ),
    (Direction.OUTBOUND, RuleAction.DEFAULT): "The email message is sent via the normal flow.",
    (Direction.OUTBOUND, RuleAction.DROP): (
        "The email message is dropped. It is not sent, and the sender is not notified."
    ),
    (Direction.OUTBOUND, RuleAction.BOUNCE): (
        "The email message is not sent, and the sender is notified with a message that the"
        " administrator blocked the email message."
    ),
    (Direction.OUTBOUND, RuleAction.ROUTE_TO_SMTP_GATEWAY): (
        "The email message is sent via a configured SMTP gateway."
    ),
    (Direction.OUTBOUND, RuleAction.RUN_LAMBDA): (
        "Passes the email message to a Lambda function for processing before or while the email"
        " message is sent."
    ),
}


class SmtpGateway(models.Model):
    """An SMTP gateway outbound rules can route email messages through: its address and port,
    and the user name and password of basic authentication (the only kind it supports). The
    password is kept for the gateway's sake and never shown again."""

    gateway_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="smtp_gateways"
    )
    gateway_name = models.CharField(max_length=64)
    gateway_address = models.CharField(max_length=253)
    port_number = models.PositiveIntegerField()
    user_name = models.CharField(max_length=256)
    password = models.CharField(max_length=256)
    created_date = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["gateway_name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("gateway_name"), name="unique_smtp_gateway_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway_name} ({self.gateway_address}:{self.port_number})"


class EmailFlowRule(models.Model):
    """An inbound or outbound email flow rule: the action for email messages whose sender
    matches one of its sender patterns and whose recipient one of its destination patterns."""

    rule_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="email_flow_rules"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    rule_name = models.CharField(max_length=64)
    action = models.CharField(max_length=24, choices=RuleAction.choices)
    sender_patterns = models.JSONField(default=list)  # lower case, as checked
    destination_patterns = models.JSONField(default=list)
    # Route to SMTP gateway: the gateway, which can't go while a rule routes to it (unless the
    # organization goes, taking both).
    smtp_gateway = models.ForeignKey(
        SmtpGateway, on_delete=models.RESTRICT, null=True, blank=True, related_name="rules"
    )
    # Run Lambda: the function, and for a synchronous rule its fallback action and timeout.
    lambda_arn = models.CharField(max_length=256, blank=True)
    run_synchronously = models.BooleanField(default=False)
    fallback_action = models.CharField(max_length=24, choices=RuleAction.choices, blank=True)
    rule_timeout = models.PositiveSmallIntegerField(null=True, blank=True)  # minutes
    created_date = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule_name"]
        constraints = [
            models.UniqueConstraint(
                "organization", "direction", Lower("rule_name"),
                name="unique_email_flow_rule_name",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.rule_name} ({self.get_direction_display()}: {self.get_action_display()})"
