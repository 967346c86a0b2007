"""The alias rule (API shape OrganizationName), written once for the console and the API."""

import re

from workmail_console.errors import InvalidParameterException

ALIAS_MAX_LENGTH = 62
ALIAS_TOO_LONG = f"The alias can be up to {ALIAS_MAX_LENGTH} characters long."
# The API's OrganizationName pattern; the d- prefix is refused in either case (D-abc would still
# name d-abc.awsapps.com, since the test domain is lower case).
ALIAS_PATTERN = re.compile(r"^(?![dD]-)([\da-zA-Z]+)([-][\da-zA-Z]+)*$", re.ASCII)


def validate_alias_format(alias: str) -> str:
    """The alias as given, or InvalidParameterException saying what is wrong with it."""
    if not alias:
        raise InvalidParameterException("Enter an alias for your organization.", field="alias")
    if len(alias) > ALIAS_MAX_LENGTH:
        raise InvalidParameterException(ALIAS_TOO_LONG, field="alias")
    if alias[:2].lower() == "d-":
        raise InvalidParameterException(
            "The alias can't begin with d-. That prefix is reserved for directory IDs.",
            field="alias",
        )
    if not ALIAS_PATTERN.fullmatch(alias):
        raise InvalidParameterException(
            "The alias can contain only letters (a-z, A-Z), numbers (0-9) and single hyphens (-),"
            " and can't begin or end with a hyphen.",
            field="alias",
        )
    return alias
