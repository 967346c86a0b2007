"""The organization's Monitoring page: its lifecycle events and its users', groups' and resources'
events in one feed, newest first, filterable by source and text, paged, with a constant number of
queries; only this organization's (not another's, not its directory's before it)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.lifecycle import State
from tests.factories import MailUserFactory, active_organization
from users import groups, resources
from users import services as users
from users.models import EntityEvent, UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


def url(organization, **query: str) -> str:
    path = reverse("organizations:monitoring", args=[organization.region, organization.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows(client, organization, **query: str) -> list[list[str]]:
    """Each event row's cells, as text."""
    page = client.get(url(organization, **query)).content.decode()
    found = re.findall(r'<tr data-testid="event">(.*?)</tr>', page, flags=re.S)
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
            for row in found]  # fmt: skip


def test_what_happened_inside_the_organization_newest_first(admin_client, organization):
    sales = groups.create_group(
        organization=organization, name="sales", email=f"sales@{organization.test_domain}"
    )
    groups.disable_group(organization=organization, group_id=sales.pk)
    groups.delete_group(organization=organization, group_id=sales.pk)
    room = resources.create_resource(organization=organization, name="room1", resource_type="ROOM")
    found = rows(admin_client, organization)
    assert [row[1:] for row in found[:4]] == [
        ["Resource", f"room1 {room.pk}", "Resource created", "DISABLED"],
        ["Group", f"sales {sales.pk}", "Group deleted", "DISABLED → DELETED"],
        ["Group", f"sales {sales.pk}", "Group disabled", "ENABLED → DISABLED"],
        ["Group", f"sales {sales.pk}", "Group created", "ENABLED"],
    ]
    # the organization's own lifecycle comes along, with the reason it moved
    own = [row for row in found if row[1] == "Organization"]
    assert own and all(row[2] == "corp" for row in own)
    assert own[-1][3] == "Creation requested"


def test_a_refused_change_leaves_no_event(organization):
    user = MailUserFactory(directory=organization.directory, name="jane")
    sales = groups.create_group(
        organization=organization, name="sales", email=f"sales@{organization.test_domain}"
    )
    before = EntityEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - which error is the groups' tests' business
        groups.delete_group(organization=organization, group_id=sales.pk)  # not disabled first
    with pytest.raises(Exception):  # noqa: B017
        groups.create_group(organization=organization, name="JANE", email=None)  # name taken
    assert EntityEvent.objects.count() == before
    users.disable_user(organization=organization, user_id=user.pk)  # already disabled: no move
    assert EntityEvent.objects.count() == before


def test_filter_by_source_and_text(admin_client, organization):
    groups.create_group(organization=organization, name="sales", email=None)
    groups.create_group(organization=organization, name="support", email=None)
    MailUserFactory(directory=organization.directory, name="salma")
    assert [row[2].split()[0] for row in rows(admin_client, organization, source="group")] == [
        "support", "sales",
    ]  # fmt: skip
    found = rows(admin_client, organization, filter="SAL")
    assert sorted(row[2].split()[0] for row in found) == ["sales", "salma"]
    assert rows(admin_client, organization, source="organization", filter="sal") == []
    assert [row[1] for row in rows(admin_client, organization, source="organization")] == [
        "Organization"
    ] * len(rows(admin_client, organization, source="organization"))
    page = admin_client.get(url(organization, source="nonsense", filter="\x00<b>")).content
    assert b"No matches" in page or b"No events" in page


def test_only_this_organizations_events(admin_client, admin, organization):
    other = active_organization(account=admin.account, alias="other")
    groups.create_group(organization=other, name="elsewhere", email=None)
    # the directory's events from before this organization was created are not its own
    EntityEvent.objects.create(
        directory=organization.directory, kind="user", entity_id="x", name="olduser",
        to_state=UserState.DISABLED, at=organization.created_date - timedelta(days=1),
    )  # fmt: skip
    names = [row[2] for row in rows(admin_client, organization)]
    assert names and not any("elsewhere" in name or "olduser" in name for name in names)


def test_a_deleted_organization_keeps_its_monitoring(admin_client, organization):
    address = f"sales@{organization.test_domain}"
    groups.create_group(organization=organization, name="sales", email=address)
    groups.create_group(organization=organization, name="quiet", email=None)
    users.deregister_all(organization)  # what deleting the organization does to what's inside
    organization.state = State.DELETED
    organization.save(update_fields=["state"])
    newest = rows(admin_client, organization)[0]
    assert newest[1:] == ["Group", newest[2], "Group disabled", "ENABLED → DISABLED"]
    assert newest[2].startswith("sales ")


def test_pages_of_fifty_with_a_constant_number_of_queries(admin_client, organization):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url(organization)).status_code == 200
        return len(captured)

    groups.create_group(organization=organization, name="g0", email=None)
    few = queries()
    now = timezone.now()
    EntityEvent.objects.bulk_create(
        EntityEvent(directory=organization.directory, kind="user", entity_id=str(n),
                    name=f"u{n}", to_state=UserState.DISABLED, at=now + timedelta(seconds=n))
        for n in range(120)
    )  # fmt: skip
    assert queries() == few
    assert len(rows(admin_client, organization)) == 50
    second = rows(admin_client, organization, page="2")
    assert second[0][2].startswith("u69 ")
    assert "Page 1 of 3" in admin_client.get(url(organization)).content.decode()
