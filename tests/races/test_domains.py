"""Set as default and Remove under races: the default domain is always one the organization
has, however many admins act on the same domain at the same moment."""

import pytest
from django.urls import reverse

from domains.models import MailDomain, VerificationStatus
from tests.factories import MailDomainFactory, active_organization
from tests.races.harness import clients_for, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_removing_and_setting_as_default_at_once_never_leaves_a_missing_default(admin) -> None:
    organization = active_organization(account=admin.account)
    MailDomainFactory(
        organization=organization, name="example.com",
        ownership_status=VerificationStatus.VERIFIED,
    )  # fmt: skip
    clients = clients_for(admin)
    args = [organization.region, organization.organization_id]
    remove, set_default = (
        reverse("domains:remove", args=args),
        reverse("domains:set-default", args=args),
    )

    def act(i: int):
        if i % 2:
            return clients[i].post(set_default, {"mail_domain": "example.com"})
        return clients[i].post(
            remove, {"mail_domain": "example.com", "domain_confirmation": "example.com"}
        )

    responses = race(act, writes_to=MailDomain)
    assert all(response.status_code != 500 for response in responses)
    organization.refresh_from_db()
    assert organization.mail_domains.filter(name=organization.default_mail_domain).exists()
