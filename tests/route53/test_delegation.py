"""Delegation decides who answers for a name, as in real DNS: the registry delegates a registered
or claimed name to one zone's name servers, and a zone delegates a name below it with an NS record
set. Asked through the project's DNS server on loopback."""

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from domains import dns_checks
from domains.models import VerificationStatus
from domains.services import mail_domain_record_sets, register_mail_domain
from route53.models import DomainRegistration, HostedZone, RegistrationStatus
from route53.registrar import DomainNotAvailable, complete_registration, register_domain
from route53.services import (
    RecordSet,
    create_hosted_zone,
    delete_hosted_zone,
    upsert_record_sets,
)
from tests.factories import AccountFactory, active_organization
from tests.races.harness import race
from tests.route53.delegation import is_delegated

pytestmark = pytest.mark.django_db(transaction=True)


def ask(server, name: str, rdtype: str = "A") -> dns.message.Message:
    host, port = server
    return dns.query.udp(dns.message.make_query(name, rdtype), host, port=port, timeout=2)


def addresses(response: dns.message.Message) -> list[str]:
    return [rdata.address for rrset in response.answer for rdata in rrset]


def a_record(zone: HostedZone, name: str, address: str) -> None:
    upsert_record_sets(zone, [RecordSet(name, "A", 300, (address,))])


def ns_record(parent: HostedZone, name: str, servers) -> None:
    upsert_record_sets(parent, [RecordSet(name, "NS", 172800, tuple(f"{s}." for s in servers))])


@pytest.fixture
def a_corp() -> HostedZone:
    """Account A's zone a-corp.example (the first of the name: A claims it), www at 192.0.2.1."""
    zone = create_hosted_zone(account=AccountFactory(), name="a-corp.example")
    a_record(zone, "www.a-corp.example", "192.0.2.1")
    return zone


def test_another_accounts_zone_inside_a_claimed_name_answers_nothing(dns_server, a_corp) -> None:
    intruder = create_hosted_zone(account=AccountFactory(), name="www.a-corp.example")
    a_record(intruder, "www.a-corp.example", "203.0.113.66")
    response = ask(dns_server, "www.a-corp.example")
    assert addresses(response) == ["192.0.2.1"] and response.flags & dns.flags.AA
    assert not is_delegated(intruder)


def test_another_account_can_not_verify_a_mail_domain_inside_a_claimed_name(
    dns_server, a_corp, settings
) -> None:
    settings.WORKMAIL_DNS_NAMESERVERS = f"{dns_server[0]}:{dns_server[1]}"
    organization = active_organization()  # account B's
    intruder = create_hosted_zone(account=organization.account, name="mail.a-corp.example")
    domain = register_mail_domain(organization=organization, domain_name="mail.a-corp.example")
    upsert_record_sets(intruder, mail_domain_record_sets(domain))
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.PENDING
    assert ask(dns_server, "_amazonses.mail.a-corp.example", "TXT").rcode() == dns.rcode.NXDOMAIN


def test_the_owners_sub_zone_answers_once_the_parent_delegates_to_it(
    dns_server, a_corp, settings
) -> None:
    settings.WORKMAIL_DNS_NAMESERVERS = f"{dns_server[0]}:{dns_server[1]}"
    organization = active_organization(account=a_corp.account)
    child = create_hosted_zone(account=a_corp.account, name="mail.a-corp.example")
    domain = register_mail_domain(organization=organization, domain_name="mail.a-corp.example")
    upsert_record_sets(child, mail_domain_record_sets(domain))
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.PENDING

    ns_record(a_corp, "mail.a-corp.example", child.name_servers)
    assert dns_checks.check_domain(domain.pk) == VerificationStatus.VERIFIED
    response = ask(dns_server, "_amazonses.mail.a-corp.example", "TXT")
    assert response.flags & dns.flags.AA
    assert response.answer[0][0].strings == (domain.ownership_token.encode(),)
    assert is_delegated(child)


def test_an_ns_record_naming_other_name_servers_does_not_delegate_to_the_zone(
    dns_server, a_corp
) -> None:
    child = create_hosted_zone(account=a_corp.account, name="mail.a-corp.example")
    a_record(child, "mail.a-corp.example", "192.0.2.25")
    ns_record(a_corp, "mail.a-corp.example", ["ns1.elsewhere.example"])
    response = ask(dns_server, "mail.a-corp.example")
    assert not response.answer and not response.flags & dns.flags.AA
    [referral] = response.authority
    assert (referral.name.to_text(), referral.rdtype) == ("mail.a-corp.example.", dns.rdatatype.NS)
    assert [rdata.target.to_text() for rdata in referral] == ["ns1.elsewhere.example."]


