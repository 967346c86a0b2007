"""Verification through real DNS: the project's own server on loopback, answering from the
emulated Route 53, checked by domains.dns_checks as beat and Verify now do."""

import socket
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domains import dns_checks
from domains.models import DomainRecord, MailDomain, RecordStatus, VerificationStatus
from domains.records import Kind, zone_file
from domains.services import mail_domain_record_sets, register_mail_domain
from route53.models import HostedZone
from route53.services import RecordSet, create_hosted_zone, upsert_record_sets
from tests.domains.zone_files import parse_zone_file
from tests.factories import active_organization
from tests.processes import free_port


@pytest.fixture
def resolve_with(settings):
    def point(server: tuple[str, int], timeout: float = 2) -> None:
        settings.WORKMAIL_DNS_NAMESERVERS = f"{server[0]}:{server[1]}"
        settings.WORKMAIL_DNS_TIMEOUT = timeout

    return point


@pytest.fixture
def domain(dns_server, resolve_with) -> MailDomain:
    """example.com, added to an Active organization, with its public hosted zone (empty)."""
    organization = active_organization()
    create_hosted_zone(account=organization.account, name="example.com")
    resolve_with(dns_server)
    return register_mail_domain(organization=organization, domain_name="example.com")


def put(domain: MailDomain, *sets: RecordSet) -> None:
    upsert_record_sets(HostedZone.objects.get(name=domain.name), sets)


def statuses(domain: MailDomain) -> dict[str, str]:
    return dict(DomainRecord.objects.filter(domain=domain).values_list("kind", "status"))


def test_a_domain_with_every_record_in_its_zone_is_verified(domain) -> None:
    put(domain, *mail_domain_record_sets(domain))
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.VERIFIED
    domain.refresh_from_db()
    assert (domain.ownership_status, domain.dkim_status) == ("VERIFIED", "VERIFIED")
    assert set(statuses(domain).values()) == {RecordStatus.VERIFIED}
    assert domain.checked_at is not None and domain.check_requested_at is None
    ownership = domain.records.get(kind=Kind.OWNERSHIP)
    assert ownership.found == domain.ownership_token and ownership.checked_at is not None


def test_a_verified_domain_is_checked_again_in_about_a_day(domain) -> None:
    put(domain, *mail_domain_record_sets(domain))
    dns_checks.check_domain(domain.pk)
    domain.refresh_from_db()
    wait = domain.next_check_at - domain.checked_at
    assert timedelta(hours=24) <= wait <= timedelta(hours=24 * 1.2)


def test_domains_checked_together_are_due_again_at_spread_out_times(domain, settings) -> None:
    for n in range(19):
        register_mail_domain(organization=domain.organization, domain_name=f"d{n}.example.com")
    assert dns_checks.check_due() == 20  # all pending: nothing in the zone
    interval = timedelta(seconds=settings.WORKMAIL_DNS_RECHECK_PENDING)
    waits = [
        d.next_check_at - d.checked_at for d in MailDomain.objects.filter(is_test_domain=False)
    ]
    assert all(interval <= wait <= interval * (1 + dns_checks.JITTER) for wait in waits)
    assert len(set(waits)) > 1, "every domain due again at the same moment: no jitter"


def test_without_the_ownership_txt_it_stays_pending_then_fails_after_the_window(domain) -> None:
    put(domain, *[s for s in mail_domain_record_sets(domain) if not s.name.startswith("_amazon")])
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.PENDING
    domain.refresh_from_db()
    assert statuses(domain)[Kind.OWNERSHIP] == RecordStatus.PENDING
    assert timedelta(minutes=5) <= domain.next_check_at - domain.checked_at <= timedelta(minutes=6)

    MailDomain.objects.filter(pk=domain.pk).update(
        created_date=timezone.now() - timedelta(hours=73)
    )
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.FAILED
    assert statuses(domain)[Kind.OWNERSHIP] == RecordStatus.FAILED
    assert MailDomain.objects.get(pk=domain.pk).dkim_status == VerificationStatus.VERIFIED


def test_missing_dkim_cnames_leave_dkim_pending_and_ownership_verified(domain) -> None:
    put(domain, *[s for s in mail_domain_record_sets(domain) if "_domainkey" not in s.name])
    dns_checks.check_domain(domain.pk)
    domain.refresh_from_db()
    assert (domain.ownership_status, domain.dkim_status) == ("VERIFIED", "PENDING")
    assert statuses(domain)[Kind.DKIM1] == RecordStatus.PENDING


