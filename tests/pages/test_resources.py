"""Resources pages: the list, Create resource (its address pre-filled from the name), the
details with Edit, Booking options and Delegates, and the Enable, Disable and Delete dialogs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import signed_in
from tests.factories import MailUserFactory, active_organization
from tests.html import text, texts
from users import resources
from users.models import Resource, ResourceDelegate, UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization, resource=None) -> str:
    args = [organization.region, organization.organization_id]
    return reverse(f"resources:{name}", args=[*args, resource.pk] if resource else args)


def make(organization, name: str = "room1", enabled: bool = True) -> Resource:
    email = f"{name}@{organization.test_domain}" if enabled else None
    return resources.create_resource(
        organization=organization, name=name, resource_type="ROOM", email=email
    )


def jane(organization):
    return MailUserFactory(
        directory=organization.directory, name="jane", state=UserState.ENABLED,
        email=f"jane@{organization.test_domain}",
    )  # fmt: skip


def test_create_a_room_with_its_address_from_the_name(admin_client, organization):
    response = admin_client.post(url("create", organization), {
        "name": "boardroom", "description": "Ten seats", "resource_type": "ROOM", "email": "",
        "domain": organization.test_domain, "show_in_global_address_list": "on",
    })  # fmt: skip
    made = Resource.objects.get()
    assert response.url == url("detail", organization, made)
    assert made.email == f"boardroom@{organization.test_domain}"
    assert made.state == UserState.ENABLED and made.description == "Ten seats"
    page = admin_client.get(response.url).content.decode()
    assert text(page, "resource-type") == "Room"
    assert 'name="auto_accept_requests" id="id_auto_accept_requests" checked' in page


def test_create_resource_says_what_is_wrong_under_each_field(admin_client, organization):
    response = admin_client.post(url("create", organization), {
        "name": "Board Room", "description": "x" * 65, "resource_type": "CAR", "email": "r",
        "domain": organization.test_domain,
    })  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "can contain only letters" in text(page, "name-error")
    assert "up to 64 characters" in text(page, "description-error")
    assert text(page, "resource_type-error") == "Choose Room or Equipment."
    assert not Resource.objects.exists()


def test_booking_options_need_a_delegate_before_auto_accept_goes_off(admin_client, organization):
    room = make(organization)
    refused = admin_client.post(url("booking", organization, room), {})  # every box cleared
    assert refused.status_code == 400
    assert "at least one delegate" in text(refused.content.decode(), "booking-error")
    assert Resource.objects.get(pk=room.pk).auto_accept_requests
    person = jane(organization)
    page = admin_client.get(url("detail", organization, room)).content.decode()
    assert f'<option value="{person.pk}">jane (user)</option>' in page
    admin_client.post(url("add-delegate", organization, room), {"delegate": str(person.pk)})
    saved = admin_client.post(
        url("booking", organization, room), {"auto_decline_conflicting_requests": "on"}
    )
    assert saved.status_code == 302
    stored = Resource.objects.get(pk=room.pk)
    assert not stored.auto_accept_requests and stored.auto_decline_conflicting_requests
    last = admin_client.post(url("remove-delegate", organization, room),
                             {"delegate": str(person.pk)}, follow=True)  # fmt: skip
    assert "is the last delegate of room1" in last.content.decode()
    assert ResourceDelegate.objects.count() == 1


def test_edit_renames_and_changes_the_type(admin_client, organization):
    room = make(organization)
    make(organization, "room2")
    taken = admin_client.post(url("edit", organization, room), {
        "name": "ROOM2", "description": "", "resource_type": "ROOM",
    })  # fmt: skip
    assert taken.status_code == 400 and "already used" in text(taken.content.decode(), "name-error")
    admin_client.post(url("edit", organization, room), {
        "name": "projector", "description": "4K", "resource_type": "EQUIPMENT",
    })  # fmt: skip
    stored = Resource.objects.get(pk=room.pk)
    assert (stored.name, stored.resource_type, stored.description) == (
        "projector",
        "EQUIPMENT",
        "4K",
    )
    assert stored.hidden_from_global_address_list  # its box was left clear


def test_disable_then_delete_with_the_guides_confirmation(admin_client, organization):
    room = make(organization)
    refused = admin_client.post(url("delete", organization, room), {"confirmation": "room1"})
    assert "You must first disable the resource" in text(refused.content.decode(), "problem")
    admin_client.post(url("disable", organization, room))
    dialog = admin_client.get(url("delete", organization, room)).content.decode()
    assert "Enter the resource name to confirm deletion" in dialog
    done = admin_client.post(url("delete", organization, room), {"confirmation": "room1"})
    assert done.url == url("list", organization)
    assert Resource.objects.get(pk=room.pk).state == UserState.DELETED


def test_the_list_filters_and_offers_selection_gated_actions(admin_client, organization):
    make(organization, "room1")
    make(organization, "projector", enabled=False)
    page = admin_client.get(url("list", organization)).content.decode()
    assert texts(page, "resource-count") == ["(2)"]
    assert "data-needs-selection data-dialog>Delete</button>" in page
    found = admin_client.get(url("list", organization), {"filter": "PROJ"})
    assert [r.name for r in found.context["page"]] == ["projector"]
    chosen = admin_client.get(
        url("selected", organization), {"action": "enable", "resource_id": "r-nope"}
    )
    assert chosen.url == url("list", organization)


def test_ops_read_resources_but_change_nothing(ops, organization):
    room = make(organization)
    client = signed_in(ops)
    page = client.get(url("detail", organization, room)).content.decode()
    assert "room1" in page and 'data-testid="add-delegate"' not in page and ">Save<" not in page
    assert client.post(url("booking", organization, room), {}).status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_and_a_resource_page_use_a_constant_number_of_queries(
    admin_client, organization, count
) -> None:
    room = make(organization, "room")
    for i in range(count):
        make(organization, f"r{i}")
        MailUserFactory(
            directory=organization.directory, name=f"u{i}", state=UserState.ENABLED,
            email=f"u{i}@{organization.test_domain}",
        )  # fmt: skip
        resources.associate_delegate(
            organization=organization, resource_id=room.pk, entity_id=f"u{i}"
        )
    counts = []
    for page in (url("list", organization), url("detail", organization, room)):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(page).status_code == 200
        counts.append(len(captured))
    assert counts == EXPECTED_QUERIES


EXPECTED_QUERIES = [6, 11]  # the details page: its aliases and their domains too
