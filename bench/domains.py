"""Benchmark: one verification pass over 10,000 domains through the project's DNS server.

Bulk-loads DOMAINS mail domains (default 10,000), each with its records stored and its public
hosted zone in the emulated Route 53; half the zones hold every record WorkMail asks for, the
other half only their SOA and NS and a wrong MX. Then, against `manage.py dnsserver` on a free
loopback port (its own process, as under `make run`):

pass        domains.dns_checks.check_due in batches of WORKMAIL_DNS_CHECK_BATCH, as beat's chain
            of tasks runs them: the asyncio resolver, WORKMAIL_DNS_CONCURRENCY domains at once,
            reading and writing the database; checks/s, and p50/p95 of one domain's queries (one
            per name and type its records have: 10 for a domain today)
floor       dig-style: dnspython's blocking resolver, one query after another, on a sample of
            SAMPLE domains (default 500), extrapolated to all of them

The target is the whole pass under 60 s. It is a measurement, not a test; it checks only that
the pass verified the correct half and no more. It makes its own database `<name>_dnsbench`
beside DATABASE_URL's and drops it at the end. Run it with `make bench`, or:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workmail_console \\
    .venv/bin/python bench/domains.py [--domains N] [--sample S]

Progress goes to stderr, the table to stdout.
"""

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/domains.py` from anywhere

from bench.databases import bench_database_url, recreate_database  # noqa: E402

REGION = "us-east-1"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(domains: int) -> None:
    """One account and organization; DOMAINS domains with their records, zones and record sets,
    in bulk (the 100-domain limit is the console's, not this table's)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from domains.models import DomainRecord, MailDomain
    from domains.records import PENDING_KINDS, new_dkim_tokens, new_ownership_token
    from domains.services import mail_domain_record_sets
    from organizations.lifecycle import State
    from organizations.models import Organization
    from route53.models import (
        DomainRegistration,
        HostedZone,
        RegistrationStatus,
        ResourceRecordSet,
    )
    from route53.services import SOA_TIMERS
    from workmail_console.models import Account

    now = timezone.now()
    with transaction.atomic():
        account = Account.objects.create(account_id="111122223333")
        organization = Organization.objects.create(
            account=account, region=REGION, alias="dnsbench", state=State.ACTIVE
        )
        zones = HostedZone.objects.bulk_create(
            [HostedZone(account=account, name=f"d{n:05}.bench.example") for n in range(domains)],
            batch_size=5000,
        )
        mail_domains = MailDomain.objects.bulk_create(
            [
                MailDomain(
                    organization=organization,
                    region=REGION,
                    name=zone.name,
                    hosted_zone=zone,
                    ownership_token=new_ownership_token(),
                    dkim_tokens=new_dkim_tokens(),
                    created_date=now,
                    next_check_at=now,
                )
                for zone in zones
            ],
            batch_size=5000,
        )
        records, record_sets = [], []
        for n, domain in enumerate(mail_domains):
            for record in domain.expected_records():
                status = "PENDING" if record.kind in PENDING_KINDS else "MISSING"
                records.append(
                    DomainRecord(
                        domain=domain,
                        kind=record.kind,
                        group=record.group,
                        type=record.type,
                        hostname=record.hostname,
                        value=record.value,
                        status=status,
                    )
                )
            zone = domain.hosted_zone
            servers = [f"{server}." for server in zone.name_servers]
            record_sets += [
                ResourceRecordSet(
                    zone=zone, name=zone.name, type="SOA", ttl=900,
                    values=[f"{servers[0]} awsdns-hostmaster.amazon.com. {SOA_TIMERS}"],
                ),
                ResourceRecordSet(zone=zone, name=zone.name, type="NS", ttl=172800,
                                  values=servers),
            ]  # fmt: skip
            if n % 2 == 0:  # the correct half
                record_sets += [
                    ResourceRecordSet(
                        zone=zone, name=s.name, type=s.type, ttl=s.ttl, values=list(s.values)
                    )
                    for s in mail_domain_record_sets(domain)
                ]
            else:
                record_sets.append(
                    ResourceRecordSet(
                        zone=zone,
                        name=zone.name,
                        type="MX",
                        ttl=300,
                        values=["10 mx.elsewhere.example."],
                    )
                )
        # Each zone is the first of its name: the registry delegates the name to it.
        DomainRegistration.objects.bulk_create(
            [
                DomainRegistration(
                    account=account, name=zone.name, registered=False, zone=zone,
                    name_servers=zone.name_servers, status=RegistrationStatus.SUCCESSFUL,
                )
                for zone in zones
            ],
            batch_size=5000,
        )  # fmt: skip
        DomainRecord.objects.bulk_create(records, batch_size=5000)
        ResourceRecordSet.objects.bulk_create(record_sets, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would, before the planner meets 10,000 zones
    log(f"    {domains} domains, {len(records)} records, {len(record_sets)} record sets")


def start_dns_server(port: int) -> subprocess.Popen:
    import dns.message
    import dns.query

    server = subprocess.Popen(
        [sys.executable, "manage.py", "dnsserver", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "WORKMAIL_DNS_RATE_LIMIT": "0"},  # one client, 1,600 queries at once
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            dns.query.udp(dns.message.make_query("bench.example", "SOA"), "127.0.0.1",
                          port=port, timeout=0.5)  # fmt: skip
            return server
        except Exception:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("The DNS server did not start") from None
            time.sleep(0.2)


def full_pass() -> tuple[float, list[float], int]:
    """(seconds, per-domain seconds, domains checked): check_due until nothing is due."""
    from domains import dns_checks, verification

    per_domain: list[float] = []
    check_one = verification.check_one

    async def timed(*args: object, **kwargs: object) -> list:
        started = time.perf_counter()
        try:
            return await check_one(*args, **kwargs)
        finally:
            per_domain.append(time.perf_counter() - started)

    verification.check_one = timed
    checked = 0
    started = time.perf_counter()
    try:
        while batch := dns_checks.check_due():
            checked += batch
            log(f"    {checked} checked, {time.perf_counter() - started:.1f} s")
    finally:
        verification.check_one = check_one
    return time.perf_counter() - started, per_domain, checked


def floor(port: int, sample: int) -> tuple[float, list[float]]:
    """(seconds, per-domain seconds) for `sample` domains, one blocking query after another."""
    import dns.resolver

    from domains.models import DomainRecord

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], port
    resolver.cache = None
    by_domain: dict[int, list[tuple[str, str]]] = {}
    rows = DomainRecord.objects.order_by("domain_id", "pk").values_list(
        "domain_id", "hostname", "type"
    )
    for domain_id, hostname, rtype in rows:
        if len(by_domain) == sample and domain_id not in by_domain:
            break
        by_domain.setdefault(domain_id, []).append((hostname, rtype))
    per_domain = []
    started = time.perf_counter()
    for questions in by_domain.values():
        one = time.perf_counter()
        for hostname, rtype in questions:
            with contextlib.suppress(dns.resolver.NXDOMAIN):
                resolver.resolve(hostname, rtype, raise_on_no_answer=False, search=False)
        per_domain.append(time.perf_counter() - one)
    return time.perf_counter() - started, per_domain


def p(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()

    database_url, maintenance_url, database = bench_database_url("dnsbench")
    log(f"==> Database {database}: created and migrated")
    recreate_database(maintenance_url, database)
    server = None
    try:
        from tests.processes import free_port

        port = free_port()
        # As `make run` has it: no WORKMAIL_DNS_NAMESERVERS, so the emulated Route 53's domains
        # are asked of the project's DNS server (WORKMAIL_DNS_SERVER), here on a port of its own.
        os.environ.update(
            DATABASE_URL=database_url, WORKMAIL_DNS_NAMESERVERS="",
            WORKMAIL_DNS_SERVER=f"127.0.0.1:{port}",
            DJANGO_SETTINGS_MODULE="workmail_console.settings", LOG_LEVEL="WARNING",
        )  # fmt: skip
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"]
        subprocess.run(migrate, cwd=ROOT, check=True)
        import django

        django.setup()
        from django.conf import settings

        from domains.models import MailDomain

        log(f"==> Seeding {args.domains} domains, half with correct records")
        started = time.perf_counter()
        seed(args.domains)
        log(f"    {time.perf_counter() - started:.1f} s")
        log(f"==> DNS server (manage.py dnsserver) on 127.0.0.1 port {port}")
        server = start_dns_server(port)

        log("==> Full pass: domains.dns_checks.check_due in batches")
        seconds, per_domain, checked = full_pass()
        verified = MailDomain.objects.filter(ownership_status="VERIFIED", dkim_status="VERIFIED")
        if verified.count() != args.domains // 2 + args.domains % 2 or checked != args.domains:
            raise SystemExit(f"Wrong pass: {verified.count()} verified, {checked} checked")

        log(f"==> Floor: blocking dnspython resolver, {args.sample} domains one query at a time")
        floor_seconds, floor_per_domain = floor(port, args.sample)
        floor_total = floor_seconds * args.domains / len(floor_per_domain)

        from domains.models import DomainRecord

        questions = DomainRecord.objects.values_list("hostname", "type").distinct().count()
        print()
        print(
            f"Verification pass over {args.domains:,} domains ({questions:,} DNS questions)"
            f" through manage.py dnsserver on loopback; PostgreSQL; {platform.python_version()},"
            f" {os.cpu_count()} CPUs; concurrency {settings.WORKMAIL_DNS_CONCURRENCY},"
            f" batches of {settings.WORKMAIL_DNS_CHECK_BATCH}"
        )
        print()
        print("| Method | Whole pass (s) | Checks/s | p50 per domain (ms) | p95 per domain (ms) |")
        print("|---|---:|---:|---:|---:|")
        print(
            f"| check_due (asyncio, bounded) | {seconds:.1f} | {args.domains / seconds:,.0f} |"
            f" {p(per_domain, 50) * 1000:.1f} | {p(per_domain, 95) * 1000:.1f} |"
        )
        print(
            f"| blocking resolver, sequential ({len(floor_per_domain)} measured,"
            f" extrapolated) | {floor_total:.1f} | {args.domains / floor_total:,.0f} |"
            f" {p(floor_per_domain, 50) * 1000:.1f} | {p(floor_per_domain, 95) * 1000:.1f} |"
        )
        print()
        verdict = "met" if seconds < 60 else "NOT met"
        print(f"Target: whole pass under 60 s: {verdict} ({seconds:.1f} s).")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, database, create=False)


if __name__ == "__main__":
    main()
