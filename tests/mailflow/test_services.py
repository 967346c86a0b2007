"""Email flow rules and SMTP gateways, service by service: create, update, delete, list and test
rules (names unique per direction in any case, each direction's actions, patterns, 250 sender
patterns a rule and 1,000 an organization, Run Lambda's settings, Route to SMTP gateway's
gateway); create, list and remove gateways (never while a rule routes to one); only an Active
organization's change, an Inactive one's are read."""

import pytest
from django.db.models import RestrictedError

from mailflow import services
from mailflow.models import Direction, EmailFlowRule, RuleAction, SmtpGateway
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import active_organization
from workmail_console.errors import (
    EntityNotFoundException,
    InvalidParameterException,
    LimitExceededException,
    NameAvailabilityException,
    OrganizationStateException,
    SmtpGatewayInUseException,
)

pytestmark = pytest.mark.django_db

IN, OUT = Direction.INBOUND, Direction.OUTBOUND


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp", region="eu-west-1")


def in_state(organization: Organization, state: State) -> Organization:
    Organization.objects.filter(pk=organization.pk).update(state=state)
    organization.refresh_from_db()
    return organization


def create(organization: Organization, direction: str = IN, **settings) -> EmailFlowRule:
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
        port_number=587, user_name="relay-user", password="s3cret pass!",
    )  # fmt: skip


def lambda_arn(organization: Organization, region: str = "", account: str = "") -> str:
    return (
        f"arn:aws:lambda:{region or organization.region}:{account or organization.account_id}"
        ":function:screen-mail"
    )


def senders(count: int, prefix: str = "s") -> list[str]:
    return [f"{prefix}{i}.example" for i in range(count)]


def names(organization: Organization, direction: str = IN) -> list[str]:
    rules = services.list_email_flow_rules(organization=organization, direction=direction)
    return [rule.rule_name for rule in rules]


# --- Creating rules -------------------------------------------------------------------------


def test_a_rule_keeps_its_patterns_in_lower_case_each_once(organization):
    rule = create(
        organization, sender_patterns=["Spam.Example", "spam.example", "*.Bad.example"],
        destination_patterns=["Sales@Corp.example", "*"],
    )  # fmt: skip
    rule.refresh_from_db()
    assert rule.sender_patterns == ["spam.example", "*.bad.example"]
    assert rule.destination_patterns == ["sales@corp.example", "*"]
    assert (rule.direction, rule.action) == (IN, RuleAction.DROP)


def test_rules_are_listed_by_name_in_any_case_and_by_direction(organization):
    create(organization, rule_name="beta")
    create(organization, rule_name="Alpha")
    create(organization, OUT, rule_name="outgoing")
    assert names(organization) == ["Alpha", "beta"]
    assert names(organization, OUT) == ["outgoing"]


def test_a_rule_name_is_unique_in_its_direction_in_any_case(organization):
    create(organization, rule_name="Block spam")
    with pytest.raises(NameAvailabilityException, match="Enter a unique name") as refused:
        create(organization, rule_name="BLOCK SPAM")
    assert refused.value.field == "rule_name"
    create(organization, OUT, rule_name="block spam")  # the other direction's names are its own
    create(active_organization(), rule_name="Block spam")  # and another organization's
    assert EmailFlowRule.objects.count() == 3


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "tab\there", "semi;colon", " lead"])
def test_a_rule_name_is_1_to_64_letters_numbers_spaces_and_a_few_symbols(organization, name):
    if name == " lead":
        assert create(organization, rule_name=name).rule_name == "lead"  # trimmed
        return
    with pytest.raises(InvalidParameterException) as refused:
        create(organization, rule_name=name)
    assert refused.value.field == "rule_name"


def test_a_64_character_name_is_taken(organization):
    assert len(create(organization, rule_name="n" * 64).rule_name) == 64


