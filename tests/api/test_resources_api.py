"""The resources' API operations through boto3: CreateResource, DescribeResource, UpdateResource
(with BookingOptions), ListResources, DeleteResource, AssociateDelegateToResource,
DisassociateDelegateFromResource and ListResourceDelegates, on the services the Resources pages
use."""

import pytest
from django.urls import reverse

from directories.models import DirectoryType
from tests.factories import MailUserFactory, active_organization
from users import groups, resources
from users.models import Resource, ResourceDelegate, UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


@pytest.fixture
def org_id(organization) -> str:
    return organization.organization_id


def enabled_resource(organization, name: str = "room1", resource_type: str = "ROOM") -> Resource:
    return resources.create_resource(
        organization=organization, name=name, resource_type=resource_type,
        email=f"{name}@{organization.test_domain}",
    )  # fmt: skip


def enabled_user(organization, name: str = "jane"):
    return MailUserFactory(
        directory=organization.directory, name=name, state=UserState.ENABLED,
        email=f"{name}@{organization.test_domain}",
    )  # fmt: skip


def error_message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def booking(workmail, org_id: str, resource_id: str) -> tuple[bool, bool, bool]:
    options = workmail.describe_resource(OrganizationId=org_id, ResourceId=resource_id)[
        "BookingOptions"
    ]
    return (
        options["AutoAcceptRequests"],
        options["AutoDeclineRecurringRequests"],
        options["AutoDeclineConflictingRequests"],
    )


# --- CreateResource, DescribeResource -------------------------------------------------------


def test_create_resource_makes_a_disabled_resource_with_the_documented_booking_defaults(
    workmail, org_id
):
    resource_id = workmail.create_resource(
        OrganizationId=org_id, Name="boardroom", Type="ROOM", Description="Ten seats"
    )["ResourceId"]
    assert resource_id.startswith("r-") and len(resource_id) == 34
    described = workmail.describe_resource(OrganizationId=org_id, ResourceId=resource_id)
    assert described["ResourceId"] == resource_id and described["Name"] == "boardroom"
    assert described["Type"] == "ROOM" and described["Description"] == "Ten seats"
    assert described["State"] == "DISABLED" and "Email" not in described
    assert described["HiddenFromGlobalAddressList"] is False
    assert described["BookingOptions"] == {
        "AutoAcceptRequests": True,
        "AutoDeclineRecurringRequests": False,
        "AutoDeclineConflictingRequests": True,
    }
    assert Resource.objects.get(pk=resource_id).name == "boardroom"


def test_describe_resource_finds_it_by_name_or_address_with_its_dates(workmail, organization):
    room = enabled_resource(organization, "room1")
    for identifier in ("ROOM1", f"room1@{organization.test_domain}", room.pk):
        described = workmail.describe_resource(
            OrganizationId=organization.organization_id, ResourceId=identifier
        )
        assert described["ResourceId"] == room.pk
    assert described["Email"] == f"room1@{organization.test_domain}"
    assert described["State"] == "ENABLED" and "Description" not in described
    assert described["EnabledDate"].timestamp() == pytest.approx(room.enabled_date.timestamp())


def test_create_resource_refuses_a_name_of_the_address_book_in_any_case(workmail, organization):
    groups.create_group(organization=organization, name="projector")
    with pytest.raises(workmail.exceptions.NameAvailabilityException) as excinfo:
        workmail.create_resource(
            OrganizationId=organization.organization_id, Name="Projector", Type="EQUIPMENT"
        )
    assert "already used by a group" in error_message(excinfo)
    assert not Resource.objects.exists()


def test_create_resource_refuses_a_reserved_name(workmail, org_id):
    with pytest.raises(workmail.exceptions.ReservedNameException):
        workmail.create_resource(OrganizationId=org_id, Name="krbtgt", Type="ROOM")
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"Name": "r" * 21, "Type": "ROOM"},
        {"Name": "car1", "Type": "CAR"},
        {"Name": "board room", "Type": "ROOM"},
        {"Name": "room", "Type": "ROOM", "Description": "x" * 65},
    ],
)
def test_create_resource_checks_lengths_patterns_and_types_on_the_server(workmail, org_id, fields):
    # botocore checks no maximum, pattern or enum: the server does.
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.create_resource(OrganizationId=org_id, **fields)
    assert not Resource.objects.exists()


def test_an_unknown_resource_is_entity_not_found(workmail, org_id):
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.describe_resource(OrganizationId=org_id, ResourceId="r-" + "0" * 32)


def test_another_accounts_organization_is_not_found(stranger_workmail, organization):
    enabled_resource(organization)
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        stranger_workmail.describe_resource(
            OrganizationId=organization.organization_id, ResourceId="room1"
        )


