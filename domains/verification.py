"""Checking a domain's records in DNS (dnspython's asyncio resolver), many domains at once.

What a record's status means (add_domain.md): ownership and DKIM are Verified when found,
Pending until WORKMAIL_DNS_VERIFY_WINDOW has passed since the domain was added and Failed after;
MX, AutoDiscover, SPF and DMARC are Verified when found as asked, Missing when the name has no
such record (NXDOMAIN or no answer), Inconsistent when it has another value. A timeout or a dead
resolver is never an answer: the record keeps its status and is asked again soon.
"""

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver
from django.conf import settings

from domains.records import Kind
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
        resolver.nameservers = [dns.nameserver.Do53Nameserver(h, p) for h, p in nameservers]
    resolver.timeout = resolver.lifetime = timeout
    resolver.cache = None
    return resolver


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


def _squash(value: str) -> str:
    return " ".join(value.split()).lower()


def judge(expected: Expected, rdatas: list | None, *, window_passed: bool) -> Finding:
    """What one record's answer means for its status."""
    pending_kind = expected.kind in (Kind.OWNERSHIP, Kind.DKIM1, Kind.DKIM2, Kind.DKIM3)
    not_found = FAILED if window_passed else PENDING
    if not rdatas:
        return Finding(not_found if pending_kind else MISSING, "")
    if expected.type == "TXT":
        texts = [_text(rdata) for rdata in rdatas]
        found = " | ".join(texts)[:FOUND_LIMIT]
        if expected.kind == Kind.OWNERSHIP:
            return Finding(VERIFIED if expected.value in texts else not_found, found)
        wanted = _squash(expected.value)
        prefix = wanted.split(";")[0].split(" ")[0]  # v=spf1, v=dmarc1
        relevant = [text for text in texts if _squash(text).startswith(prefix)]
        if any(_squash(text) == wanted for text in relevant):
            return Finding(VERIFIED, found)
        return Finding(INCONSISTENT if relevant else MISSING, found)
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
