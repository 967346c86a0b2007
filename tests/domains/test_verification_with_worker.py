"""Verify now through a real Celery worker, which resolves through the project's DNS server."""

import pytest

from domains import services, tasks
from domains.models import MailDomain, VerificationStatus
from domains.services import mail_domain_record_sets, register_mail_domain
from route53.services import create_hosted_zone, upsert_record_sets
from tests.factories import active_organization
from tests.waiting import wait_for


@pytest.fixture
def domain_in_its_zone(worker_dns_server) -> MailDomain:
    organization = active_organization()
    zone = create_hosted_zone(account=organization.account, name="verified.example")
    domain = register_mail_domain(organization=organization, domain_name="verified.example")
    upsert_record_sets(zone, mail_domain_record_sets(domain))
    MailDomain.objects.filter(pk=domain.pk).update(next_check_at=None)  # beat leaves it alone
    return domain


def test_verify_now_turns_a_domain_verified_through_real_dns(
    celery_worker, domain_in_its_zone
) -> None:
    services.request_verification(domain_in_its_zone)
    assert MailDomain.objects.get(pk=domain_in_its_zone.pk).check_requested_at is not None

    def verified() -> MailDomain | None:
        """the worker to find every record"""
        domain = MailDomain.objects.get(pk=domain_in_its_zone.pk)
        return domain if domain.check_requested_at is None else None

    domain = wait_for(verified)
    assert (domain.ownership_status, domain.dkim_status) == (
        VerificationStatus.VERIFIED,
        VerificationStatus.VERIFIED,
    )
    assert set(domain.records.values_list("status", flat=True)) == {"VERIFIED"}


def test_a_full_batch_sends_the_next_batch_as_its_own_task(
    domain_in_its_zone, published_tasks, settings
) -> None:
    organization = domain_in_its_zone.organization
    for n in range(2):
        register_mail_domain(organization=organization, domain_name=f"d{n}.verified.example")
    settings.WORKMAIL_DNS_CHECK_BATCH = 2
    settings.WORKMAIL_DNS_NAMESERVERS = "127.0.0.1:1"  # nothing listens: no answer, fast
    assert tasks.verify_due_domains() == 2
    assert published_tasks == [("domains.tasks.verify_due_domains", [])]
    published_tasks.clear()
    assert tasks.verify_due_domains() == 0
    assert published_tasks == []
