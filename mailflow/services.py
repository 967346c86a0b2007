"""Email flow rules and SMTP gateways, one function per console action. WorkMail has no API for
them; the functions are named as its operations would be.

Rules and gateways are read while what lives inside the organization can be (Active or
Inactive) and change only in an Active organization, each change with the organization's row
locked: the 1,000 sender patterns an organization may have are counted and written under that
lock, and a gateway is removed only while no outbound rule routes to it. A rule's name is unique
among the organization's rules of its direction in any case, held by a constraint too.
"""

import ipaddress
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.views.decorators.debug import sensitive_variables

from mailflow.evaluation import evaluate, is_domain, validate_address, validate_pattern
from mailflow.models import ACTIONS, Direction, EmailFlowRule, RuleAction, SmtpGateway
from organizations.lifecycle import State
from organizations.models import Organization
from users.services import READABLE
from workmail_console.errors import (
    EntityNotFoundException,
    InvalidParameterException,
    LimitExceededException,
    NameAvailabilityException,
    SmtpGatewayInUseException,
)

MANAGING_RULES, MANAGING_GATEWAYS = "email flow rules", "SMTP gateways"
# Rule and gateway names (ours: AWS publishes no rule): 1 to 64 letters, numbers, spaces and
# _ . -, trimmed.
NAME_MAX = 64
NAME_PATTERN = re.compile(rf"[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]{{0,{NAME_MAX - 2}}}[A-Za-z0-9_.-])?")
NAME_RULE = f"1 to {NAME_MAX} letters (a-z, A-Z), numbers (0-9), spaces, _ . and -"
# "Sender patterns in email flow rules: 250 per rule, 1,000 per org (hard)"; the destination
# patterns' limit is ours, as AWS publishes none. The organization's count takes in both
# directions.
SENDER_PATTERNS_PER_RULE = 250
SENDER_PATTERNS_PER_ORGANIZATION = 1_000
DESTINATION_PATTERNS_PER_RULE = 250
RULE_TIMEOUT_MIN, RULE_TIMEOUT_MAX = 0, 240  # minutes (lambda.md)
LAMBDA_ARN = re.compile(
    r"arn:aws:lambda:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):function:[A-Za-z0-9_-]{1,64}"
    r"(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?",
    re.ASCII,
)
LAMBDA_ARN_EXAMPLE = "arn:aws:lambda:{region}:{account}:function:my-function"
CREDENTIAL_MAX = 256  # a gateway's user name and password (ours)
PORT_MIN, PORT_MAX = 1, 65_535
PORT_RULE = f"Enter a port number from {PORT_MIN} to {PORT_MAX:,}, such as 587."


def validate_direction(direction: str) -> Direction:
    if direction not in Direction.values:
        raise InvalidParameterException("A rule is inbound or outbound.")
    return Direction(direction)


def validate_name(name: str, *, what: str, field: str) -> str:
    """A rule's or a gateway's name, trimmed. `what`: "rule" or "gateway"."""
    name = name.strip()
    if not name:
        raise InvalidParameterException(f"Enter a {what} name.", field=field)
    if len(name) > NAME_MAX or not NAME_PATTERN.fullmatch(name):
        raise InvalidParameterException(f"A {what} name is {NAME_RULE}.", field=field)
    return name


def validate_patterns(patterns: Iterable[str], *, field: str, what: str, limit: int) -> list[str]:
    """At least one pattern and at most `limit`, each checked, in lower case; one typed twice
    counts once. `what`: "sender pattern" or "destination pattern"."""
    checked = list(dict.fromkeys(validate_pattern(p, field=field) for p in patterns if p.strip()))
    if not checked:
        raise InvalidParameterException(f"Enter at least one {what}.", field=field)
    if len(checked) > limit:
        raise LimitExceededException(
            f"A rule can have up to {limit} {what}s; this one has {len(checked)}.", field=field
        )
    return checked