@pytest.mark.parametrize(
    "direction, action",
    [(IN, "ROUTE_TO_SMTP_GATEWAY"), (OUT, "MOVE_TO_JUNK"), (OUT, "BYPASS_SPAM_CHECK"), (IN, "")],
)
def test_an_action_belongs_to_its_direction(organization, direction, action):
    with pytest.raises(InvalidParameterException, match="Choose an action") as refused:
        create(organization, direction, action=action)
    assert refused.value.field == "rule_action"


@pytest.mark.parametrize("field", ["sender_patterns", "destination_patterns"])
def test_a_rule_needs_a_sender_and_a_destination_pattern(organization, field):
    with pytest.raises(InvalidParameterException, match="Enter at least one") as refused:
        create(organization, **{field: ["", "  "]})
    assert refused.value.field == field


def test_a_plus_in_a_pattern_is_refused(organization):
    with pytest.raises(InvalidParameterException, match="The \\+ symbol is not valid"):
        create(organization, sender_patterns=["a+b@example.com"])


def test_a_rule_has_up_to_250_sender_patterns(organization):
    create(organization, sender_patterns=senders(250))
    with pytest.raises(LimitExceededException, match="up to 250 sender patterns") as refused:
        create(organization, rule_name="more", sender_patterns=senders(251, "t"))
    assert refused.value.field == "sender_patterns"


def test_a_rule_has_up_to_250_destination_patterns(organization):
    with pytest.raises(LimitExceededException, match="up to 250 destination patterns"):
        create(organization, destination_patterns=senders(251))


def test_an_organization_has_up_to_1000_sender_patterns_in_both_directions(organization):
    for i in range(3):
        create(organization, rule_name=f"in{i}", sender_patterns=senders(250, f"i{i}-"))
    create(organization, OUT, rule_name="out", sender_patterns=senders(250, "o-"))
    with pytest.raises(LimitExceededException, match="up to 1,000 sender patterns") as refused:
        create(organization, OUT, rule_name="one more", sender_patterns=["x.example"])
    assert refused.value.field == "sender_patterns"
    create(active_organization(), sender_patterns=["x.example"])  # another organization's own


def test_an_edited_rule_counts_its_own_patterns_once(organization):
    rules = [
        create(organization, rule_name=f"r{i}", sender_patterns=senders(250, f"{i}-"))
        for i in range(4)
    ]
    services.update_email_flow_rule(
        organization=organization, direction=IN, rule_id=str(rules[0].pk), rule_name="r0",
        action="BOUNCE", sender_patterns=senders(250, "new-"), destination_patterns=["*"],
    )  # fmt: skip
    assert EmailFlowRule.objects.get(pk=rules[0].pk).sender_patterns[0] == "new-0.example"


# --- Run Lambda -----------------------------------------------------------------------------


def test_an_asynchronous_lambda_rule_keeps_only_its_function(organization):
    rule = create(
        organization, action="RUN_LAMBDA", lambda_arn=lambda_arn(organization),
        fallback_action="DROP", rule_timeout=10,
    )  # fmt: skip
    assert (rule.lambda_arn, rule.run_synchronously) == (lambda_arn(organization), False)
    assert (rule.fallback_action, rule.rule_timeout) == ("", None)


def test_a_synchronous_lambda_rule_has_a_fallback_action_and_a_timeout(organization):
    rule = create(
        organization, OUT, action="RUN_LAMBDA", lambda_arn=lambda_arn(organization) + ":$LATEST",
        run_synchronously=True, fallback_action="BOUNCE", rule_timeout=240,
    )  # fmt: skip
    assert (rule.fallback_action, rule.rule_timeout) == ("BOUNCE", 240)


@pytest.mark.parametrize(
    "arn, words",
    [
        ("", "Enter the Lambda function's ARN"),
        ("arn:aws:lambda:eu-west-1:123:function:f", "such as arn:aws:lambda:eu-west-1:"),
        ("arn:aws:sqs:eu-west-1:111122223333:queue", "such as"),
        ("arn:aws:lambda:us-east-1:{account}:function:f", "same AWS Region and AWS account"),
        ("arn:aws:lambda:eu-west-1:111122223333:function:f", "same AWS Region and AWS account"),
    ],
)
def test_the_function_is_in_the_organizations_region_and_account(organization, arn, words):
    arn = arn.format(account=organization.account_id)
    with pytest.raises(InvalidParameterException, match=words) as refused:
        create(organization, action="RUN_LAMBDA", lambda_arn=arn)
    assert refused.value.field == "lambda_arn"


