"""The ops dashboard's Needs attention: domains pending verification for more than a day."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from domains.models import VerificationStatus
from organizations.lifecycle import State
from tests.conftest import signed_in
from tests.factories import MailDomainFactory, active_organization
from tests.html import text, texts

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("ops:dashboard")


def _domain(organization, name: str, *, age: timedelta, **fields):
    return MailDomainFactory(
        organization=organization, name=name, created_date=timezone.now() - age, **fields
    )


def test_domains_pending_for_more_than_a_day_are_listed_with_a_link(ops) -> None:
    organization = active_organization(account=ops.account, alias="corp")
    _domain(organization, "old.com", age=timedelta(days=2))
    _domain(organization, "new.com", age=timedelta(hours=3))
    _domain(organization, "done.com", age=timedelta(days=5),
            ownership_status=VerificationStatus.VERIFIED)  # fmt: skip
    _domain(active_organization(alias="theirs"), "theirs.com", age=timedelta(days=3))
    deleted = active_organization(account=ops.account, alias="gone", state=State.DELETED)
    _domain(deleted, "gone.com", age=timedelta(days=3))
    page = signed_in(ops).get(DASHBOARD).content.decode()
    rows = texts(page, "pending-domain")
    assert len(rows) == 1 and rows[0].startswith("old.com corp us-east-1")
    assert text(page, "pending-domains-count") == "(1)"
    records = reverse("domains:detail", args=["us-east-1", organization.organization_id, "old.com"])
    assert f'href="{records}"' in page


def test_the_list_costs_the_same_queries_however_many_domains(ops) -> None:
    organization = active_organization(account=ops.account, alias="corp")
    client = signed_in(ops)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == 200
        return len(captured)

    _domain(organization, "d0.com", age=timedelta(days=2))
    few = queries()
    for n in range(1, 30):
        _domain(organization, f"d{n}.com", age=timedelta(days=2))
    assert queries() == few
    page = client.get(DASHBOARD).content.decode()
    assert text(page, "pending-domains-count") == "(30)"
    assert len(texts(page, "pending-domain")) == 20