def validate_lambda_arn(arn: str, *, organization: Organization) -> str:
    """A Lambda function's ARN, in the organization's Region and account."""
    example = LAMBDA_ARN_EXAMPLE.format(region=organization.region, account=organization.account_id)
    found = LAMBDA_ARN.fullmatch(arn.strip())
    if not arn.strip():
        raise InvalidParameterException("Enter the Lambda function's ARN.", field="lambda_arn")
    if found is None:
        raise InvalidParameterException(
            f"Enter a Lambda function's ARN, such as {example}.", field="lambda_arn"
        )
    if (found["region"], found["account"]) != (organization.region, organization.account_id):
        raise InvalidParameterException(
            "Lambda email flow rules reference only Lambda functions in the same AWS Region and"
            f" AWS account as the organization: {organization.region} and"
            f" {organization.account_id}.",
            field="lambda_arn",
        )
    return found.group(0)


def fallback_actions(direction: str) -> tuple[RuleAction, ...]:
    """What a synchronous Run Lambda rule may fall back on: its direction's actions but Run
    Lambda ("can't be another Lambda action") and Route to SMTP gateway (ours: a fallback
    chooses no gateway)."""
    excluded = (RuleAction.RUN_LAMBDA, RuleAction.ROUTE_TO_SMTP_GATEWAY)
    return tuple(action for action in ACTIONS[direction] if action not in excluded)


def validate_rule_timeout(minutes: int | None) -> int:
    if minutes is None:
        raise InvalidParameterException(
            f"Enter the rule timeout in minutes ({RULE_TIMEOUT_MIN} to {RULE_TIMEOUT_MAX}).",
            field="rule_timeout",
        )
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidParameterException("Enter a whole number of minutes.", field="rule_timeout")
    if not RULE_TIMEOUT_MIN <= minutes <= RULE_TIMEOUT_MAX:
        raise InvalidParameterException(
            f"The rule timeout is {RULE_TIMEOUT_MIN} to {RULE_TIMEOUT_MAX} minutes.",
            field="rule_timeout",
        )
    return minutes


@dataclass(frozen=True)
class RuleSettings:
    """What the Create and Edit forms say of a rule, checked (all but its gateway's existence,
    which is looked up under the lock)."""

    rule_name: str
    action: RuleAction
    sender_patterns: list[str]
    destination_patterns: list[str]
    smtp_gateway_id: uuid.UUID | None = None
    lambda_arn: str = ""
    run_synchronously: bool = False
    fallback_action: str = ""
    rule_timeout: int | None = None


def check_rule(
    *,
    organization: Organization,
    direction: str,
    rule_name: str,
    action: str,
    sender_patterns: Iterable[str],
    destination_patterns: Iterable[str],
    smtp_gateway_id: str | None = None,
    lambda_arn: str = "",
    run_synchronously: bool = False,
    fallback_action: str = "",
    rule_timeout: int | None = None,
) -> RuleSettings:
    """A rule's settings checked against every rule that needs no database."""
    direction = validate_direction(direction)
    name = validate_name(rule_name, what="rule", field="rule_name")
    if action not in ACTIONS[direction]:
        raise InvalidParameterException("Choose an action.", field="rule_action")
    action = RuleAction(action)
    senders = validate_patterns(
        sender_patterns, field="sender_patterns", what="sender pattern",
        limit=SENDER_PATTERNS_PER_RULE,
    )  # fmt: skip
    destinations = validate_patterns(
        destination_patterns, field="destination_patterns", what="destination pattern",
        limit=DESTINATION_PATTERNS_PER_RULE,
    )  # fmt: skip
    settings = RuleSettings(name, action, senders, destinations)
    if action == RuleAction.ROUTE_TO_SMTP_GATEWAY:
        if not smtp_gateway_id:
            raise InvalidParameterException("Choose an SMTP gateway.", field="smtp_gateway")
        gateway_id = _uuid(smtp_gateway_id, _no_gateway(smtp_gateway_id, organization))
        return RuleSettings(name, action, senders, destinations, smtp_gateway_id=gateway_id)
    if action != RuleAction.RUN_LAMBDA:
        return settings
    arn = validate_lambda_arn(lambda_arn, organization=organization)
    if not run_synchronously:
        return RuleSettings(name, action, senders, destinations, lambda_arn=arn)
    if fallback_action not in fallback_actions(direction):
        raise InvalidParameterException(
            "Choose the fallback action, which can't be another Lambda action.",
            field="fallback_action",
        )
    if destinations != ["*"]:
        raise InvalidParameterException(
            "Synchronous Run Lambda rules support the * destination condition only.",
            field="destination_patterns",
        )
    return RuleSettings(
        name, action, senders, destinations, lambda_arn=arn, run_synchronously=True,
        fallback_action=fallback_action, rule_timeout=validate_rule_timeout(rule_timeout),
    )  # fmt: skip


