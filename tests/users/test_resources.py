"""Resources' services: CreateResource (with RegisterToWorkMail), Enable, Disable, Delete,
UpdateResource with its booking options, delegates; the address book shared with users and
groups; the state matrix row by row."""

import pytest

from directories.models import DirectoryType
from organizations.models import Organization
from tests.factories import active_organization
from users import groups, resources, services
from users.models import Resource, ResourceDelegate, UserState
from workmail_console.errors import (
    EmailAddressInUseException,
    EntityAlreadyRegisteredException,
    EntityNotFoundException,
    EntityStateException,
    InvalidConfigurationException,
    InvalidParameterException,
    NameAvailabilityException,
    ReservedNameException,
    UnsupportedOperationException,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp")


def address(organization: Organization, local: str) -> str:
    return f"{local}@{organization.test_domain}"


def room(organization: Organization, name: str = "room1", enabled: bool = True, **fields):
    email = address(organization, name) if enabled else None
    return resources.create_resource(
        organization=organization, name=name, resource_type="ROOM", email=email, **fields
    )


def user(organization: Organization, name: str = "jane", enabled: bool = True):
    return services.create_user(
        organization=organization, name=name, display_name=name.title(), password=PASSWORD,
        email=address(organization, name) if enabled else None,
    )  # fmt: skip


def test_create_resource_enables_it_with_the_documented_booking_defaults(organization):
    made = room(organization, "boardroom", description="Ten seats")
    assert made.pk.startswith("r-") and len(made.pk) == 34
    assert made.state == UserState.ENABLED and made.email == address(organization, "boardroom")
    booking = (made.auto_accept_requests, made.auto_decline_recurring_requests,
               made.auto_decline_conflicting_requests)  # fmt: skip
    assert booking == (True, False, True)
    assert resources.get_resource(organization=organization, resource_id="BOARDROOM") == made
    assert room(organization, "projector", enabled=False).state == UserState.DISABLED


@pytest.mark.parametrize(
    ("fields", "problem"),
    [({"name": ""}, "Enter a resource name."), ({"name": "x" * 21}, "up to 20 characters"),
     ({"name": "Board Room"}, "can contain only"), ({"resource_type": "CAR"}, "Room or Equipment"),
     ({"description": "x" * 65}, "up to 64 characters")],
)  # fmt: skip
def test_createresources_rules(organization, fields, problem):
    values = {"name": "room1", "resource_type": "ROOM", "description": "", **fields}
    with pytest.raises(InvalidParameterException, match=problem):
        resources.create_resource(organization=organization, **values)
    assert not Resource.objects.exists()


def test_a_name_and_an_address_are_one_entitys_across_users_groups_and_resources(organization):
    user(organization, "jane")
    groups.create_group(organization=organization, name="sales", email=address(organization, "s"))
    with pytest.raises(NameAvailabilityException, match="a user"):
        room(organization, "JANE")
    with pytest.raises(NameAvailabilityException, match="a group"):
        room(organization, "Sales")
    with pytest.raises(EmailAddressInUseException, match="a group"):
        resources.create_resource(
            organization=organization, name="r1", resource_type="ROOM",
            email=address(organization, "S"),
        )  # fmt: skip
    room(organization, "room1")
    with pytest.raises(NameAvailabilityException, match="a resource"):
        user(organization, "ROOM1")
    with pytest.raises(EmailAddressInUseException, match="a resource"):
        groups.create_group(
            organization=organization, name="g", email=address(organization, "room1")
        )
    with pytest.raises(ReservedNameException):
        room(organization, "amazonjournaling")


def test_an_ad_connector_organizations_resources_are_read_only():
    organization = active_organization(directory_type=DirectoryType.AD_CONNECTOR)
    with pytest.raises(UnsupportedOperationException):
        room(organization)


def test_enable_disable_and_delete_follow_the_state_matrix(organization):
    made = room(organization, "room1", enabled=False)
    mail = address(organization, "room1")
    resources.enable_resource(organization=organization, resource_id=made.pk, email=mail)
    assert resources.enable_resource(organization=organization, resource_id=made.pk,
                                     email=mail.upper()).state == UserState.ENABLED  # fmt: skip
    with pytest.raises(EntityAlreadyRegisteredException):
        resources.enable_resource(
            organization=organization, resource_id=made.pk, email=address(organization, "x")
        )
    with pytest.raises(EntityStateException, match="must first disable"):
        resources.delete_resource(organization=organization, resource_id=made.pk)
    disabled = resources.disable_resource(organization=organization, resource_id=made.pk)
    assert disabled.state == UserState.DISABLED and disabled.email == mail  # kept
    assert resources.delete_resource(organization=organization, resource_id=made.pk).state == (
        UserState.DELETED
    )
    assert resources.delete_resource(organization=organization, resource_id=made.pk).state == (
        UserState.DELETED
    )  # nothing more to do
    with pytest.raises(EntityStateException):
        resources.update_resource(organization=organization, resource_id=made.pk, name="again")
    assert room(organization, "ROOM1").state == UserState.ENABLED  # name and address free


def test_update_renames_and_changes_type_description_and_options(organization):
    made = room(organization, "room1")
    room(organization, "room2")
    with pytest.raises(NameAvailabilityException):
        resources.update_resource(organization=organization, resource_id=made.pk, name="ROOM2")
    changed = resources.update_resource(
        organization=organization, resource_id=made.pk, name="Room1", resource_type="EQUIPMENT",
        description="", auto_decline_recurring_requests=True,
    )  # fmt: skip
    stored = Resource.objects.get(pk=made.pk)
    assert (stored.name, stored.resource_type, stored.description) == ("Room1", "EQUIPMENT", "")
    assert stored.auto_decline_recurring_requests and changed.auto_accept_requests


def test_auto_accept_goes_off_only_with_a_delegate_and_the_last_one_stays(organization):
    made = room(organization, "room1")
    with pytest.raises(InvalidConfigurationException, match="at least one delegate"):
        resources.update_resource(
            organization=organization, resource_id=made.pk, auto_accept_requests=False
        )
    assert Resource.objects.get(pk=made.pk).auto_accept_requests
    jane = user(organization, "jane")
    resources.associate_delegate(organization=organization, resource_id=made.pk, entity_id="jane")
    resources.update_resource(
        organization=organization, resource_id=made.pk, auto_accept_requests=False
    )
    with pytest.raises(InvalidParameterException, match="last delegate"):
        resources.disassociate_delegate(
            organization=organization, resource_id=made.pk, entity_id=str(jane.user_id)
        )
    assert ResourceDelegate.objects.count() == 1


def test_delegates_are_enabled_users_and_groups_of_an_enabled_resource(organization):
    made = room(organization, "room1")
    user(organization, "jane")
    user(organization, "bob", enabled=False)
    groups.create_group(organization=organization, name="team", email=address(organization, "t"))
    for entity in ("jane", "team", "jane"):  # the second jane changes nothing
        resources.associate_delegate(
            organization=organization, resource_id=made.pk, entity_id=entity
        )
    listed = resources.list_resource_delegates(organization=organization, resource_id=made.pk)
    assert [(d.delegate.name, d.delegate_type) for d in listed] == [
        ("jane", "USER"),
        ("team", "GROUP"),
    ]
    with pytest.raises(EntityStateException, match="disabled"):
        resources.associate_delegate(
            organization=organization, resource_id=made.pk, entity_id="bob"
        )
    with pytest.raises(EntityNotFoundException):
        resources.associate_delegate(
            organization=organization, resource_id=made.pk, entity_id="room1"
        )  # a resource is no delegate
    resources.disassociate_delegate(
        organization=organization, resource_id=made.pk, entity_id="team"
    )
    with pytest.raises(EntityNotFoundException, match="not a delegate"):
        resources.disassociate_delegate(
            organization=organization, resource_id=made.pk, entity_id="team"
        )
    resources.disable_resource(organization=organization, resource_id=made.pk)
    with pytest.raises(EntityStateException, match="Enable it"):
        resources.associate_delegate(
            organization=organization, resource_id=made.pk, entity_id="team"
        )


def test_the_list_filters_by_state_and_text_and_a_deleted_organization_disables_them(
    organization,
):
    room(organization, "room1")
    room(organization, "projector", enabled=False)

    def names(**filters) -> list[str]:
        return [r.name for r in resources.list_resources(organization=organization, **filters)]

    assert names() == ["projector", "room1"]
    assert names(state="DISABLED") == ["projector"]
    assert names(containing="ROOM1@") == ["room1"]
    services.deregister_all(organization)
    assert names(state="ENABLED") == []
