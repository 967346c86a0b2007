"""The Directory Service field rules, written once for the console and the API.

Each function returns the value as it will be stored, or raises InvalidParameterException naming
the field and saying what is wrong in the console's words. The patterns are the Directory Service
API's (CreateDirectory, CreateMicrosoftAD, ConnectDirectory, CreateAlias).
"""

import ipaddress
import re

from workmail_console.errors import InvalidParameterException

DNS_NAME_MAX_LENGTH = 255
DNS_LABEL_PATTERN = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?", re.ASCII)
NETBIOS_MAX_LENGTH = 15
NETBIOS_TOO_LONG = f"The directory NetBIOS name can be up to {NETBIOS_MAX_LENGTH} characters long."
# The API's ShortName pattern: none of \ / : * ? " < > |, and not starting with a dot.
NETBIOS_FORBIDDEN = set('\\/:*?"<>|')
PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH = 8, 64
SERVICE_ACCOUNT_PASSWORD_MAX_LENGTH = 128
SERVICE_ACCOUNT_PASSWORD_TOO_LONG = (
    f"The service account password can be up to {SERVICE_ACCOUNT_PASSWORD_MAX_LENGTH} characters"
    " long."
)
SERVICE_ACCOUNT_USERNAME_MAX_LENGTH = 128
SERVICE_ACCOUNT_USERNAME_PATTERN = re.compile(r"[a-zA-Z0-9._-]+", re.ASCII)
MAX_DNS_IP_ADDRS = 2
ALIAS_MAX_LENGTH = 62
ALIAS_TOO_LONG = f"The alias can be up to {ALIAS_MAX_LENGTH} characters long."
# CreateAlias's pattern: letters and digits, hyphens between them, not starting with d-.
ALIAS_PATTERN = re.compile(r"(?![dD]-)[\da-zA-Z]+(-*[\da-zA-Z])*", re.ASCII)
ACCOUNT_ID_PATTERN = re.compile(r"\d{12}", re.ASCII)
# Regions a multi-Region directory's primary can be in (AWS Directory Service Regions).
AWS_REGIONS = [
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-1", "US West (N. California)"),
    ("us-west-2", "US West (Oregon)"),
    ("ca-central-1", "Canada (Central)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("sa-east-1", "South America (São Paulo)"),
]
PASSWORD_POLICY = (
    "Passwords must be between 8 and 64 characters in length and contain at least one character"
    " from three of the following four categories: lowercase letters (a-z), uppercase letters"
    " (A-Z), numbers (0-9), and nonalphanumeric characters (~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/)."
)


def _invalid(message: str, field: str) -> InvalidParameterException:
    return InvalidParameterException(message, field=field)


def validate_dns_name(name: str, *, field: str = "name") -> str:
    """Directory DNS name: a fully qualified domain name, such as corp.example.com."""
    if not name:
        raise _invalid("Enter the directory DNS name, such as corp.example.com.", field)
    labels = name.split(".")
    if (
        len(name) > DNS_NAME_MAX_LENGTH
        or len(labels) < 2
        or not all(DNS_LABEL_PATTERN.fullmatch(label) for label in labels)
    ):
        raise _invalid(
            "The directory DNS name must be a fully qualified domain name, such as"
            " corp.example.com: labels of letters, numbers and hyphens, separated by dots.",
            field,
        )
    return name


def validate_netbios_name(short_name: str, *, field: str = "short_name") -> str:
    """Directory NetBIOS name (optional): up to 15 characters, such as CORP."""
    if not short_name:
        return ""
    if len(short_name) > NETBIOS_MAX_LENGTH:
        raise _invalid(NETBIOS_TOO_LONG, field)
    if (
        short_name.startswith(".")
        or NETBIOS_FORBIDDEN & set(short_name)
        or not short_name.isprintable()
        or short_name.isspace()
    ):
        raise _invalid(
            "The directory NetBIOS name can't begin with a period or contain \\ / : * ? \" < > |.",
            field,
        )
    return short_name


def default_netbios_name(name: str) -> str:
    """What Directory Service uses without a NetBIOS name: the DNS name's first label."""
    return name.split(".", 1)[0].upper()[:NETBIOS_MAX_LENGTH]


def validate_admin_password(password: str, *, field: str = "admin_password") -> str:
    """Admin password: AWS's Active Directory policy (8-64 characters, 3 of 4 categories)."""
    if not password:
        raise _invalid("Enter an admin password.", field)
    categories = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() and not c.isspace() for c in password),
    ]
    length_ok = PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH
    if not length_ok or sum(categories) < 3:
        raise _invalid(PASSWORD_POLICY, field)
    return password


