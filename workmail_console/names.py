"""What a domain name may be, for mail domains and Route 53 alike (WorkMailDomainName).

One rule for the neighbour Route 53 (hosted zones, registrations) and for WorkMail (mail domains,
the create form, addresses), so it sits below both.
"""

import re

from workmail_console.errors import InvalidParameterException

# AWS's own domain: every organization's test domain <alias>.awsapps.com is under it, and no one
# adds a mail domain, hosted zone or registration of a name there.
TEST_DOMAIN_SUFFIX = "awsapps.com"
DOMAIN_MIN, DOMAIN_MAX = 3, 209  # WorkMailDomainName
LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII)


def validate_domain_name(name: str) -> str:
    """The name in lower case without a trailing dot, or InvalidParameterException saying what
    is wrong, in the console's words."""
    if "\x00" in name:
        raise InvalidParameterException("Remove the null character.", field="domain_name")
    name = name.strip().rstrip(".").lower()
    if not name:
        raise InvalidParameterException("Enter a domain name.", field="domain_name")
    if not name.isascii():
        raise InvalidParameterException(
            "Domain names can contain only Basic Latin (ASCII) characters. For an"
            " internationalized name, enter its xn-- (Punycode) form.",
            field="domain_name",
        )
    if not DOMAIN_MIN <= len(name) <= DOMAIN_MAX:
        raise InvalidParameterException(
            f"The domain name must be {DOMAIN_MIN} to {DOMAIN_MAX} characters long.",
            field="domain_name",
        )
    labels = name.split(".")
    if len(labels) < 2 or not all(LABEL.fullmatch(label) for label in labels):
        raise InvalidParameterException(
            "Enter a domain name such as example.com: labels of 1 to 63 letters (a-z), numbers"
            " (0-9) and hyphens (-), separated by periods, not beginning or ending with a hyphen.",
            field="domain_name",
        )
    if labels[-1].isdigit():
        raise InvalidParameterException(
            "The last label of a domain name can't be all numbers.", field="domain_name"
        )
    if name == TEST_DOMAIN_SUFFIX or name.endswith("." + TEST_DOMAIN_SUFFIX):
        raise InvalidParameterException(
            f"Domains under {TEST_DOMAIN_SUFFIX} are Amazon WorkMail test domains; you can't add"
            " one.",
            field="domain_name",
        )
    return name