def _uuid(value: object, missing: EntityNotFoundException) -> uuid.UUID:
    """An ID as the database takes it; anything else is not found."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise missing from None


def _no_gateway(gateway_id: object, organization: Organization) -> EntityNotFoundException:
    return EntityNotFoundException(
        f"The SMTP gateway {str(gateway_id)[:64]} was not found in {organization.alias}.",
        field="smtp_gateway",
    )


def _no_rule(rule_id: object, organization: Organization) -> EntityNotFoundException:
    return EntityNotFoundException(
        f"The email flow rule {str(rule_id)[:64]} was not found in {organization.alias}."
    )


def _words(direction: str) -> str:
    return f"{Direction(direction).label.lower()} rules"


# --- Email flow rules -----------------------------------------------------------------------


def rules_of(organization: Organization, direction: str) -> QuerySet[EmailFlowRule]:
    return EmailFlowRule.objects.filter(organization=organization, direction=direction)


def list_email_flow_rules(*, organization: Organization, direction: str) -> list[EmailFlowRule]:
    """Inbound rules / Outbound rules tab: the organization's rules of that direction, by name."""
    validate_direction(direction)
    organization.require_state(*READABLE, managing=MANAGING_RULES)
    rows = rules_of(organization, direction).select_related("smtp_gateway")
    return list(rows.order_by(Lower("rule_name"), "rule_id"))


def get_email_flow_rule(
    *, organization: Organization, direction: str, rule_id: str
) -> EmailFlowRule:
    """A rule of the tab by its ID; EntityNotFoundException for any other."""
    validate_direction(direction)
    missing = _no_rule(rule_id, organization)
    found = rules_of(organization, direction).filter(pk=_uuid(rule_id, missing)).first()
    if found is None:
        raise missing
    return found


def _require_name_free(
    organization: Organization, direction: str, name: str, rule: EmailFlowRule | None
) -> None:
    others = rules_of(organization, direction).alias(folded=Lower("rule_name"))
    if rule is not None:
        others = others.exclude(pk=rule.pk)
    if others.filter(folded=name.lower()).exists():
        raise NameAvailabilityException(
            f"The {_words(direction)} already have a rule named {name}. Enter a unique name.",
            field="rule_name",
        )


def _require_sender_room(
    organization: Organization, senders: list[str], rule: EmailFlowRule | None
) -> None:
    """The organization's 1,000 sender patterns, counted with the organization locked."""
    others = EmailFlowRule.objects.filter(organization=organization)
    if rule is not None:
        others = others.exclude(pk=rule.pk)
    used = sum(len(patterns) for patterns in others.values_list("sender_patterns", flat=True))
    if used + len(senders) > SENDER_PATTERNS_PER_ORGANIZATION:
        raise LimitExceededException(
            f"An organization can have up to {SENDER_PATTERNS_PER_ORGANIZATION:,} sender patterns"
            f" in its email flow rules. Its other rules have {used:,}, and this rule has"
            f" {len(senders)}.",
            field="sender_patterns",
        )