@pytest.mark.parametrize("fallback", ["", "RUN_LAMBDA", "ROUTE_TO_SMTP_GATEWAY", "MOVE_TO_JUNK"])
def test_the_fallback_action_is_another_action_of_the_direction(organization, fallback):
    with pytest.raises(InvalidParameterException, match="another Lambda action") as refused:
        create(
            organization, OUT, action="RUN_LAMBDA", lambda_arn=lambda_arn(organization),
            run_synchronously=True, fallback_action=fallback, rule_timeout=5,
        )  # fmt: skip
    assert refused.value.field == "fallback_action"


@pytest.mark.parametrize("minutes", [None, -1, 241, True])
def test_the_rule_timeout_is_0_to_240_minutes(organization, minutes):
    with pytest.raises(InvalidParameterException) as refused:
        create(
            organization, action="RUN_LAMBDA", lambda_arn=lambda_arn(organization),
            run_synchronously=True, fallback_action="DEFAULT", rule_timeout=minutes,
        )  # fmt: skip
    assert refused.value.field == "rule_timeout"


def test_a_synchronous_lambda_rule_supports_the_star_destination_only(organization):
    with pytest.raises(InvalidParameterException, match="the \\* destination condition only"):
        create(
            organization, action="RUN_LAMBDA", lambda_arn=lambda_arn(organization),
            run_synchronously=True, fallback_action="DEFAULT", rule_timeout=0,
            destination_patterns=["corp.example"],
        )  # fmt: skip


# --- Route to SMTP gateway ------------------------------------------------------------------


def test_an_outbound_rule_routes_to_one_of_the_organizations_gateways(organization):
    relay = gateway(organization)
    rule = create(organization, OUT, action="ROUTE_TO_SMTP_GATEWAY", smtp_gateway_id=str(relay.pk))
    assert rule.smtp_gateway == relay


@pytest.mark.parametrize("gateway_id", ["", None])
def test_route_to_smtp_gateway_needs_a_gateway(organization, gateway_id):
    with pytest.raises(InvalidParameterException, match="Choose an SMTP gateway") as refused:
        create(organization, OUT, action="ROUTE_TO_SMTP_GATEWAY", smtp_gateway_id=gateway_id)
    assert refused.value.field == "smtp_gateway"


@pytest.mark.parametrize("whose", ["another organization's", "unknown", "not an ID"])
def test_a_gateway_not_the_organizations_is_not_found(organization, whose):
    gateway_id = {
        "another organization's": lambda: str(gateway(active_organization()).pk),
        "unknown": lambda: "5f0c6a3e-1111-4222-8333-444455556666",
        "not an ID": lambda: "relay\x00",
    }[whose]()
    with pytest.raises(EntityNotFoundException):
        create(organization, OUT, action="ROUTE_TO_SMTP_GATEWAY", smtp_gateway_id=gateway_id)
    assert not EmailFlowRule.objects.exists()


# --- Changing and removing rules ------------------------------------------------------------


def test_edit_replaces_the_rules_settings(organization):
    rule = create(organization)
    services.update_email_flow_rule(
        organization=organization, direction=IN, rule_id=str(rule.pk), rule_name="Junk it",
        action="MOVE_TO_JUNK", sender_patterns=["*.ads.example"], destination_patterns=["*"],
    )  # fmt: skip
    rule.refresh_from_db()
    assert (rule.rule_name, rule.action, rule.sender_patterns) == (
        "Junk it", "MOVE_TO_JUNK", ["*.ads.example"],
    )  # fmt: skip


