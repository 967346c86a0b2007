"""Which email flow rule applies (mailflow.evaluation), as tables: the patterns' forms and what
each matches, the most specific rule first (sender, then destination: an address, a domain, a
wildcard domain with more labels, fewer, then *), then the action listed first for the
direction, then the first name; no rule is the Default action. No database."""

import random
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailflow.evaluation import evaluate, matches, specificity, validate_address, validate_pattern
from mailflow.models import ACTIONS, Direction, RuleAction
from workmail_console.errors import InvalidParameterException

IN, OUT = Direction.INBOUND, Direction.OUTBOUND


@dataclass
class Rule:
    rule_name: str
    action: str
    sender_patterns: list[str]
    destination_patterns: list[str] = field(default_factory=lambda: ["*"])


def winner(rules: list[Rule], sender: str, recipient: str = "me@corp.example", direction=IN):
    found = evaluate(rules, direction=direction, sender=sender, recipient=recipient)
    return found.rule_name if found else None


# --- Patterns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("mailbox@example.com", "mailbox@example.com"),
        ("  MailBox@Example.COM ", "mailbox@example.com"),
        ("example.com", "example.com"),
        ("*.example.com", "*.example.com"),
        ("*.com", "*.com"),
        ("*", "*"),
        ("first.last_1%x-y@mail.example.co.uk", "first.last_1%x-y@mail.example.co.uk"),
    ],
)
def test_a_pattern_is_an_address_a_domain_a_wildcard_domain_or_a_star(typed, kept):
    assert validate_pattern(typed, field="sender_patterns") == kept


@pytest.mark.parametrize(
    "typed, words",
    [
        ("a+b@example.com", "The + symbol is not valid"),
        ("example.com+", "The + symbol is not valid"),
        ("*example.com", "A wildcard appears only at the front of a domain"),
        ("mail.*.example.com", "A wildcard appears only at the front of a domain"),
        ("*.*.example.com", "A wildcard appears only at the front of a domain"),
        ("a@*.example.com", "A wildcard appears only at the front of a domain"),
        ("*@example.com", "A wildcard appears only at the front of a domain"),
        ("localhost", "is not a pattern"),
        ("-bad.example.com", "is not a pattern"),
        ("a@b@example.com", "is not a pattern"),
        ("@example.com", "is not a pattern"),
        ("192.0.2.1", "is not a pattern"),
        ("exa mple.com", "is not a pattern"),
        ("ｅxample.com", "is not a pattern"),  # noqa: RUF001
        ("a@" + "x" * 250 + ".com", "is not a pattern"),
    ],
)
def test_anything_else_is_refused_in_the_guides_words(typed, words):
    with pytest.raises(InvalidParameterException, match=re.escape(words)) as refused:
        validate_pattern(typed, field="destination_patterns")
    assert refused.value.field == "destination_patterns"


@pytest.mark.parametrize(
    "pattern, address, matched",
    [
        ("*", "anyone@anywhere.example", True),
        ("example.com", "a@example.com", True),
        ("example.com", "a@mail.example.com", False),  # a domain: its own addresses only
        ("example.com", "a@otherexample.com", False),
        ("*.example.com", "a@example.com", True),  # the domain and all of its subdomains
        ("*.example.com", "a@mail.example.com", True),
        ("*.example.com", "a@deep.mail.example.com", True),
        ("*.example.com", "a@otherexample.com", False),
        ("*.example.com", "a@example.com.evil", False),
        ("mailbox@example.com", "mailbox@example.com", True),
        ("mailbox@example.com", "other@example.com", False),
        ("mailbox@example.com", "mailbox@mail.example.com", False),
    ],
)
def test_what_each_pattern_matches(pattern, address, matched):
    assert matches(pattern, address) is matched


def test_more_specific_patterns_rank_higher():
    ranked = ["*", "*.com", "*.example.com", "*.mail.example.com", "example.com", "a@example.com"]
    assert sorted(ranked, key=specificity) == ranked


@pytest.mark.parametrize("typed", ["", "someone", "someone@", "@example.com", "a@localhost"])
def test_a_tested_address_is_a_full_email_address(typed):
    with pytest.raises(InvalidParameterException, match="full email address") as refused:
        validate_address(typed, field="sender", role="sender")
    assert refused.value.field == "sender"


def test_a_tested_address_may_have_a_plus_which_no_address_pattern_matches():
    assert (
        validate_address(" A+tag@Example.com", field="sender", role="sender") == "a+tag@example.com"
    )
    rules = [
        Rule("exact", RuleAction.DROP, ["a@example.com"]),
        Rule("domain", "BOUNCE", ["example.com"]),
    ]
    assert winner(rules, "a+tag@example.com") == "domain"


# --- Which rule applies ---------------------------------------------------------------------

D, B, J, DEF, NJ, L = "DROP", "BOUNCE", "MOVE_TO_JUNK", "DEFAULT", "BYPASS_SPAM_CHECK", "RUN_LAMBDA"