def _save_rule(
    organization: Organization, direction: str, settings: RuleSettings, rule_id: str | None
) -> EmailFlowRule:
    """Create (no `rule_id`) or replace a rule, with the organization locked."""
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=MANAGING_RULES)
        rule = None
        if rule_id is not None:
            rule = get_email_flow_rule(
                organization=organization, direction=direction, rule_id=rule_id
            )
        _require_name_free(organization, direction, settings.rule_name, rule)
        _require_sender_room(organization, settings.sender_patterns, rule)
        gateway = None
        if settings.smtp_gateway_id is not None:
            gateway = get_smtp_gateway(
                organization=organization, gateway_id=str(settings.smtp_gateway_id)
            )
        rule = rule or EmailFlowRule(organization=organization, direction=direction)
        rule.rule_name, rule.action = settings.rule_name, settings.action
        rule.sender_patterns = settings.sender_patterns
        rule.destination_patterns = settings.destination_patterns
        rule.smtp_gateway = gateway
        rule.lambda_arn, rule.run_synchronously = settings.lambda_arn, settings.run_synchronously
        rule.fallback_action, rule.rule_timeout = settings.fallback_action, settings.rule_timeout
        try:
            with transaction.atomic():
                rule.save()
        except IntegrityError:  # the constraint holds the name even without the lock
            _require_name_free(organization, direction, settings.rule_name, rule)
            raise
    return rule


def create_email_flow_rule(
    *, organization: Organization, direction: str, **settings: object
) -> EmailFlowRule:
    """Create rule: the rule's settings are check_rule's keywords. "New email flow rules take
    effect immediately." """
    checked = check_rule(organization=organization, direction=direction, **settings)
    return _save_rule(organization, direction, checked, None)


def update_email_flow_rule(
    *, organization: Organization, direction: str, rule_id: str, **settings: object
) -> EmailFlowRule:
    """Edit > Save: the rule's settings replaced whole by check_rule's keywords."""
    checked = check_rule(organization=organization, direction=direction, **settings)
    return _save_rule(organization, direction, checked, rule_id)


def delete_email_flow_rule(
    *, organization: Organization, direction: str, rule_id: str
) -> EmailFlowRule:
    """Remove: "the changes are applied immediately"."""
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=MANAGING_RULES)
        rule = get_email_flow_rule(organization=organization, direction=direction, rule_id=rule_id)
        rule.delete()
    return rule


@dataclass(frozen=True)
class TestResult:
    """What Test configuration shows: the action taken, and the rule it comes from (None:
    no rule matched, and the action is Default)."""

    action: RuleAction
    rule: EmailFlowRule | None


def test_email_flow_rule(
    *, organization: Organization, direction: str, sender: str, recipient: str
) -> TestResult:
    """Test configuration > Test: the action to be taken for an email message from `sender` to
    `recipient` (full email addresses) under the tab's rules."""
    direction = validate_direction(direction)
    sender = validate_address(sender, field="sender", role="sender")
    recipient = validate_address(recipient, field="recipient", role="recipient")
    rules = list_email_flow_rules(organization=organization, direction=direction)
    rule = evaluate(rules, direction=direction, sender=sender, recipient=recipient)
    return TestResult(action=RuleAction(rule.action) if rule else RuleAction.DEFAULT, rule=rule)


test_email_flow_rule.__test__ = False  # a service, not a test pytest should collect


# --- SMTP gateways --------------------------------------------------------------------------


def validate_gateway_address(address: str) -> str:
    """A host name or an IP address, in lower case."""
    address = address.strip().lower()
    if not address:
        raise InvalidParameterException("Enter the gateway's address.", field="gateway_address")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        pass
    if not is_domain(address):
        raise InvalidParameterException(
            "Enter the gateway's host name (such as smtp.example.com) or IP address.",
            field="gateway_address",
        )
    return address


