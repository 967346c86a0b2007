"""Which email flow rule applies to an email message: the guide's patterns and its order, as pure
functions of the rules and the two addresses (email-flows.md).

A pattern is an email address (`mailbox@example.com`), a domain (`example.com`: its addresses
only), a wildcard domain (`*.example.com`: the domain's addresses and all its subdomains') or a
star (`*`: any address). A rule applies when one of its sender patterns matches the sender and
one of its destination patterns the recipient. Of the rules that apply, the most specific wins:
the one whose sender pattern is more specific, then whose destination pattern is (an address,
then a domain, then a wildcard domain, more labels first, then the star); between rules as
specific, the most restrictive action, which is the one listed first for its direction
(models.ACTIONS); between rules with the same action too, the first by name (ours). No rule:
the Default action.
"""

import enum
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from mailflow.models import ACTIONS
from workmail_console.errors import InvalidParameterException
from workmail_console.names import LABEL

STAR = "*"
WILDCARD_PREFIX = "*."
ADDRESS_MAX, DOMAIN_MAX = 254, 253
# The EmailAddress's local part as users' addresses have it, without "+": "The + symbol is not
# valid inside of sender or recipient patterns."
LOCAL_PART = re.compile(r"[a-z0-9._%-]{1,64}", re.ASCII)
# A full address to test with may have a "+" (mail does); a pattern never matches one then.
TESTED_LOCAL_PART = re.compile(r"[a-z0-9._%+-]{1,64}", re.ASCII)


class Kind(enum.IntEnum):
    """The forms of a pattern, least specific first."""

    STAR = 0
    WILDCARD = 1
    DOMAIN = 2
    ADDRESS = 3


Specificity = tuple[int, int]  # (kind, labels of a wildcard domain)


class Rule(Protocol):
    rule_name: str
    action: str
    sender_patterns: Sequence[str]
    destination_patterns: Sequence[str]


def is_domain(domain: str, *, labels_at_least: int = 2) -> bool:
    """Whether `domain` is a host name in lower case: labels of letters, digits and hyphens."""
    labels = domain.split(".")
    return (
        len(domain) <= DOMAIN_MAX
        and len(labels) >= labels_at_least
        and all(LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


def kind_of(pattern: str) -> Kind:
    """The form of a pattern already checked (validate_pattern)."""
    if pattern == STAR:
        return Kind.STAR
    if pattern.startswith(WILDCARD_PREFIX):
        return Kind.WILDCARD
    return Kind.ADDRESS if "@" in pattern else Kind.DOMAIN


def validate_pattern(text: str, *, field: str) -> str:
    """The pattern in lower case, or InvalidParameterException saying what is wrong with it."""
    pattern = text.strip().lower()
    if "+" in pattern:
        raise InvalidParameterException(
            f"{_shown(text)}: The + symbol is not valid inside of sender or recipient patterns.",
            field=field,
        )
    if pattern == STAR:
        return pattern
    wildcard = pattern.startswith(WILDCARD_PREFIX)
    if STAR in (pattern[len(WILDCARD_PREFIX) :] if wildcard else pattern):
        raise InvalidParameterException(
            f"{_shown(text)}: A wildcard appears only at the front of a domain, as in"
            " *.example.com.",
            field=field,
        )
    local, at, domain = pattern.rpartition("@")
    if wildcard:
        well_formed = is_domain(pattern[len(WILDCARD_PREFIX) :], labels_at_least=1)
    elif at:
        well_formed = bool(LOCAL_PART.fullmatch(local)) and is_domain(domain)
    else:
        well_formed = is_domain(pattern)
    if not well_formed or len(pattern) > ADDRESS_MAX:
        raise InvalidParameterException(
            f"{_shown(text)} is not a pattern. Enter an email address (mailbox@example.com), a"
            " domain (example.com), a wildcard domain (*.example.com) or a star (*).",
            field=field,
        )
    return pattern


def validate_address(text: str, *, field: str, role: str) -> str:
    """A full email address to test with, in lower case. `role`: "sender" or "recipient"."""
    address = text.strip().lower()
    local, at, domain = address.rpartition("@")
    if not address:
        raise InvalidParameterException(f"Enter the {role}'s full email address.", field=field)
    if not at or not TESTED_LOCAL_PART.fullmatch(local) or not is_domain(domain):
        raise InvalidParameterException(
            f"Enter the {role}'s full email address, such as mailbox@example.com.", field=field
        )
    return address


def _shown(text: str) -> str:
    """A pattern quoted in an error: short enough to read."""
    text = text.strip()
    return f'"{text[:64]}…"' if len(text) > 64 else f'"{text}"'


def matches(pattern: str, address: str) -> bool:
    """Whether a checked pattern matches a checked address (both in lower case)."""
    domain = address.rpartition("@")[2]
    match kind_of(pattern):
        case Kind.STAR:
            return True
        case Kind.WILDCARD:
            parent = pattern[len(WILDCARD_PREFIX) :]
            return domain == parent or domain.endswith("." + parent)
        case Kind.DOMAIN:
            return domain == pattern
        case Kind.ADDRESS:
            return address == pattern


def specificity(pattern: str) -> Specificity:
    """How specific a pattern is: an address, then a domain, then a wildcard domain (the more
    labels, the more specific), then the star."""
    kind = kind_of(pattern)
    labels = pattern.count(".") if kind == Kind.WILDCARD else 0
    return (int(kind), labels)


def _best(patterns: Iterable[str], address: str) -> Specificity | None:
    """The specificity of the most specific pattern matching `address`; None if none does."""
    return max((specificity(p) for p in patterns if matches(p, address)), default=None)


def evaluate[R: Rule](
    rules: Iterable[R], *, direction: str, sender: str, recipient: str
) -> R | None:
    """The rule whose action applies to an email message from `sender` to `recipient`, of
    `rules` (all of `direction`); None when none matches, and the Default action applies."""
    precedence = {action: index for index, action in enumerate(ACTIONS[direction])}
    candidates = []
    for rule in rules:
        by_sender = _best(rule.sender_patterns, sender)
        by_destination = _best(rule.destination_patterns, recipient)
        if by_sender is None or by_destination is None:
            continue
        order = (by_sender, by_destination, -precedence[rule.action])
        candidates.append((order, rule.rule_name.lower(), rule))
    if not candidates:
        return None
    best = max(order for order, _, _ in candidates)
    tied = [(name, rule) for order, name, rule in candidates if order == best]
    return min(tied, key=lambda tie: tie[0])[1]  # among equals, the first name
