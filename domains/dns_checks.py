"""Running verification (domains.verification) on stored domains and writing what it found.

A check reads the domains and their DomainRecord rows (two queries), asks DNS for every record
of every domain concurrently, and writes the results back with two bulk updates. A record whose
answer never came (timeout, dead resolver) keeps its status and its last check time; its domain
is checked again soon.
"""

import asyncio
import logging
import random
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from dns.asyncresolver import Resolver

from domains import verification
from domains.models import DomainRecord, MailDomain, RecordStatus, VerificationStatus
from domains.records import Kind
from domains.verification import Expected, Finding
from route53 import registry
from workmail_console.errors import InvalidParameterException

log = logging.getLogger(__name__)

DKIM_KINDS = (Kind.DKIM1, Kind.DKIM2, Kind.DKIM3)
JITTER = 0.2  # the next check comes up to a fifth of its interval later, at random


def check_domain(domain_pk: int) -> str | None:
    """Verify now: check one domain at once; its ownership status after (None: no such domain,
    or a test domain, which has nothing to check)."""
    domains = list(MailDomain.objects.filter(pk=domain_pk, is_test_domain=False))
    _check(domains)
    return domains[0].ownership_status if domains else None


def due() -> "Q":
    """The domains beat should check now: next check due, or Verify now asked."""
    return Q(next_check_at__lte=timezone.now()) | Q(check_requested_at__isnull=False)


def check_due(batch: int | None = None) -> int:
    """Check up to `batch` (WORKMAIL_DNS_CHECK_BATCH) due domains, the longest overdue first;
    how many were checked. A checked domain is not due again for minutes at least, so calling
    this again takes the next batch."""
    batch = batch or settings.WORKMAIL_DNS_CHECK_BATCH
    domains = list(
        MailDomain.objects.filter(due(), is_test_domain=False).order_by(
            "-check_requested_at", "next_check_at", "pk"
        )[:batch]
    )
    _check(domains)
    return len(domains)


def _check(domains: Sequence[MailDomain]) -> None:
    if not domains:
        return
    records: dict[int, list[DomainRecord]] = {domain.pk: [] for domain in domains}
    for record in DomainRecord.objects.filter(domain__in=list(records)).order_by("pk"):
        records[record.domain_id].append(record)
    now = timezone.now()
    work = [
        (
            domain.pk,
            [Expected(r.kind, r.type, r.hostname, r.value) for r in records[domain.pk]],
            verification.window_passed(domain.created_date, now),
        )
        for domain in domains
    ]
    findings = _run(_ask(work, resolvers_for([domain.name for domain in domains])))
    checked_at = timezone.now()
    changed_records = []
    for domain in domains:
        domain_findings = findings.get(domain.pk) or [Finding(None, "")] * len(records[domain.pk])
        for record, finding in zip(records[domain.pk], domain_findings, strict=True):
            if finding.status is not None:
                record.status, record.found, record.checked_at = (
                    finding.status, finding.found, checked_at,
                )  # fmt: skip
                changed_records.append(record)
        unanswered = any(finding.status is None for finding in domain_findings)
        _roll_up(domain, records[domain.pk], checked_at, unanswered=unanswered)
    with transaction.atomic():
        _update(DomainRecord, changed_records, ["status", "found", "checked_at"])
        _update(MailDomain, domains, ["ownership_status", "dkim_status", "checked_at",
                                      "check_requested_at", "next_check_at"])  # fmt: skip


def resolvers_for(names: Sequence[str]) -> list[tuple[Resolver | None, list[int]]]:
    """Which resolver asks for which of `names` (by index; None: the configured one): the names
    the emulated Route 53 holds go to the project's DNS server (WORKMAIL_DNS_SERVER), the rest to
    the system's resolvers. WORKMAIL_DNS_NAMESERVERS, when set, is asked for all of them."""
    everything = list(range(len(names)))
    if settings.WORKMAIL_DNS_NAMESERVERS or not settings.WORKMAIL_DNS_SERVER:
        return [(None, everything)]
    held = registry.held(names)
    ours = [index for index in everything if names[index] in held]
    theirs = [index for index in everything if names[index] not in held]
    groups: list[tuple[Resolver | None, list[int]]] = [(None, theirs)]
    if ours:
        try:
            server = verification.parse_nameservers(settings.WORKMAIL_DNS_SERVER)
            groups.append((verification.make_resolver(server), ours))
        except InvalidParameterException as error:  # not up yet (Compose), or misspelt
            log.warning("%s; the emulated Route 53's domains are checked later", error.message)
    return [(resolver, indexes) for resolver, indexes in groups if indexes]


async def _ask(
    work: list, groups: list[tuple[Resolver | None, list[int]]]
) -> dict[object, list[Finding]]:
    """check_many for each group of `work` (resolvers_for), at once."""
    asked = [
        verification.check_many([work[index] for index in indexes], resolver=resolver)
        for resolver, indexes in groups
    ]
    findings: dict[object, list[Finding]] = {}
    for found in await asyncio.gather(*asked):
        findings.update(found)
    return findings


def _run[T](coroutine: Coroutine[object, object, T]) -> T:
    """asyncio.run, also from a thread that already runs an event loop (an async view,
    Playwright's sync API): there, in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _roll_up(
    domain: MailDomain, records: list[DomainRecord], now: datetime, *, unanswered: bool
) -> None:
    """The domain's statuses from its records' (unanswered ones as they were), and its next
    check: soon when DNS did not answer, often while pending, rarely once settled."""
    by_kind = {record.kind: record.status for record in records}
    if Kind.OWNERSHIP in by_kind:
        domain.ownership_status = by_kind[Kind.OWNERSHIP]
    dkim = [by_kind.get(kind) for kind in DKIM_KINDS]
    if all(status == RecordStatus.VERIFIED for status in dkim):
        domain.dkim_status = VerificationStatus.VERIFIED
    elif any(status == RecordStatus.FAILED for status in dkim):
        domain.dkim_status = VerificationStatus.FAILED
    elif all(status is not None for status in dkim):
        domain.dkim_status = VerificationStatus.PENDING
    if not unanswered:
        domain.checked_at = now
    domain.check_requested_at = None
    if unanswered:
        interval = settings.WORKMAIL_DNS_RECHECK_UNANSWERED
    elif domain.ownership_status == VerificationStatus.PENDING:
        interval = settings.WORKMAIL_DNS_RECHECK_PENDING
    else:
        interval = settings.WORKMAIL_DNS_RECHECK_VERIFIED
    domain.next_check_at = now + timedelta(seconds=interval * (1 + random.uniform(0, JITTER)))


UPDATE_CHUNK = 5000


def _update(model: type, objects: Sequence, fields: list[str]) -> None:
    """bulk_update, as PostgreSQL's UPDATE ... FROM (VALUES ...): Django's bulk_update spent
    9 s of Python building CASE WHEN expressions for a batch of 2,000 domains' 16,000 records."""
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=500)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    row = "(" + ", ".join(f"%s::{column.db_type(connection)}" for column in columns) + ")"
    names = ", ".join(connection.ops.quote_name(column.column) for column in columns)
    sets = ", ".join(
        f"{connection.ops.quote_name(c.column)} = v.{connection.ops.quote_name(c.column)}"
        for c in columns[1:]
    )
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), UPDATE_CHUNK):
            chunk = objects[start : start + UPDATE_CHUNK]
            params = [
                column.get_db_prep_save(getattr(obj, column.attname), connection)
                for obj in chunk
                for column in columns
            ]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join([row] * len(chunk))})"
                f" AS v({names}) WHERE t.{pk} = v.{pk}",
                params,
            )