def test_an_ad_connector_organizations_resources_are_read_only(workmail, admin):
    connected = active_organization(
        account=admin.account, alias="onprem", directory_type=DirectoryType.AD_CONNECTOR
    )
    room = Resource.objects.create(directory=connected.directory, name="room1")
    org_id = connected.organization_id
    writes = [
        lambda: workmail.create_resource(OrganizationId=org_id, Name="room2", Type="ROOM"),
        lambda: workmail.update_resource(OrganizationId=org_id, ResourceId=room.pk, Name="hall"),
        lambda: workmail.delete_resource(OrganizationId=org_id, ResourceId=room.pk),
        lambda: workmail.associate_delegate_to_resource(
            OrganizationId=org_id, ResourceId=room.pk, EntityId="jane"
        ),
    ]
    for write in writes:
        with pytest.raises(workmail.exceptions.UnsupportedOperationException):
            write()
    listed = workmail.list_resources(OrganizationId=org_id)["Resources"]
    assert [row["Name"] for row in listed] == ["room1"]
    assert Resource.objects.get().state == UserState.DISABLED


# --- UpdateResource -------------------------------------------------------------------------


def test_update_resource_renames_and_changes_type_description_and_address_book(
    workmail, organization
):
    org_id = organization.organization_id
    room = resources.create_resource(
        organization=organization, name="room1", resource_type="ROOM", description="Old"
    )
    workmail.update_resource(
        OrganizationId=org_id, ResourceId=room.pk, Name="projector", Type="EQUIPMENT",
        Description="4K", HiddenFromGlobalAddressList=True,
    )  # fmt: skip
    described = workmail.describe_resource(OrganizationId=org_id, ResourceId="projector")
    assert (described["Name"], described["Type"], described["Description"]) == (
        "projector", "EQUIPMENT", "4K",
    )  # fmt: skip
    assert described["HiddenFromGlobalAddressList"] is True
    workmail.update_resource(OrganizationId=org_id, ResourceId=room.pk, Description="")
    stored = Resource.objects.get(pk=room.pk)
    assert stored.description == "" and stored.name == "projector"  # only what was given


def test_update_resource_refuses_a_name_taken_in_the_address_book(workmail, organization):
    room = enabled_resource(organization, "room1")
    enabled_user(organization, "jane")
    with pytest.raises(workmail.exceptions.NameAvailabilityException):
        workmail.update_resource(
            OrganizationId=organization.organization_id, ResourceId=room.pk, Name="JANE"
        )
    assert Resource.objects.get(pk=room.pk).name == "room1"


def test_update_resource_refuses_a_deleted_resource(workmail, organization):
    gone = resources.create_resource(organization=organization, name="gone", resource_type="ROOM")
    resources.delete_resource(organization=organization, resource_id=gone.pk)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.update_resource(
            OrganizationId=organization.organization_id, ResourceId=gone.pk, Description="x"
        )


def test_auto_accept_goes_off_only_while_the_resource_has_a_delegate(workmail, organization):
    org_id = organization.organization_id
    room = enabled_resource(organization)
    enabled_user(organization)
    off = {"AutoAcceptRequests": False, "AutoDeclineConflictingRequests": False}
    with pytest.raises(workmail.exceptions.InvalidConfigurationException) as excinfo:
        workmail.update_resource(OrganizationId=org_id, ResourceId=room.pk, BookingOptions=off)
    assert "at least one delegate" in error_message(excinfo)
    assert booking(workmail, org_id, room.pk) == (True, False, True)  # nothing changed
    workmail.associate_delegate_to_resource(
        OrganizationId=org_id, ResourceId=room.pk, EntityId="jane"
    )
    workmail.update_resource(OrganizationId=org_id, ResourceId=room.pk, BookingOptions=off)
    assert booking(workmail, org_id, room.pk) == (False, False, False)
    workmail.update_resource(
        OrganizationId=org_id, ResourceId=room.pk,
        BookingOptions={"AutoDeclineRecurringRequests": True},
    )  # fmt: skip
    assert booking(workmail, org_id, room.pk) == (False, True, False)  # the others kept


def test_booking_options_saved_on_the_console_read_back_through_describe_resource(
    workmail, admin_client, organization
):
    room = enabled_resource(organization)
    url = reverse(
        "resources:booking", args=[organization.region, organization.organization_id, room.pk]
    )
    response = admin_client.post(
        url, {"auto_accept_requests": "on", "auto_decline_recurring_requests": "on"}
    )
    assert response.status_code == 302
    assert booking(workmail, organization.organization_id, room.pk) == (True, True, False)