# (rules as (name, action, senders, destinations), sender, recipient, the rule that applies)
TABLE = [
    ([], "a@example.com", "me@corp.example", None),
    ([("all", D, ["*"], ["*"])], "a@example.com", "me@corp.example", "all"),
    ([("other", D, ["other.com"], ["*"])], "a@example.com", "me@corp.example", None),
    # The destination must match too.
    ([("to-sales", D, ["*"], ["sales@corp.example"])], "a@example.com", "me@corp.example", None),
    # Sender: an address over a domain, over a wildcard domain, over the star.
    (
        [("domain", D, ["example.com"], ["*"]), ("address", NJ, ["a@example.com"], ["*"])],
        "a@example.com", "me@corp.example", "address",
    ),
    (
        [("wildcard", D, ["*.example.com"], ["*"]), ("domain", NJ, ["example.com"], ["*"])],
        "a@example.com", "me@corp.example", "domain",
    ),
    (
        [("star", D, ["*"], ["*"]), ("wildcard", NJ, ["*.example.com"], ["*"])],
        "a@example.com", "me@corp.example", "wildcard",
    ),
    # Between wildcard domains, more labels is more specific.
    (
        [("short", D, ["*.example.com"], ["*"]), ("long", NJ, ["*.mail.example.com"], ["*"])],
        "a@x.mail.example.com", "me@corp.example", "long",
    ),
    # Sender specificity first: a sender address with any destination beats a sender domain with
    # the recipient's own address.
    (
        [
            ("by-sender", NJ, ["a@example.com"], ["*"]),
            ("by-rcpt", D, ["example.com"], ["me@corp.example"]),
        ],
        "a@example.com", "me@corp.example", "by-sender",
    ),
    # As specific by sender: the more specific destination.
    (
        [("any", D, ["example.com"], ["*"]), ("mine", NJ, ["example.com"], ["corp.example"])],
        "a@example.com", "me@corp.example", "mine",
    ),
    # A rule counts its most specific pattern that matches.
    (
        [("mixed", NJ, ["*", "a@example.com"], ["*"]), ("domain", D, ["example.com"], ["*"])],
        "a@example.com", "me@corp.example", "mixed",
    ),
    # "To add exceptions to domain-based email flow rules, configure the Default action with a
    # more specific sender pattern."
    (
        [("block", D, ["example.com"], ["*"]), ("except", DEF, ["boss@example.com"], ["*"])],
        "boss@example.com", "me@corp.example", "except",
    ),
    (
        [("block", D, ["example.com"], ["*"]), ("except", DEF, ["boss@example.com"], ["*"])],
        "intern@example.com", "me@corp.example", "block",
    ),
]  # fmt: skip


@pytest.mark.parametrize("rules, sender, recipient, applies", TABLE)
def test_the_most_specific_rule_applies(rules, sender, recipient, applies):
    assert winner([Rule(*rule) for rule in rules], sender, recipient) == applies


@pytest.mark.parametrize(
    "direction, first, then",
    [
        (IN, D, B),  # "a Drop action takes precedence over a Bounce action"
        (IN, B, J),
        (IN, J, DEF),
        (IN, DEF, NJ),
        (IN, NJ, L),
        (OUT, DEF, D),  # outbound lists Default first
        (OUT, D, B),
        (OUT, B, "ROUTE_TO_SMTP_GATEWAY"),
        (OUT, "ROUTE_TO_SMTP_GATEWAY", L),
    ],
)
def test_as_specific_the_action_listed_first_applies(direction, first, then):
    rules = [Rule("zz-first", first, ["example.com"]), Rule("aa-then", then, ["example.com"])]
    assert winner(rules, "a@example.com", direction=direction) == "zz-first"


def test_as_specific_with_the_same_action_the_first_name_in_any_case_applies():
    rules = [Rule("beta", D, ["example.com"]), Rule("Alpha", D, ["example.com"])]
    assert winner(rules, "a@example.com") == "Alpha"


# --- Properties -----------------------------------------------------------------------------

labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
domains = st.lists(labels, min_size=1, max_size=3).map(lambda parts: ".".join([*parts, "com"]))
addresses = st.builds(lambda local, domain: f"{local}@{domain}", labels, domains)


def patterns_for(address: str) -> list[str]:
    """Every pattern that matches `address`, least specific first."""
    domain = address.split("@")[1]
    parts = domain.split(".")
    wildcards = [f"*.{'.'.join(parts[i:])}" for i in range(len(parts) - 1, -1, -1)]
    return ["*", *wildcards, domain, address]


@st.composite
def rule_sets(draw, direction=IN):
    """An address and rules whose sender patterns match it, with actions of the direction."""
    address = draw(addresses)
    candidates = patterns_for(address)
    count = draw(st.integers(min_value=1, max_value=6))
    rules = [
        Rule(
            f"rule{i}",
            draw(st.sampled_from(ACTIONS[direction])),
            [draw(st.sampled_from(candidates))],
            ["*"],
        )
        for i in range(count)
    ]
    return address, rules


@given(rule_sets())
def test_the_winner_has_the_most_specific_pattern_and_then_the_first_action(drawn):
    address, rules = drawn
    found = evaluate(rules, direction=IN, sender=address, recipient="me@corp.example")
    best = max(specificity(rule.sender_patterns[0]) for rule in rules)
    assert specificity(found.sender_patterns[0]) == best
    tied = [rule.action for rule in rules if specificity(rule.sender_patterns[0]) == best]
    assert found.action == min(tied, key=ACTIONS[IN].index)


@given(rule_sets(direction=OUT), st.randoms(use_true_random=False))
def test_the_order_the_rules_come_in_changes_nothing(drawn, shuffler: random.Random):
    address, rules = drawn
    before = evaluate(rules, direction=OUT, sender=address, recipient="you@else.example")
    shuffler.shuffle(rules)
    assert evaluate(rules, direction=OUT, sender=address, recipient="you@else.example") is before


@given(addresses, labels)
def test_a_pattern_of_another_domain_never_matches(sender, other):
    other_domain = f"{other}.org"  # the senders' domains all end in .com
    rules = [Rule("other", D, [other_domain, f"*.{other_domain}", f"a@{other_domain}"])]
    assert evaluate(rules, direction=IN, sender=sender, recipient="me@corp.example") is None
