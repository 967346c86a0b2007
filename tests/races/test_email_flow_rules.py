"""Email flow rules and SMTP gateways under races: twenty admins creating a rule of one name (in
any case) make one, as twenty creating a gateway of one name do; twenty adding sender patterns
to an organization ten short of its 1,000 leave it at 1,000 (the organization's row lock
serializes the count and the write; the names' constraints hold even without it)."""

from collections import Counter

import pytest

from mailflow import services
from mailflow.models import Direction, EmailFlowRule, SmtpGateway
from tests.factories import active_organization
from tests.races.harness import COUNT, race
from workmail_console.errors import WorkMailError

pytestmark = pytest.mark.django_db(transaction=True)


def create_rule(organization, name: str, senders: list[str], direction=Direction.INBOUND) -> str:
    try:
        services.create_email_flow_rule(
            organization=organization, direction=direction, rule_name=name, action="DROP",
            sender_patterns=senders, destination_patterns=["*"],
        )  # fmt: skip
    except WorkMailError as error:
        return error.code
    return "created"


def test_twenty_creates_of_one_rule_name_make_one_rule(admin) -> None:
    organization = active_organization(account=admin.account)
    names = ["Block spam", "block spam", "BLOCK SPAM", "Block Spam"]

    results = race(
        lambda i: create_rule(organization, names[i % 4], [f"s{i}.example"]),
        writes_to=EmailFlowRule,
    )
    assert Counter(results) == {"created": 1, "NameAvailabilityException": COUNT - 1}
    assert EmailFlowRule.objects.filter(organization=organization).count() == 1


def test_twenty_creates_ten_patterns_short_of_the_limit_leave_it_at_the_limit(admin) -> None:
    organization = active_organization(account=admin.account)
    for i in range(3):
        create_rule(organization, f"full{i}", [f"f{i}-{n}.example" for n in range(250)])
    create_rule(organization, "outbound", [f"o{n}.example" for n in range(240)], Direction.OUTBOUND)

    results = race(
        lambda i: create_rule(organization, f"racer{i}", [f"r{i}.example"]),
        writes_to=EmailFlowRule,
    )
    assert Counter(results) == {"created": 10, "LimitExceededException": COUNT - 10}
    rules = EmailFlowRule.objects.filter(organization=organization)
    assert sum(len(rule.sender_patterns) for rule in rules) == 1_000


def test_twenty_creates_of_one_gateway_name_make_one_gateway(admin) -> None:
    organization = active_organization(account=admin.account)

    def create(i: int) -> str:
        try:
            services.create_smtp_gateway(
                organization=organization, gateway_name="Relay" if i % 2 else "relay",
                gateway_address=f"smtp{i}.example.com", port_number=587, user_name="u",
                password="p",
            )  # fmt: skip
        except WorkMailError as error:
            return error.code
        return "created"

    results = race(create, writes_to=SmtpGateway)
    assert Counter(results) == {"created": 1, "NameAvailabilityException": COUNT - 1}
    assert SmtpGateway.objects.filter(organization=organization).count() == 1