# --- ListResources --------------------------------------------------------------------------


def names(answer: dict) -> list[str]:
    return [row["Name"] for row in answer["Resources"]]


def test_list_resources_filters_by_name_prefix_address_prefix_or_state(workmail, organization):
    org_id = organization.organization_id
    enabled_resource(organization, "room1")
    enabled_resource(organization, "room2")
    enabled_resource(organization, "van", "EQUIPMENT")
    resources.create_resource(organization=organization, name="draft", resource_type="ROOM")
    gone = resources.create_resource(organization=organization, name="gone", resource_type="ROOM")
    resources.delete_resource(organization=organization, resource_id=gone.pk)

    everything = workmail.list_resources(OrganizationId=org_id)
    assert names(everything) == ["draft", "room1", "room2", "van"]
    assert everything["Resources"][3]["Type"] == "EQUIPMENT"
    by_name = workmail.list_resources(OrganizationId=org_id, Filters={"NamePrefix": "ROOM"})
    assert names(by_name) == ["room1", "room2"]
    by_email = workmail.list_resources(OrganizationId=org_id, Filters={"PrimaryEmailPrefix": "v"})
    assert names(by_email) == ["van"]
    assert by_email["Resources"][0]["Email"] == f"van@{organization.test_domain}"
    disabled = workmail.list_resources(OrganizationId=org_id, Filters={"State": "DISABLED"})
    assert names(disabled) == ["draft"]
    deleted = workmail.list_resources(OrganizationId=org_id, Filters={"State": "DELETED"})
    assert names(deleted) == ["gone"]


def test_list_resources_takes_one_filter_per_request(workmail, org_id):
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.list_resources(
            OrganizationId=org_id, Filters={"NamePrefix": "r", "PrimaryEmailPrefix": "r"}
        )
    assert "Only one filter per request" in error_message(excinfo)


def test_the_list_resources_paginator_walks_every_resource_once_in_order(workmail, organization):
    for name in ("r1", "r2", "r3", "r4", "r5"):
        enabled_resource(organization, name)
    pages = list(
        workmail.get_paginator("list_resources").paginate(
            OrganizationId=organization.organization_id, PaginationConfig={"PageSize": 2}
        )
    )
    assert [names(page) for page in pages] == [["r1", "r2"], ["r3", "r4"], ["r5"]]


def test_a_list_resources_token_holds_only_for_its_filters(workmail, organization):
    for name in ("r1", "r2", "r3"):
        enabled_resource(organization, name)
    org_id = organization.organization_id
    first = workmail.list_resources(
        OrganizationId=org_id, MaxResults=1, Filters={"State": "ENABLED"}
    )
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.list_resources(
            OrganizationId=org_id, NextToken=first["NextToken"], Filters={"State": "DISABLED"}
        )
    assert error_message(excinfo) == "The NextToken is invalid."


# --- DeleteResource -------------------------------------------------------------------------


def test_delete_resource_needs_a_disabled_resource(workmail, organization):
    room = enabled_resource(organization)
    with pytest.raises(workmail.exceptions.EntityStateException) as excinfo:
        workmail.delete_resource(OrganizationId=organization.organization_id, ResourceId="room1")
    assert "You must first disable the resource" in error_message(excinfo)
    assert Resource.objects.get(pk=room.pk).state == UserState.ENABLED


def test_delete_resource_deletes_a_disabled_one_and_again_changes_nothing(workmail, organization):
    org_id = organization.organization_id
    room = enabled_resource(organization)
    resources.disable_resource(organization=organization, resource_id=room.pk)
    workmail.delete_resource(OrganizationId=org_id, ResourceId="room1")
    workmail.delete_resource(OrganizationId=org_id, ResourceId=room.pk)
    described = workmail.describe_resource(OrganizationId=org_id, ResourceId=room.pk)
    assert described["State"] == "DELETED"
    assert "Email" not in described  # its address is free again, as its name is
    assert names(workmail.list_resources(OrganizationId=org_id)) == []
    workmail.create_resource(OrganizationId=org_id, Name="room1", Type="ROOM")


# --- Delegates ------------------------------------------------------------------------------


def test_delegates_are_users_and_groups_with_their_type(workmail, organization):
    org_id = organization.organization_id
    room = enabled_resource(organization)
    jane = enabled_user(organization)
    sales = groups.create_group(
        organization=organization, name="sales", email=f"sales@{organization.test_domain}"
    )
    for entity in ("jane", f"sales@{organization.test_domain}", "jane"):
        workmail.associate_delegate_to_resource(
            OrganizationId=org_id, ResourceId="room1", EntityId=entity
        )
    delegates = workmail.list_resource_delegates(OrganizationId=org_id, ResourceId=room.pk)
    assert delegates["Delegates"] == [
        {"Id": str(jane.pk), "Type": "USER"},
        {"Id": str(sales.pk), "Type": "GROUP"},
    ]
    assert ResourceDelegate.objects.count() == 2  # the second add changed nothing


