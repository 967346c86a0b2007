"""The DNS records WorkMail asks for on a domain (workmail-console.md §1.2), made once per domain
and stored: the tokens are random, so the records can't be recomputed later."""

import base64
import secrets
from dataclasses import dataclass
from enum import StrEnum

TTL = 3600  # "Set the TTL of the MX and autodiscover CNAME records to 3600"
SPF = "v=spf1 include:amazonses.com ~all"
DMARC = "v=DMARC1;p=quarantine;pct=100;fo=1"
DKIM_TOKENS = 3
# The custom MAIL FROM domain's label under the domain (Improved email delivery). SES lets the
# owner choose it and AWS calls `mail.<domain>` the common choice: ours, fixed, for every domain.
MAIL_FROM_SUBDOMAIN = "mail"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


class Group(StrEnum):
    """The console's four sections of a domain's records page, in its order."""

    OWNERSHIP = "Domain ownership"
    CONFIGURATION = "WorkMail configuration"
    SECURITY = "Improved security"
    DELIVERY = "Improved email delivery"


class Kind(StrEnum):
    OWNERSHIP = "ownership"
    MX = "mx"
    AUTODISCOVER = "autodiscover"
    DKIM1 = "dkim1"
    DKIM2 = "dkim2"
    DKIM3 = "dkim3"
    SPF = "spf"
    DMARC = "dmarc"
    MAIL_FROM_TXT = "mailfrom_txt"
    MAIL_FROM_MX = "mailfrom_mx"


# Which vocabulary each record's status uses (add_domain.md): Verified/Pending/Failed for what
# proves ownership, signs mail or authorises the MAIL FROM domain (it may still be on its way),
# Verified/Missing/Inconsistent for the rest.
PENDING_KINDS = frozenset({Kind.OWNERSHIP, Kind.DKIM1, Kind.DKIM2, Kind.DKIM3, Kind.MAIL_FROM_TXT})


@dataclass(frozen=True)
class Record:
    kind: Kind
    group: Group
    type: str  # TXT, MX, CNAME
    hostname: str  # fully qualified, no trailing dot
    value: str  # as the console shows it: TXT unquoted, MX "10 host"

    @property
    def zone_value(self) -> str:
        """The value in zone-file syntax: TXT quoted, names absolute."""
        if self.type == "TXT":
            return '"' + self.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return self.value + "."


def new_ownership_token() -> str:
    """An SES verification token: 32 random bytes, base64 (44 characters)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_dkim_tokens() -> list[str]:
    """Three Easy DKIM tokens: 32 lower-case base32 characters each."""
    return ["".join(secrets.choice(_BASE32) for _ in range(32)) for _ in range(DKIM_TOKENS)]


def records_for(
    domain: str, *, region: str, ownership_token: str, dkim_tokens: list[str]
) -> list[Record]:
    """Every record WorkMail asks for on `domain`, grouped and ordered as the console lists them."""
    records = [
        Record(Kind.OWNERSHIP, Group.OWNERSHIP, "TXT", f"_amazonses.{domain}", ownership_token),
        Record(
            Kind.MX, Group.CONFIGURATION, "MX", domain, f"10 inbound-smtp.{region}.amazonaws.com"
        ),
        Record(
            Kind.AUTODISCOVER, Group.CONFIGURATION, "CNAME", f"autodiscover.{domain}",
            f"autodiscover.mail.{region}.awsapps.com",
        ),
    ]  # fmt: skip
    for kind, token in zip((Kind.DKIM1, Kind.DKIM2, Kind.DKIM3), dkim_tokens, strict=True):
        records.append(
            Record(
                kind,
                Group.SECURITY,
                "CNAME",
                f"{token}._domainkey.{domain}",
                f"{token}.dkim.amazonses.com",
            )
        )
    records += [
        Record(Kind.SPF, Group.SECURITY, "TXT", domain, SPF),
        Record(Kind.DMARC, Group.SECURITY, "TXT", f"_dmarc.{domain}", DMARC),
    ]
    mail_from = f"{MAIL_FROM_SUBDOMAIN}.{domain}"
    records += [
        Record(Kind.MAIL_FROM_TXT, Group.DELIVERY, "TXT", mail_from, SPF),
        Record(
            Kind.MAIL_FROM_MX, Group.DELIVERY, "MX", mail_from,
            f"10 feedback-smtp.{region}.amazonses.com",
        ),
    ]  # fmt: skip
    return records


def zone_file(domain: str, records: list[Record], *, ttl: int = TTL) -> str:
    """Copy all: the records as a zone file a DNS provider can import (absolute names)."""
    lines = [f"; Amazon WorkMail records for {domain}", f"$ORIGIN {domain}.", f"$TTL {ttl}"]
    lines += [f"{r.hostname}. {ttl} IN {r.type} {r.zone_value}" for r in records]
    return "\n".join(lines) + "\n"