def validate_service_account_username(
    username: str, *, field: str = "service_account_username"
) -> str:
    """Service account username: the on-premises account AD Connector signs in with."""
    if not username:
        raise _invalid("Enter the service account username.", field)
    if len(username) > SERVICE_ACCOUNT_USERNAME_MAX_LENGTH or not (
        SERVICE_ACCOUNT_USERNAME_PATTERN.fullmatch(username)
    ):
        raise _invalid(
            "The service account username can contain only letters (a-z, A-Z), numbers (0-9),"
            " periods (.), underscores (_) and hyphens (-).",
            field,
        )
    return username


def validate_service_account_password(
    password: str, *, field: str = "service_account_password"
) -> str:
    """Service account password: the on-premises account's own, 1 to 128 characters."""
    if not password:
        raise _invalid("Enter the service account password.", field)
    if len(password) > SERVICE_ACCOUNT_PASSWORD_MAX_LENGTH:
        raise _invalid(SERVICE_ACCOUNT_PASSWORD_TOO_LONG, field)
    return password


def validate_dns_ip_addrs(addresses: list[str], *, field: str = "dns_ip_addrs") -> list[str]:
    """DNS IP addresses: one or two IPv4 addresses of the on-premises DNS servers."""
    addresses = [address for address in addresses if address]
    if not addresses:
        raise _invalid("Enter the IP address of at least one of your DNS servers.", field)
    if len(addresses) > MAX_DNS_IP_ADDRS:
        raise _invalid(f"Enter at most {MAX_DNS_IP_ADDRS} DNS IP addresses.", field)
    for address in addresses:
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            raise _invalid(
                f"{address[:40]} is not an IPv4 address, such as 192.0.2.10.", field
            ) from None
    if len(set(addresses)) != len(addresses):
        raise _invalid("Enter two different DNS IP addresses, or one.", field)
    return addresses


def validate_owner_account_id(
    owner_account_id: str, *, account_id: str, field: str = "owner_account_id"
) -> str:
    """A shared directory's owner: another AWS account (12 digits)."""
    if not ACCOUNT_ID_PATTERN.fullmatch(owner_account_id):
        raise _invalid("Enter the 12-digit ID of the AWS account that owns the directory.", field)
    if owner_account_id == account_id:
        raise _invalid(
            "A shared directory is owned by another AWS account. Enter that account's ID.", field
        )
    return owner_account_id


def validate_primary_region(
    primary_region: str, *, region: str, field: str = "primary_region"
) -> str:
    """A multi-Region directory's primary Region: another Region than the one it is seen in."""
    if primary_region not in dict(AWS_REGIONS):
        raise _invalid("Choose the Region of the directory's primary.", field)
    if primary_region == region:
        raise _invalid(
            f"A replicated directory's primary is in another Region than {region}.", field
        )
    return primary_region


def validate_directory_alias(alias: str, *, field: str = "alias") -> str:
    """Create alias: 1-62 letters, numbers and hyphens, not beginning with d-."""
    if not alias:
        raise _invalid("Enter an alias.", field)
    if len(alias) > ALIAS_MAX_LENGTH:
        raise _invalid(ALIAS_TOO_LONG, field)
    if alias[:2].lower() == "d-":
        raise _invalid(
            "The alias can't begin with d-. That prefix is reserved for directory IDs.", field
        )
    if not ALIAS_PATTERN.fullmatch(alias):
        raise _invalid(
            "The alias can contain only letters (a-z, A-Z), numbers (0-9) and hyphens (-), and"
            " can't begin or end with a hyphen.",
            field,
        )
    return alias
