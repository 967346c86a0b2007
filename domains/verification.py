"""Checking a domain's records in DNS (dnspython's asyncio resolver), many domains at once.

What a record's status means (add_domain.md): ownership, DKIM and the MAIL FROM TXT are
Verified when found, Pending until WORKMAIL_DNS_VERIFY_WINDOW has passed since the domain was added
and Failed after; the MXs (WorkMail's and the MAIL FROM domain's), AutoDiscover, SPF and DMARC are
Verified when found as asked, Missing when the name has no such record (NXDOMAIN or no answer),
Inconsistent when it has another value. A timeout or a dead resolver is never an answer: the
record keeps its status and is asked again soon.

SPF (the domain's and the MAIL FROM domain's) and DMARC are read for their meaning, as mail
servers read them, not compared as text; a policy at least as strict as WorkMail's counts (the
MAIL FROM TXT says Pending, then Failed, where SPF says Missing or Inconsistent):
- SPF (RFC 7208): the name's one TXT starting `v=spf1` (two are a PermError: Inconsistent) must
  pass every mechanism WorkMail asks for (`include:amazonses.com`, anywhere, beside other
  providers') and end with an `all` at least as strict as its `~all`: `-all` counts, `?all` and
  `+all` don't. A term that is neither a mechanism nor a modifier breaks the record.
- DMARC (RFC 7489): the name's one TXT starting `v=DMARC1` (two: no policy applies, Inconsistent),
  read as `tag=value` pairs separated by `;`, in any order and spacing. `p` must be at least as
  strict as WorkMail's (quarantine or reject), `fo` must hold WorkMail's options (`1`, with others
  if you like), and each other tag WorkMail asks for (`pct=100`) must have its value, the RFC's
  default standing in when absent; tags WorkMail doesn't ask for (rua, sp, ...) are free.
Case is ignored throughout, and a TXT record that is not SPF (or not DMARC) is not looked at.
"""

import asyncio
import ipaddress
import logging
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver
from django.conf import settings

from domains.records import PENDING_KINDS, Kind
from workmail_console.errors import InvalidParameterException

log = logging.getLogger(__name__)

VERIFIED, PENDING, FAILED = "VERIFIED", "PENDING", "FAILED"
MISSING, INCONSISTENT = "MISSING", "INCONSISTENT"
FOUND_LIMIT = 1024


class TryAgain(Exception):
    """No answer (timeout, resolver down, SERVFAIL): nothing is known about the record."""

    def __init__(self, message: str, *, timed_out: bool) -> None:
        super().__init__(message)
        self.timed_out = timed_out


@dataclass(frozen=True)
class Expected:
    """A record to look for: its kind, DNS type, hostname and the value WorkMail asks for."""

    kind: str
    type: str
    hostname: str
    value: str


@dataclass(frozen=True)
class Finding:
    status: str | None  # None: unknown (try again); the record keeps what it had
    found: str
    timed_out: bool = False  # unknown because nothing answered in time


def parse_nameservers(setting: str) -> list[tuple[str, int]]:
    """WORKMAIL_DNS_NAMESERVERS: comma-separated `host` or `host:port` (`[v6]:port` too)."""
    servers = []
    for item in (part.strip() for part in setting.split(",")):
        if not item:
            continue
        host, port = item, 53
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            if rest.startswith(":"):
                port = _port(rest[1:], item)
        elif item.count(":") == 1:
            host, raw = item.split(":")
            port = _port(raw, item)
        servers.append((host, port))
    return servers