def test_names_below_a_cut_get_a_referral_not_the_parents_records(dns_server, a_corp) -> None:
    a_record(a_corp, "x.ext.a-corp.example", "192.0.2.99")  # hidden below the cut
    ns_record(a_corp, "ext.a-corp.example", ["ns1.elsewhere.example", "ns2.elsewhere.example"])
    response = ask(dns_server, "x.ext.a-corp.example")
    assert response.rcode() == dns.rcode.NOERROR and not response.answer
    assert not response.flags & dns.flags.AA
    assert response.authority[0].name.to_text() == "ext.a-corp.example."


def test_a_name_nobody_registered_or_claimed_is_refused(dns_server, a_corp) -> None:
    create_hosted_zone(account=a_corp.account, name="private.example", private=True)
    assert ask(dns_server, "www.b-corp.example").rcode() == dns.rcode.REFUSED
    assert ask(dns_server, "private.example").rcode() == dns.rcode.REFUSED


def test_a_registration_whose_zone_is_gone_is_a_referral_to_its_name_servers(dns_server) -> None:
    registration = register_domain(account=AccountFactory(), name="lame.example")
    complete_registration(registration.pk)
    registration.refresh_from_db()
    delete_hosted_zone(registration.zone)
    response = ask(dns_server, "lame.example")
    assert not response.flags & dns.flags.AA and not response.answer
    assert sorted(r.target.to_text(omit_final_dot=True) for r in response.authority[0]) == sorted(
        registration.name_servers
    )


def test_the_owner_s_new_zone_takes_over_a_registration_whose_zone_is_gone(dns_server) -> None:
    account = AccountFactory()
    registration = register_domain(account=account, name="again.example")
    complete_registration(registration.pk)
    delete_hosted_zone(HostedZone.objects.get())
    someone_else = create_hosted_zone(account=AccountFactory(), name="again.example")
    zone = create_hosted_zone(account=account, name="again.example")
    a_record(zone, "again.example", "192.0.2.7")
    assert addresses(ask(dns_server, "again.example")) == ["192.0.2.7"]
    assert not is_delegated(someone_else)


def test_a_claim_passes_to_the_accounts_next_zone_of_the_name_or_ends(dns_server) -> None:
    account = AccountFactory()
    first = create_hosted_zone(account=account, name="claimed.example")
    second = create_hosted_zone(account=account, name="claimed.example")
    delete_hosted_zone(first)
    [soa] = ask(dns_server, "claimed.example", "SOA").answer
    assert soa[0].mname.to_text() == f"{second.name_servers[0]}."
    delete_hosted_zone(second)
    assert not DomainRegistration.objects.exists()
    newcomer = create_hosted_zone(account=AccountFactory(), name="claimed.example")
    assert is_delegated(newcomer)


def test_a_name_inside_someone_s_domain_can_not_be_registered(a_corp) -> None:
    for account in (a_corp.account, AccountFactory()):
        with pytest.raises(DomainNotAvailable):
            register_domain(account=account, name="shop.a-corp.example")


def test_registering_a_name_the_account_claimed_keeps_its_zone(dns_server, a_corp) -> None:
    registration = register_domain(account=a_corp.account, name="a-corp.example")
    assert registration.status == RegistrationStatus.IN_PROGRESS and registration.registered
    complete_registration(registration.pk)
    registration.refresh_from_db()
    assert registration.zone == a_corp and set(registration.name_servers) == set(
        a_corp.name_servers
    )
    assert addresses(ask(dns_server, "www.a-corp.example")) == ["192.0.2.1"]


def test_another_account_can_not_register_a_name_claimed_by_a_zone(a_corp) -> None:
    with pytest.raises(DomainNotAvailable):
        register_domain(account=AccountFactory(), name="a-corp.example")


def test_registering_and_making_a_zone_of_one_name_at_once_has_one_winner(dns_server) -> None:
    registrant, zone_maker = AccountFactory(), AccountFactory()

    def attempt(index: int) -> str:
        if index % 2:
            create_hosted_zone(account=zone_maker, name="contested.example")
            return "zone"
        try:
            register_domain(account=registrant, name="contested.example")
        except DomainNotAvailable:
            return "refused"
        return "registered"

    outcomes = race(attempt, writes_to=DomainRegistration)
    assert outcomes.count("zone") == 10
    [claim] = DomainRegistration.objects.all()
    if claim.account == registrant:
        assert (outcomes.count("registered"), claim.registered) == (1, True)
        complete_registration(claim.pk)
        claim.refresh_from_db()
    else:
        assert (outcomes.count("refused"), claim.registered) == (10, False)
    winner = HostedZone.objects.get(pk=claim.zone_id)
    a_record(winner, "contested.example", "192.0.2.10")
    assert winner.account == claim.account
    assert addresses(ask(dns_server, "contested.example")) == ["192.0.2.10"]
    delegated = [zone for zone in HostedZone.objects.all() if is_delegated(zone)]
    assert delegated == [winner]