def validate_port_number(port: int | None) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not PORT_MIN <= port <= PORT_MAX:
        raise InvalidParameterException(PORT_RULE, field="port_number")
    return port


@sensitive_variables("text")
def validate_credential(text: str, *, label: str, field: str) -> str:
    """The user name or the password of basic authentication: 1 to 256 characters, none of them
    a control character. `label`: how the form names it."""
    if not text:
        raise InvalidParameterException(f"Enter the {label.lower()}.", field=field)
    if len(text) > CREDENTIAL_MAX or not text.isprintable():
        raise InvalidParameterException(
            f"The {label.lower()} is 1 to {CREDENTIAL_MAX} characters, with no control characters.",
            field=field,
        )
    return text


def list_smtp_gateways(*, organization: Organization) -> list[SmtpGateway]:
    """SMTP gateways tab: the organization's gateways, by name."""
    organization.require_state(*READABLE, managing=MANAGING_GATEWAYS)
    rows = SmtpGateway.objects.filter(organization=organization)
    return list(rows.order_by(Lower("gateway_name"), "gateway_id"))


def get_smtp_gateway(*, organization: Organization, gateway_id: str) -> SmtpGateway:
    missing = _no_gateway(gateway_id, organization)
    rows = SmtpGateway.objects.filter(organization=organization)
    found = rows.filter(pk=_uuid(gateway_id, missing)).first()
    if found is None:
        raise missing
    return found


def _require_gateway_name_free(organization: Organization, name: str) -> None:
    taken = SmtpGateway.objects.filter(organization=organization).alias(
        folded=Lower("gateway_name")
    )
    if taken.filter(folded=name.lower()).exists():
        raise NameAvailabilityException(
            f"The organization already has a gateway named {name}. Enter a unique name.",
            field="gateway_name",
        )


@sensitive_variables("password")
def create_smtp_gateway(
    *,
    organization: Organization,
    gateway_name: str,
    gateway_address: str,
    port_number: int,
    user_name: str,
    password: str,
) -> SmtpGateway:
    """Create gateway: its name (unique in the organization, in any case), address and port,
    and basic authentication's user name and password."""
    name = validate_name(gateway_name, what="gateway", field="gateway_name")
    gateway = SmtpGateway(
        gateway_name=name,
        gateway_address=validate_gateway_address(gateway_address),
        port_number=validate_port_number(port_number),
        user_name=validate_credential(user_name, label="User name", field="user_name"),
        password=validate_credential(password, label="Password", field="password"),
    )
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=MANAGING_GATEWAYS)
        gateway.organization = organization
        _require_gateway_name_free(organization, name)
        try:
            with transaction.atomic():
                gateway.save(force_insert=True)
        except IntegrityError:  # the constraint holds the name even without the lock
            _require_gateway_name_free(organization, name)
            raise
    return gateway


def routing_rules(gateway: SmtpGateway) -> list[str]:
    """The names of the outbound rules that route email messages to `gateway`."""
    return list(gateway.rules.order_by(Lower("rule_name")).values_list("rule_name", flat=True))


def delete_smtp_gateway(*, organization: Organization, gateway_id: str) -> SmtpGateway:
    """Remove: refused while an outbound rule routes email messages to the gateway."""
    with transaction.atomic():
        organization = organization.lock()
        organization.require_state(State.ACTIVE, managing=MANAGING_GATEWAYS)
        gateway = get_smtp_gateway(organization=organization, gateway_id=gateway_id)
        if routing := routing_rules(gateway):
            raise SmtpGatewayInUseException(
                f"The SMTP gateway {gateway.gateway_name} can't be removed while outbound rules"
                f" route email messages to it: {', '.join(routing)}. Change or remove those"
                " rules first."
            )
        gateway.delete()
    return gateway