def test_only_an_enabled_resource_takes_delegates_and_only_enabled_ones(workmail, organization):
    org_id = organization.organization_id
    enabled_resource(organization, "room1")
    resources.create_resource(organization=organization, name="draft", resource_type="ROOM")
    enabled_user(organization)
    MailUserFactory(directory=organization.directory, name="bob")
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.associate_delegate_to_resource(
            OrganizationId=org_id, ResourceId="draft", EntityId="jane"
        )
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.associate_delegate_to_resource(
            OrganizationId=org_id, ResourceId="room1", EntityId="bob"
        )
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.associate_delegate_to_resource(
            OrganizationId=org_id, ResourceId="room1", EntityId="nobody"
        )
    assert not ResourceDelegate.objects.exists()


def test_disassociate_delegate_removes_it_and_a_non_delegate_is_not_found(workmail, organization):
    org_id = organization.organization_id
    enabled_resource(organization)
    enabled_user(organization)
    enabled_user(organization, "bob")
    workmail.associate_delegate_to_resource(
        OrganizationId=org_id, ResourceId="room1", EntityId="jane"
    )
    workmail.disassociate_delegate_from_resource(
        OrganizationId=org_id, ResourceId="room1", EntityId="jane"
    )
    assert (
        workmail.list_resource_delegates(OrganizationId=org_id, ResourceId="room1")["Delegates"]
        == []
    )
    with pytest.raises(workmail.exceptions.EntityNotFoundException) as excinfo:
        workmail.disassociate_delegate_from_resource(
            OrganizationId=org_id, ResourceId="room1", EntityId="bob"
        )
    assert error_message(excinfo) == "bob is not a delegate of resource room1."


def test_the_last_delegate_of_a_resource_that_accepts_nothing_itself_stays(workmail, organization):
    org_id = organization.organization_id
    room = enabled_resource(organization)
    enabled_user(organization)
    workmail.associate_delegate_to_resource(
        OrganizationId=org_id, ResourceId="room1", EntityId="jane"
    )
    workmail.update_resource(
        OrganizationId=org_id, ResourceId="room1", BookingOptions={"AutoAcceptRequests": False}
    )
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.disassociate_delegate_from_resource(
            OrganizationId=org_id, ResourceId="room1", EntityId="jane"
        )
    assert "is the last delegate of room1" in error_message(excinfo)
    assert ResourceDelegate.objects.filter(resource=room).count() == 1


def test_list_resource_delegates_of_a_deleted_resource_is_refused(workmail, organization):
    gone = resources.create_resource(organization=organization, name="gone", resource_type="ROOM")
    resources.delete_resource(organization=organization, resource_id=gone.pk)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.list_resource_delegates(
            OrganizationId=organization.organization_id, ResourceId=gone.pk
        )


def test_the_list_resource_delegates_paginator_walks_every_delegate_once(workmail, organization):
    room = enabled_resource(organization)
    people = [enabled_user(organization, name) for name in ("u1", "u2", "u3", "u4", "u5")]
    for person in people:
        resources.associate_delegate(
            organization=organization, resource_id=room.pk, entity_id=str(person.pk)
        )
    pages = list(
        workmail.get_paginator("list_resource_delegates").paginate(
            OrganizationId=organization.organization_id,
            ResourceId=room.pk,
            PaginationConfig={"PageSize": 2},
        )
    )
    assert [[d["Id"] for d in page["Delegates"]] for page in pages] == [
        [str(people[0].pk), str(people[1].pk)],
        [str(people[2].pk), str(people[3].pk)],
        [str(people[4].pk)],
    ]


def test_a_list_resource_delegates_token_holds_only_for_its_resource(workmail, organization):
    org_id = organization.organization_id
    for person in ("u1", "u2"):
        enabled_user(organization, person)
    for name in ("room1", "room2"):
        enabled_resource(organization, name)
        for person in ("u1", "u2"):
            resources.associate_delegate(
                organization=organization, resource_id=name, entity_id=person
            )
    first = workmail.list_resource_delegates(
        OrganizationId=org_id, ResourceId="room1", MaxResults=1
    )
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_resource_delegates(
            OrganizationId=org_id, ResourceId="room2", NextToken=first["NextToken"]
        )
