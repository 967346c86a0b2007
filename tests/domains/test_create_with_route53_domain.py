"""Route 53 end to end: an organization created on an existing hosted zone gets its domain's
records written into the zone by Creating, and beat's checks verify them through the project's
DNS server, with no manual step."""

import pytest

from domains.models import MailDomain, RecordStatus, VerificationStatus
from organizations import services
from organizations.lifecycle import State
from organizations.models import DomainChoice, Organization
from route53.services import create_hosted_zone
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_organization_on_an_existing_hosted_zone_ends_active_with_its_domain_verified(
    celery_worker, celery_beat, worker_dns_server, admin
) -> None:
    zone = create_hosted_zone(account=admin.account, name="corp.example")
    organization = services.create_organization(
        account=admin.account, region="eu-west-1", alias="corp",
        domain_choice=DomainChoice.EXISTING_ROUTE53, hosted_zone_id=zone.zone_id,
    )  # fmt: skip

    def active() -> bool:
        """the organization to be Active"""
        return Organization.objects.get(pk=organization.pk).state == State.ACTIVE

    wait_for(active, timeout=30)

    def verified() -> MailDomain | None:
        """corp.example's ownership and DKIM to be Verified through DNS"""
        domain = MailDomain.objects.filter(organization=organization, name="corp.example").first()
        done = (VerificationStatus.VERIFIED, VerificationStatus.VERIFIED)
        return domain if domain and (domain.ownership_status, domain.dkim_status) == done else None

    domain = wait_for(verified, timeout=30)
    assert {record.status for record in domain.records.all()} == {RecordStatus.VERIFIED}
    assert domain.hosted_zone_id == zone.pk
    names = set(zone.record_sets.values_list("name", "type"))
    assert {("_amazonses.corp.example", "TXT"), ("corp.example", "MX"),
            ("_dmarc.corp.example", "TXT")} <= names  # fmt: skip
    mx = zone.record_sets.get(name="corp.example", type="MX")
    assert mx.values == ["10 inbound-smtp.eu-west-1.amazonaws.com."]  # the Region's, not us-east-1