def test_edit_may_change_the_case_of_its_own_name_but_not_take_anothers(organization):
    rule = create(organization, rule_name="first")
    create(organization, rule_name="second")
    update = {"action": "DROP", "sender_patterns": ["x.example"], "destination_patterns": ["*"]}
    services.update_email_flow_rule(
        organization=organization, direction=IN, rule_id=str(rule.pk), rule_name="FIRST", **update
    )
    with pytest.raises(NameAvailabilityException):
        services.update_email_flow_rule(
            organization=organization, direction=IN, rule_id=str(rule.pk), rule_name="Second",
            **update,
        )  # fmt: skip
    assert names(organization) == ["FIRST", "second"]


@pytest.mark.parametrize("rule_id", ["5f0c6a3e-1111-4222-8333-444455556666", "nope", "\x00"])
def test_an_unknown_rule_is_not_found(organization, rule_id):
    with pytest.raises(EntityNotFoundException):
        services.delete_email_flow_rule(organization=organization, direction=IN, rule_id=rule_id)


def test_a_rule_is_found_only_in_its_own_direction(organization):
    rule = create(organization)
    with pytest.raises(EntityNotFoundException):
        services.delete_email_flow_rule(
            organization=organization, direction=OUT, rule_id=str(rule.pk)
        )


def test_remove_deletes_the_rule(organization):
    rule = create(organization)
    services.delete_email_flow_rule(organization=organization, direction=IN, rule_id=str(rule.pk))
    assert not EmailFlowRule.objects.exists()


# --- Test configuration ---------------------------------------------------------------------


def test_test_configuration_names_the_rule_and_its_action(organization):
    create(organization, rule_name="Block spam", sender_patterns=["spam.example"])
    result = services.test_email_flow_rule(
        organization=organization, direction=IN, sender="Bot@Spam.example",
        recipient="me@corp.example",
    )  # fmt: skip
    assert (result.action, result.rule.rule_name) == (RuleAction.DROP, "Block spam")


def test_with_no_rule_matching_the_action_is_default(organization):
    create(organization, sender_patterns=["spam.example"])
    create(organization, OUT, rule_name="all out", sender_patterns=["*"])  # the other tab's
    result = services.test_email_flow_rule(
        organization=organization, direction=IN, sender="friend@good.example",
        recipient="me@corp.example",
    )  # fmt: skip
    assert (result.action, result.rule) == (RuleAction.DEFAULT, None)


@pytest.mark.parametrize("field", ["sender", "recipient"])
def test_test_configuration_needs_full_email_addresses(organization, field):
    addresses = {"sender": "a@example.com", "recipient": "b@example.com", field: "example.com"}
    with pytest.raises(InvalidParameterException, match="full email address") as refused:
        services.test_email_flow_rule(organization=organization, direction=IN, **addresses)
    assert refused.value.field == field


# --- The organization's state ---------------------------------------------------------------


def test_an_inactive_organizations_rules_are_read_and_tested_but_not_changed(organization):
    rule = create(organization)
    in_state(organization, State.INACTIVE)
    assert names(organization) == ["Block spam"]
    services.test_email_flow_rule(
        organization=organization, direction=IN, sender="a@spam.example", recipient="b@c.example"
    )
    with pytest.raises(OrganizationStateException, match="Inactive"):
        create(organization, rule_name="other")
    with pytest.raises(OrganizationStateException):
        services.delete_email_flow_rule(
            organization=organization, direction=IN, rule_id=str(rule.pk)
        )
    with pytest.raises(OrganizationStateException):
        gateway(organization)


def test_a_failed_organizations_rules_and_gateways_are_not_read(organization):
    in_state(organization, State.FAILED)
    with pytest.raises(OrganizationStateException, match="email flow rules"):
        services.list_email_flow_rules(organization=organization, direction=IN)
    with pytest.raises(OrganizationStateException, match="SMTP gateways"):
        services.list_smtp_gateways(organization=organization)


# --- SMTP gateways --------------------------------------------------------------------------