def test_dkim_fails_when_its_cnames_are_still_missing_after_the_window(domain) -> None:
    put(domain, *[s for s in mail_domain_record_sets(domain) if "_domainkey" not in s.name])
    MailDomain.objects.filter(pk=domain.pk).update(
        created_date=timezone.now() - timedelta(hours=73)
    )
    dns_checks.check_domain(domain.pk)
    domain.refresh_from_db()
    assert (domain.ownership_status, domain.dkim_status) == ("VERIFIED", "FAILED")
    assert statuses(domain)[Kind.DKIM2] == RecordStatus.FAILED


def test_a_wrong_mx_is_inconsistent_and_an_absent_one_missing(domain) -> None:
    put(domain, RecordSet("example.com", "MX", 300, ("10 mx.other-provider.net.",)))
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.MX] == RecordStatus.INCONSISTENT
    assert domain.records.get(kind=Kind.MX).found == "10 mx.other-provider.net"
    assert statuses(domain)[Kind.AUTODISCOVER] == RecordStatus.MISSING
    assert statuses(domain)[Kind.DMARC] == RecordStatus.MISSING


def test_a_token_split_into_two_txt_strings_is_found(domain) -> None:
    token = domain.ownership_token
    put(
        domain,
        RecordSet(f"_amazonses.{domain.name}", "TXT", 300, (f'"{token[:20]}" "{token[20:]}"',)),
    )
    dns_checks.check_domain(domain.pk)
    assert statuses(domain)[Kind.OWNERSHIP] == RecordStatus.VERIFIED


def test_trailing_dots_and_upper_case_in_dns_are_the_same_names(domain) -> None:
    region = domain.region
    dkim = [
        RecordSet(
            f"{t}._domainkey.example.com", "CNAME", 300, (f"{t.upper()}.DKIM.AmazonSES.com.",)
        )
        for t in domain.dkim_tokens
    ]
    put(
        domain,
        RecordSet("example.com", "MX", 300, (f"10 INBOUND-SMTP.{region.upper()}.AMAZONAWS.COM.",)),
        RecordSet("example.com", "TXT", 300, ('"v=spf1 include:amazonses.com ~all"', '"other"')),
        RecordSet("_dmarc.example.com", "TXT", 300, ('"V=DMARC1;p=quarantine;pct=100;fo=1"',)),
        *dkim,
    )
    dns_checks.check_domain(domain.pk)
    found = statuses(domain)
    assert [found[k] for k in (Kind.MX, Kind.SPF, Kind.DMARC, Kind.DKIM1, Kind.DKIM3)] == [
        RecordStatus.VERIFIED
    ] * 5


def test_spf_with_another_provider_and_dmarc_with_the_usual_spaces_are_verified(domain) -> None:
    spf = "v=spf1 include:_spf.example.net include:amazonses.com ~all"
    put(
        domain,
        RecordSet("example.com", "TXT", 300, (f'"{spf}"',)),
        RecordSet("_dmarc.example.com", "TXT", 300, ('"v=DMARC1; p=quarantine; pct=100; fo=1"',)),
    )
    dns_checks.check_domain(domain.pk)
    found = statuses(domain)
    assert (found[Kind.SPF], found[Kind.DMARC]) == (RecordStatus.VERIFIED, RecordStatus.VERIFIED)


def test_a_dead_resolver_changes_nothing_and_asks_again_soon(domain, resolve_with) -> None:
    put(domain, *mail_domain_record_sets(domain))
    dns_checks.check_domain(domain.pk)  # all verified
    MailDomain.objects.filter(pk=domain.pk).update(check_requested_at=timezone.now())
    resolve_with(("127.0.0.1", free_port()), timeout=0.5)  # nothing listens there

    assert dns_checks.check_domain(domain.pk) == VerificationStatus.VERIFIED
    domain.refresh_from_db()
    assert set(statuses(domain).values()) == {RecordStatus.VERIFIED}
    assert domain.check_requested_at is None
    assert domain.next_check_at - timezone.now() < timedelta(minutes=2)


