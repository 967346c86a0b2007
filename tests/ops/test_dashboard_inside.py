"""The ops dashboard's "Inside the organizations": enabled users, groups and resources of the
readable organizations in scope, the Active ones without an enabled user, and the resources nobody
answers; the member's account only, the chosen Region only, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import MailUserFactory, active_organization
from tests.html import text
from users import groups, resources
from users import services as users

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("ops:dashboard")


def populate(organization: Organization, *, n: int) -> None:
    """`n` enabled users, groups and resources (n ≥ 1); with auto-accept off, one resource whose
    only delegate is disabled, so nobody answers it, and one a user answers."""
    domain = organization.test_domain
    for i in range(n):
        jane = MailUserFactory(directory=organization.directory, name=f"u{i}")
        users.enable_user(organization=organization, user_id=jane.pk, email=f"u{i}@{domain}")
        groups.create_group(organization=organization, name=f"g{i}", email=f"g{i}@{domain}")
        resources.create_resource(
            organization=organization, name=f"r{i}", resource_type="ROOM", email=f"r{i}@{domain}"
        )
    room = resources.create_resource(
        organization=organization, name="lonely", resource_type="ROOM", email=f"lonely@{domain}"
    )
    helper = MailUserFactory(directory=organization.directory, name="helper")
    users.enable_user(organization=organization, user_id=helper.pk, email=f"helper@{domain}")
    resources.associate_delegate(
        organization=organization, resource_id=room.pk, entity_id=str(helper.pk)
    )
    resources.update_resource(
        organization=organization, resource_id=room.pk, auto_accept_requests=False
    )
    users.disable_user(organization=organization, user_id=helper.pk)
    answered = resources.create_resource(
        organization=organization, name="answered", resource_type="ROOM",
        email=f"answered@{domain}",
    )  # fmt: skip
    resources.associate_delegate(
        organization=organization, resource_id=answered.pk, entity_id=str(jane.pk)
    )
    resources.update_resource(
        organization=organization, resource_id=answered.pk, auto_accept_requests=False
    )


def figures(client, **params: str) -> dict[str, str]:
    page = client.get(DASHBOARD, params).content.decode()
    return {
        name: text(page, f"inside-{name}").split()[0]
        for name in ("users", "groups", "resources", "without-users", "unanswered")
    }


def test_what_lives_inside_the_accounts_organizations(ops, admin, stranger) -> None:
    ops_client = signed_in(ops)
    corp = active_organization(account=admin.account, alias="corp")
    populate(corp, n=2)
    active_organization(account=admin.account, alias="empty", region="eu-west-1")
    populate(active_organization(account=stranger.account, alias="theirs"), n=3)
    gone = active_organization(account=admin.account, alias="gone")
    populate(gone, n=1)
    Organization.objects.filter(pk=gone.pk).update(state=State.DELETED)
    assert figures(ops_client) == {
        "users": "2", "groups": "2", "resources": "4", "without-users": "1", "unanswered": "1",
    }  # fmt: skip
    assert figures(ops_client, region="eu-west-1") == {
        "users": "0", "groups": "0", "resources": "0", "without-users": "1", "unanswered": "0",
    }  # fmt: skip


def test_counting_costs_the_same_however_much_there_is(ops, admin) -> None:
    ops_client = signed_in(ops)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ops_client.get(DASHBOARD).status_code == 200
        return len(captured)

    populate(active_organization(account=admin.account, alias="one"), n=1)
    few = queries()
    for alias in ("two", "three"):
        populate(active_organization(account=admin.account, alias=alias), n=4)
    assert queries() == few