def test_a_gateway_keeps_its_settings_and_password(organization):
    relay = gateway(organization)
    relay.refresh_from_db()
    assert (relay.gateway_address, relay.port_number, relay.user_name) == (
        "smtp.example.com", 587, "relay-user",
    )  # fmt: skip
    assert relay.password == "s3cret pass!"
    assert "s3cret" not in str(relay) and "s3cret" not in repr(relay)


def test_gateways_are_listed_by_name(organization):
    gateway(organization, "zeta")
    gateway(organization, "Alpha")
    listed = services.list_smtp_gateways(organization=organization)
    assert [g.gateway_name for g in listed] == ["Alpha", "zeta"]


def test_a_gateway_name_is_unique_in_the_organization_in_any_case(organization):
    gateway(organization, "relay")
    with pytest.raises(NameAvailabilityException) as refused:
        gateway(organization, "RELAY")
    assert refused.value.field == "gateway_name"
    gateway(active_organization(), "relay")


@pytest.mark.parametrize(
    "address, kept",
    [
        ("SMTP.Example.com", "smtp.example.com"),
        ("192.0.2.25", "192.0.2.25"),
        ("2001:DB8::1", "2001:db8::1"),
    ],
)
def test_a_gateway_address_is_a_host_name_or_an_ip_address(organization, address, kept):
    created = services.create_smtp_gateway(
        organization=organization, gateway_name="g", gateway_address=address, port_number=25,
        user_name="u", password="p",
    )  # fmt: skip
    assert created.gateway_address == kept


@pytest.mark.parametrize(
    "field, value",
    [
        ("gateway_name", ""),
        ("gateway_address", ""),
        ("gateway_address", "smtp"),
        ("gateway_address", "smtp_relay.example.com"),
        ("gateway_address", "999.1.1.1"),
        ("port_number", 0),
        ("port_number", 65_536),
        ("port_number", None),
        ("user_name", ""),
        ("user_name", "a\x00b"),
        ("password", ""),
        ("password", "p" * 257),
        ("password", "line\nbreak"),
    ],
)
def test_each_gateway_setting_is_checked(organization, field, value):
    settings = {
        "gateway_name": "relay", "gateway_address": "smtp.example.com", "port_number": 587,
        "user_name": "u", "password": "p", field: value,
    }  # fmt: skip
    with pytest.raises(InvalidParameterException) as refused:
        services.create_smtp_gateway(organization=organization, **settings)
    assert refused.value.field == field
    assert not SmtpGateway.objects.exists()


def test_a_gateway_is_removed_only_while_no_rule_routes_to_it(organization):
    relay = gateway(organization)
    rule = create(
        organization, OUT, rule_name="Via relay", action="ROUTE_TO_SMTP_GATEWAY",
        smtp_gateway_id=str(relay.pk),
    )  # fmt: skip
    with pytest.raises(SmtpGatewayInUseException, match="Via relay"):
        services.delete_smtp_gateway(organization=organization, gateway_id=str(relay.pk))
    services.update_email_flow_rule(
        organization=organization, direction=OUT, rule_id=str(rule.pk), rule_name="Via relay",
        action="DEFAULT", sender_patterns=["*"], destination_patterns=["*"],
    )  # fmt: skip
    services.delete_smtp_gateway(organization=organization, gateway_id=str(relay.pk))
    assert not SmtpGateway.objects.exists()


def test_another_organizations_gateway_is_not_found(organization):
    theirs = gateway(active_organization())
    with pytest.raises(EntityNotFoundException):
        services.delete_smtp_gateway(organization=organization, gateway_id=str(theirs.pk))
    assert SmtpGateway.objects.filter(pk=theirs.pk).exists()


def test_an_organization_removed_from_the_database_takes_its_rules_and_gateways(organization):
    relay = gateway(organization)
    create(organization, OUT, action="ROUTE_TO_SMTP_GATEWAY", smtp_gateway_id=str(relay.pk))
    with pytest.raises(RestrictedError):  # the gateway alone can't go while a rule routes to it
        relay.delete()
    Organization.objects.filter(pk=organization.pk).delete()
    assert not EmailFlowRule.objects.exists() and not SmtpGateway.objects.exists()