def _port(raw: str, item: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise InvalidParameterException(f"WORKMAIL_DNS_NAMESERVERS: bad port in {item!r}.")
    return int(raw)


def make_resolver(
    nameservers: Sequence[tuple[str, int]] | None = None, *, timeout: float | None = None
) -> dns.asyncresolver.Resolver:
    """A resolver for the configured servers (the system's when none are configured)."""
    if nameservers is None:
        nameservers = parse_nameservers(settings.WORKMAIL_DNS_NAMESERVERS)
    timeout = settings.WORKMAIL_DNS_TIMEOUT if timeout is None else timeout
    resolver = dns.asyncresolver.Resolver(configure=not nameservers)
    if nameservers:
        resolver.nameservers = [
            dns.nameserver.Do53Nameserver(_address(host), port) for host, port in nameservers
        ]
    resolver.timeout = resolver.lifetime = timeout
    resolver.cache = None
    return resolver


def _address(host: str) -> str:
    """An IP address as it is; a host name (Compose's `dns`) looked up once, here."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            return socket.getaddrinfo(host, None, proto=socket.IPPROTO_UDP)[0][4][0]
        except OSError as error:
            raise InvalidParameterException(f"DNS server {host!r} not found: {error}") from None
    return host


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


async def _answers(resolver: dns.asyncresolver.Resolver, name: str, rdtype: str) -> list | None:
    """The rdata found, or None when the name has no such record; TryAgain when unknown."""
    try:
        answer = await resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except dns.exception.Timeout as error:  # LifetimeTimeout too
        raise TryAgain(str(error), timed_out=True) from None
    except (dns.exception.DNSException, OSError) as error:  # SERVFAIL, REFUSED, unreachable
        raise TryAgain(str(error), timed_out=False) from None
    if answer.rrset is None:
        return None
    # A CNAME asked for as TXT/MX is followed by the resolver; keep the type asked for only.
    return [rdata for rdata in answer.rrset if rdata.rdtype == dns.rdatatype.from_text(rdtype)]


def _text(rdata) -> str:
    """A TXT record's strings joined, as one value (a long TXT arrives split in 255-byte parts)."""
    return b"".join(rdata.strings).decode("utf-8", "replace")


SPF_MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
SPF_MODIFIER = re.compile(r"[a-z][a-z0-9_.-]*=.*")
SPF_QUALIFIERS = "+?~-"  # from the most lenient to the strictest
DMARC_POLICIES = ("none", "quarantine", "reject")  # from the most lenient to the strictest
DMARC_DEFAULTS = {"pct": "100", "fo": "0"}  # RFC 7489 §6.3


def _is_spf(text: str) -> bool:
    """RFC 7208 §4.5: an SPF record starts with `v=spf1`, then a space or its end."""
    return text.lower().split()[:1] == ["v=spf1"]


def _spf_mechanisms(text: str) -> list[tuple[str, str]] | None:
    """An SPF record's mechanisms in order, as (qualifier, mechanism) in lower case without a
    domain's trailing dot, modifiers (`exp=...`) left out; None when a term is neither."""
    mechanisms = []
    for term in text.lower().split()[1:]:
        qualifier, body = (term[0], term[1:]) if term[0] in SPF_QUALIFIERS else ("+", term)
        if re.split("[:/]", body, maxsplit=1)[0] in SPF_MECHANISMS:
            mechanisms.append((qualifier, body.rstrip(".")))
        elif not SPF_MODIFIER.fullmatch(term):
            return None
    return mechanisms


def _spf_agrees(found: str, asked: str) -> bool:
    """Every mechanism asked for but `all` passes before the record's first `all` (what follows
    it is never reached), and that `all` is at least as strict as the one asked for."""
    have, want = _spf_mechanisms(found) or [], _spf_mechanisms(asked)
    names = [mechanism for _, mechanism in have]
    if not want or "all" not in names:
        return False
    end = names.index("all")
    *wanted, (asked_all, _) = want
    stricter = SPF_QUALIFIERS.index(have[end][0]) >= SPF_QUALIFIERS.index(asked_all)
    return stricter and set(wanted) <= set(have[:end])


def _dmarc_tags(text: str) -> dict[str, str] | None:
    """A DMARC record's tag=value pairs, separated by `;`, names and values in lower case and
    stripped; None when a pair has no `=` or a tag comes twice."""
    tags: dict[str, str] = {}
    for pair in filter(str.strip, text.split(";")):  # a trailing `;` is allowed
        name, equals, value = (part.strip().lower() for part in pair.partition("="))
        if not equals or not name or name in tags:
            return None
        tags[name] = value
    return tags


def _is_dmarc(text: str) -> bool:
    """RFC 7489 §6.6.3: a DMARC record starts with its `v=DMARC1` tag."""
    name, _, value = text.split(";", 1)[0].partition("=")
    return (name.strip().lower(), value.strip().lower()) == ("v", "dmarc1")


def _dmarc_agrees(found: str, asked: str) -> bool:
    """`p` at least as strict as asked, `fo` with every option asked, and every other tag asked
    for with its value (the RFC's default when absent)."""
    have, want = _dmarc_tags(found), _dmarc_tags(asked)
    if have is None or want is None:
        return False
    for tag, wanted in want.items():
        value = have.get(tag, DMARC_DEFAULTS.get(tag))
        if tag == "p":
            agrees = value in DMARC_POLICIES and (
                DMARC_POLICIES.index(value) >= DMARC_POLICIES.index(wanted)
            )
        elif tag == "fo":
            agrees = set(wanted.split(":")) <= {option.strip() for option in value.split(":")}
        else:
            agrees = value == wanted
        if not agrees:
            return False
    return True


# How each policy TXT is told apart from the name's other TXT records, and whether it means what
# WorkMail asks.
POLICY_RECORDS = {
    Kind.SPF: (_is_spf, _spf_agrees),
    Kind.MAIL_FROM_TXT: (_is_spf, _spf_agrees),
    Kind.DMARC: (_is_dmarc, _dmarc_agrees),
}


def _policy_status(expected: Expected, texts: list[str]) -> str:
    """SPF or DMARC: Missing without one on the name, Inconsistent with two (RFC 7208's
    PermError; RFC 7489 applies no policy) or with one that means something else."""
    is_one, agrees = POLICY_RECORDS[expected.kind]
    records = [text for text in texts if is_one(text)]
    if not records:
        return MISSING
    if len(records) > 1:
        return INCONSISTENT
    return VERIFIED if agrees(records[0], expected.value) else INCONSISTENT


def judge(expected: Expected, rdatas: list | None, *, window_passed: bool) -> Finding:
    """What one record's answer means for its status."""
    pending_kind = expected.kind in PENDING_KINDS
    not_found = FAILED if window_passed else PENDING
    if not rdatas:
        return Finding(not_found if pending_kind else MISSING, "")
    if expected.type == "TXT":
        texts = [_text(rdata) for rdata in rdatas]
        found = " | ".join(texts)[:FOUND_LIMIT]
        if expected.kind == Kind.OWNERSHIP:
            return Finding(VERIFIED if expected.value in texts else not_found, found)
        status = _policy_status(expected, texts)
        return Finding(not_found if pending_kind and status != VERIFIED else status, found)
    if expected.type == "MX":
        values = [f"{rdata.preference} {_norm(rdata.exchange.to_text())}" for rdata in rdatas]
        found = ", ".join(values)[:FOUND_LIMIT]
        return Finding(VERIFIED if _norm(expected.value) in values else INCONSISTENT, found)
    targets = [_norm(rdata.target.to_text()) for rdata in rdatas]  # CNAME
    found = ", ".join(targets)[:FOUND_LIMIT]
    if _norm(expected.value) in targets:
        return Finding(VERIFIED, found)
    return Finding(not_found if pending_kind else INCONSISTENT, found)


async def check_one(
    resolver: dns.asyncresolver.Resolver, records: Sequence[Expected], *, window_passed: bool
) -> list[Finding]:
    """Every record of one domain, asked at once; one Finding per record, in order."""

    async def one(expected: Expected) -> Finding:
        try:
            rdatas = await _answers(resolver, expected.hostname, expected.type)
        except TryAgain as unknown:
            return Finding(None, "", timed_out=unknown.timed_out)
        return judge(expected, rdatas, window_passed=window_passed)

    return list(await asyncio.gather(*(one(expected) for expected in records)))


async def check_many(
    domains: Iterable[tuple[object, Sequence[Expected], bool]],
    *,
    resolver: dns.asyncresolver.Resolver | None = None,
    concurrency: int | None = None,
) -> dict[object, list[Finding]]:
    """Check many domains with at most `concurrency` of them in flight: {key: findings}.

    When the first domains to finish got no answer at all in time, the resolver is taken for
    dead: the domains still waiting are not asked (their findings are all unknown), so a dead
    resolver costs one timeout, not one per round of `concurrency` domains."""
    resolver = resolver or make_resolver()
    limit = asyncio.Semaphore(concurrency or settings.WORKMAIL_DNS_CONCURRENCY)
    results: dict[object, list[Finding]] = {}
    answered = dead = False

    async def bounded(key: object, records: Sequence[Expected], window_passed: bool) -> None:
        nonlocal answered, dead
        async with limit:
            if dead:
                results[key] = [Finding(None, "")] * len(records)
                return
            findings = await check_one(resolver, records, window_passed=window_passed)
            results[key] = findings
            if any(finding.status is not None for finding in findings):
                answered = True
            elif records and not answered and all(finding.timed_out for finding in findings):
                dead = True

    await asyncio.gather(*(bounded(*domain) for domain in domains))
    if dead:
        log.warning("DNS did not answer (%s); the checks are retried later", resolver.nameservers)
    return results


def window_passed(created: datetime, now: datetime) -> bool:
    return now - created > timedelta(hours=settings.WORKMAIL_DNS_VERIFY_WINDOW_HOURS)