def test_a_resolver_that_never_answers_costs_one_timeout_for_the_whole_batch(
    dns_server, resolve_with, settings
) -> None:
    organization = active_organization()
    for n in range(30):
        register_mail_domain(organization=organization, domain_name=f"d{n}.example.net")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # takes queries, never answers
        resolve_with(silent.getsockname(), timeout=0.5)
        settings.WORKMAIL_DNS_CONCURRENCY = 5
        started = time.monotonic()
        assert dns_checks.check_due() == 30
        took = time.monotonic() - started
    assert took < 1.5, f"{took:.1f} s: one timeout per round of 5 domains"
    assert set(DomainRecord.objects.values_list("status", flat=True)) == {"PENDING", "MISSING"}
    assert not MailDomain.objects.filter(is_test_domain=False, checked_at__isnull=False).exists()


def test_check_due_takes_due_and_requested_domains_only(domain) -> None:
    later = timezone.now() + timedelta(hours=1)
    MailDomain.objects.filter(pk=domain.pk).update(next_check_at=later)
    assert dns_checks.check_due() == 0
    MailDomain.objects.filter(pk=domain.pk).update(check_requested_at=timezone.now())
    assert dns_checks.check_due() == 1
    assert dns_checks.check_due() == 0  # the request is served


def test_check_due_reads_and_writes_in_the_same_number_of_queries_for_1_or_40_domains(
    domain,
) -> None:
    def queries_to_check_all() -> int:
        MailDomain.objects.update(check_requested_at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            dns_checks.check_due()
        return len(queries)

    one = queries_to_check_all()
    for n in range(39):
        register_mail_domain(organization=domain.organization, domain_name=f"d{n}.example.com")
    assert queries_to_check_all() == one


def test_the_zone_file_parses_back_into_the_same_records(domain) -> None:
    records = domain.expected_records()
    zone = parse_zone_file(zone_file(domain.name, records), domain.name)
    parsed = {
        (
            name.derelativize(zone.origin).to_text(omit_final_dot=True),
            rdataset.rdtype.name,
            rd.to_text(),
        )
        for name, rdataset in zone.iterate_rdatasets()
        for rd in rdataset
    }
    assert parsed == {(r.hostname, r.type, r.zone_value) for r in records}


# --- Which server is asked: the emulated Route 53's names of the project's DNS server ---------


def test_with_no_setting_a_domain_on_the_emulated_route53_is_asked_of_the_projects_server(
    dns_server, settings
) -> None:
    organization = active_organization()
    create_hosted_zone(account=organization.account, name="example.com")
    settings.WORKMAIL_DNS_NAMESERVERS = ""  # as make run has it
    settings.WORKMAIL_DNS_SERVER = f"{dns_server[0]}:{dns_server[1]}"
    domain = register_mail_domain(organization=organization, domain_name="example.com")
    put(domain, *mail_domain_record_sets(domain))
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.VERIFIED


def test_the_emulators_names_go_to_its_server_and_the_rest_to_the_systems(db, settings) -> None:
    organization = active_organization()
    create_hosted_zone(account=organization.account, name="held.example")
    settings.WORKMAIL_DNS_NAMESERVERS = ""
    settings.WORKMAIL_DNS_SERVER = "127.0.0.1:8053"
    names = ["mail.held.example", "elsewhere.example", "held.example"]
    groups = dns_checks.resolvers_for(names)
    ours = [indexes for resolver, indexes in groups if resolver is not None]
    theirs = [indexes for resolver, indexes in groups if resolver is None]
    assert ours == [[0, 2]] and theirs == [[1]]
    [(server, _)] = [(r, i) for r, i in groups if r is not None]
    assert [(ns.address, ns.port) for ns in server.nameservers] == [("127.0.0.1", 8053)]


def test_set_nameservers_are_asked_for_every_domain(db, settings) -> None:
    organization = active_organization()
    create_hosted_zone(account=organization.account, name="held.example")
    settings.WORKMAIL_DNS_NAMESERVERS = "192.0.2.53"
    assert dns_checks.resolvers_for(["held.example", "elsewhere.example"]) == [(None, [0, 1])]
    settings.WORKMAIL_DNS_NAMESERVERS, settings.WORKMAIL_DNS_SERVER = "", ""
    assert dns_checks.resolvers_for(["held.example"]) == [(None, [0])]


def test_a_dns_server_that_cant_be_found_leaves_its_domains_for_later(db, settings, caplog) -> None:
    organization = active_organization()
    create_hosted_zone(account=organization.account, name="held.example")
    settings.WORKMAIL_DNS_NAMESERVERS = ""
    settings.WORKMAIL_DNS_SERVER = "no-such-host.invalid:8053"
    assert dns_checks.resolvers_for(["held.example", "elsewhere.example"]) == [(None, [1])]
    assert "checked later" in caplog.text
