"""The users' API operations through boto3: CreateUser, DescribeUser, ListUsers, UpdateUser,
ResetPassword, DeleteUser, UpdatePrimaryEmailAddress, UpdateMailboxQuota, GetMailboxDetails, and
RegisterToWorkMail / DeregisterFromWorkMail for users, groups and resources."""

from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from django.contrib.auth.hashers import check_password

from directories.models import DirectoryType
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import MailDomainFactory, MailUserFactory, active_organization
from users import groups, resources
from users import services as users
from users.models import EmailAlias, Group, Resource, UserState
from users.models import User as MailUser
from workmail_console.models import Membership

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization(admin: Membership) -> Organization:
    return active_organization(account=admin.account)


def org_id(organization: Organization) -> str:
    return organization.organization_id


def create(workmail: Any, organization: Organization, name: str = "jane", **fields: Any) -> str:
    values = {"DisplayName": name.title(), "Password": PASSWORD, **fields}
    return workmail.create_user(OrganizationId=org_id(organization), Name=name, **values)["UserId"]


def register(workmail: Any, organization: Organization, entity_id: str, email: str) -> None:
    workmail.register_to_work_mail(
        OrganizationId=org_id(organization), EntityId=entity_id, Email=email
    )


def enabled(workmail: Any, organization: Organization, name: str = "jane") -> str:
    """A user made with CreateUser and enabled with RegisterToWorkMail at the test domain."""
    user_id = create(workmail, organization, name)
    register(workmail, organization, user_id, f"{name}@{organization.test_domain}")
    return user_id


def describe(workmail: Any, organization: Organization, user_id: str) -> dict[str, Any]:
    return workmail.describe_user(OrganizationId=org_id(organization), UserId=user_id)


def stored(user_id: str) -> MailUser:
    return MailUser.objects.get(pk=user_id)


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def message(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Message"]


# --- CreateUser ------------------------------------------------------------------------------


def test_create_user_makes_a_disabled_user_without_an_address_until_it_is_registered(
    workmail, organization
):
    user_id = create(workmail, organization, FirstName="Jane", LastName="Doe")
    user = stored(user_id)
    assert (user.name, user.display_name, user.first_name, user.last_name) == (
        "jane", "Jane", "Jane", "Doe",
    )  # fmt: skip
    assert (user.state, user.email, user.role) == (UserState.DISABLED, None, "USER")
    assert check_password(PASSWORD, user.password) and PASSWORD not in user.password
    assert user.directory_id == organization.directory_id


def test_create_user_keeps_hidden_from_the_global_address_list(workmail, organization):
    user_id = create(workmail, organization, HiddenFromGlobalAddressList=True)
    assert stored(user_id).hidden_from_global_address_list is True


def test_a_name_is_one_users_group_or_resource_in_any_case(workmail, organization):
    create(workmail, organization, "jane")
    with pytest.raises(workmail.exceptions.NameAvailabilityException):
        create(workmail, organization, "JANE")
    groups.create_group(organization=organization, name="sales")
    with pytest.raises(workmail.exceptions.NameAvailabilityException) as excinfo:
        create(workmail, organization, "sales")
    assert "already used by a group" in message(excinfo)


def test_create_user_refuses_a_reserved_name(workmail, organization):
    with pytest.raises(workmail.exceptions.ReservedNameException):
        create(workmail, organization, "amazonjournaling", Password="An0ther-Secret")


def test_create_user_applies_the_password_policy(workmail, organization):
    with pytest.raises(workmail.exceptions.InvalidPasswordException) as excinfo:
        create(workmail, organization, Password="short1A")
    assert message(excinfo) == "The password must be at least 8 characters long."
    with pytest.raises(workmail.exceptions.InvalidPasswordException) as excinfo:
        workmail.create_user(OrganizationId=org_id(organization), Name="jane", DisplayName="J")
    assert message(excinfo) == "Enter a password."
    assert not users.users_of(organization).exists()


def test_create_user_checks_the_name_against_the_directory(workmail, organization):
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        create(workmail, organization, "x" * 65)
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        create(workmail, organization, "jane doe")


@pytest.mark.parametrize("role", ["SYSTEM_USER", "RESOURCE"])
def test_create_user_refuses_the_roles_the_model_forbids(workmail, organization, role):
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        create(workmail, organization, Role=role)
    assert f"You cannot pass the {role} role" in message(excinfo)


def test_remote_users_and_identity_center_ids_are_not_emulated(workmail, organization):
    with pytest.raises(workmail.exceptions.UnsupportedOperationException):
        create(workmail, organization, Role="REMOTE_USER")
    with pytest.raises(workmail.exceptions.UnsupportedOperationException):
        create(
            workmail, organization, IdentityProviderUserId="12345678-1234-1234-1234-123456789012"
        )
    assert not users.users_of(organization).exists()
    assert stored(create(workmail, organization, Role="USER")).role == "USER"


def test_users_are_made_only_in_an_active_organization_of_the_callers_account(
    workmail, stranger_workmail, admin
):
    creating = active_organization(account=admin.account, state=State.CREATING)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        create(workmail, creating)
    mine = active_organization(account=admin.account)
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        create(stranger_workmail, mine)
    with pytest.raises(workmail.exceptions.OrganizationNotFoundException):
        create(workmail, active_organization(account=admin.account, region="us-west-2"))
    assert not MailUser.objects.exists()


def test_an_inactive_organization_gets_no_new_users(workmail, admin):
    inactive = active_organization(account=admin.account, state=State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        create(workmail, inactive)


# --- DescribeUser ----------------------------------------------------------------------------


def test_describe_user_gives_every_member_the_user_has(workmail, organization):
    user_id = create(
        workmail, organization, FirstName="Jane", LastName="Doe", HiddenFromGlobalAddressList=True
    )
    register(workmail, organization, user_id, f"jane@{organization.test_domain}")
    workmail.update_user(
        OrganizationId=org_id(organization), UserId=user_id, JobTitle="Engineer", ZipCode="75001"
    )
    described = describe(workmail, organization, user_id)
    described.pop("ResponseMetadata")
    assert isinstance(described.pop("EnabledDate"), datetime)
    assert isinstance(described.pop("MailboxProvisionedDate"), datetime)
    assert described == {
        "UserId": user_id,
        "Name": "jane",
        "Email": f"jane@{organization.test_domain}",
        "DisplayName": "Jane",
        "State": "ENABLED",
        "UserRole": "USER",
        "FirstName": "Jane",
        "LastName": "Doe",
        "HiddenFromGlobalAddressList": True,
        "JobTitle": "Engineer",
        "ZipCode": "75001",
    }


def test_a_disabled_user_has_its_disabled_date_and_no_mailbox_since(workmail, organization):
    user_id = enabled(workmail, organization)
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=user_id)
    described = describe(workmail, organization, user_id)
    user = stored(user_id)
    assert described["State"] == "DISABLED"
    assert described["DisabledDate"] == described["MailboxDeprovisionedDate"]
    assert described["DisabledDate"].timestamp() == pytest.approx(user.disabled_date.timestamp())
    register(workmail, organization, user_id, user.email)
    assert "MailboxDeprovisionedDate" not in describe(workmail, organization, user_id)


def test_describe_user_finds_a_user_by_id_name_or_email_in_any_case(workmail, organization):
    user_id = enabled(workmail, organization)
    for identifier in ("jane", "JANE", f"Jane@{organization.test_domain}"):
        assert describe(workmail, organization, identifier)["UserId"] == user_id


def test_describe_user_of_nobody_is_entity_not_found(workmail, organization):
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        describe(workmail, organization, "nobody")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        describe(workmail, organization, "12345678-1234-1234-1234-123456789012")


def test_another_accounts_user_is_not_found(workmail, stranger_workmail, organization):
    user_id = enabled(workmail, organization)
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        describe(stranger_workmail, organization, user_id)
    elsewhere = active_organization(account=organization.account)
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        describe(workmail, elsewhere, user_id)


def test_an_inactive_organizations_users_are_still_read(workmail, admin):
    inactive = active_organization(account=admin.account, state=State.INACTIVE)
    user = MailUserFactory(directory=inactive.directory)
    assert describe(workmail, inactive, str(user.pk))["State"] == "DISABLED"
    deleting = active_organization(account=admin.account, state=State.DELETING)
    gone = MailUserFactory(directory=deleting.directory)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        describe(workmail, deleting, str(gone.pk))


# --- ListUsers -------------------------------------------------------------------------------


def summaries(workmail: Any, organization: Organization, **filters: Any) -> list[dict]:
    paginator = workmail.get_paginator("list_users")
    pages = paginator.paginate(
        OrganizationId=org_id(organization),
        **({"Filters": filters} if filters else {}),
        PaginationConfig={"PageSize": 2},
    )
    return [user for page in pages for user in page["Users"]]


def test_list_users_pages_through_every_user_once_by_name(workmail, organization):
    names = [f"user{i:02}" for i in range(7)]
    for name in reversed(names):
        create(workmail, organization, name)
    listed = summaries(workmail, organization)
    assert [user["Name"] for user in listed] == names
    first = listed[0]
    assert set(first) == {"Id", "Name", "DisplayName", "State", "UserRole"}
    assert (first["State"], first["UserRole"]) == ("DISABLED", "USER")


def test_a_listed_user_has_its_address_and_dates(workmail, organization):
    user_id = enabled(workmail, organization)
    (listed,) = summaries(workmail, organization)
    assert listed["Id"] == user_id and listed["Email"] == f"jane@{organization.test_domain}"
    assert isinstance(listed["EnabledDate"], datetime) and "DisabledDate" not in listed


def test_list_users_filters_by_each_prefix_in_any_case(workmail, organization):
    for name, display in (("anna", "Zoe Anna"), ("annie", "Annie"), ("bob", "Bob")):
        create(workmail, organization, name, DisplayName=display)
    register(workmail, organization, "bob", f"anna.b@{organization.test_domain}")

    def names(**filters: str) -> list[str]:
        return [user["Name"] for user in summaries(workmail, organization, **filters)]

    assert names(UsernamePrefix="ANN") == ["anna", "annie"]
    assert names(DisplayNamePrefix="zoe") == ["anna"]
    assert names(DisplayNamePrefix="anna") == []  # "Zoe Anna" has it, but not first
    assert names(PrimaryEmailPrefix="Anna.") == ["bob"]
    assert names(State="ENABLED") == ["bob"]
    assert names(UsernamePrefix="a%") == []  # a prefix, not a pattern
    assert names(IdentityProviderUserIdPrefix="1234") == []


def test_list_users_takes_one_filter_per_request(workmail, organization):
    create(workmail, organization, "anna")
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.list_users(
            OrganizationId=org_id(organization),
            Filters={"UsernamePrefix": "an", "State": "DISABLED"},
        )
    assert message(excinfo).startswith("Only one filter per request is supported")


def test_deleted_users_are_listed_only_when_that_state_is_asked_for(workmail, organization):
    gone = create(workmail, organization, "gone")
    workmail.delete_user(OrganizationId=org_id(organization), UserId=gone)
    create(workmail, organization, "kept")
    assert [user["Name"] for user in summaries(workmail, organization)] == ["kept"]
    deleted = summaries(workmail, organization, State="DELETED")
    assert [(user["Id"], user["State"]) for user in deleted] == [(gone, "DELETED")]


def test_a_next_token_holds_only_for_the_filters_it_was_made_for(workmail, organization):
    for name in ("anna", "annie", "anya"):
        create(workmail, organization, name)
    first = workmail.list_users(
        OrganizationId=org_id(organization), Filters={"UsernamePrefix": "an"}, MaxResults=1
    )
    token = first["NextToken"]
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.list_users(
            OrganizationId=org_id(organization), Filters={"UsernamePrefix": "ann"},
            NextToken=token, MaxResults=1,
        )  # fmt: skip
    assert message(excinfo) == "The NextToken is invalid."
    other = active_organization(account=organization.account)
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.list_users(
            OrganizationId=org_id(other), Filters={"UsernamePrefix": "an"}, NextToken=token
        )
    second = workmail.list_users(
        OrganizationId=org_id(organization), Filters={"UsernamePrefix": "an"}, NextToken=token,
        MaxResults=1,
    )  # fmt: skip
    assert [user["Name"] for user in second["Users"]] == ["annie"]


def test_list_users_of_an_organization_not_there_or_not_active(workmail, admin):
    with pytest.raises(workmail.exceptions.OrganizationNotFoundException):
        workmail.list_users(OrganizationId="m-" + "0" * 32)
    creating = active_organization(account=admin.account, state=State.CREATING)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        workmail.list_users(OrganizationId=org_id(creating))


# --- UpdateUser ------------------------------------------------------------------------------


def test_update_user_changes_what_is_given_and_keeps_the_rest(workmail, organization):
    user_id = create(workmail, organization, FirstName="Jane", LastName="Doe")
    answer = workmail.update_user(
        OrganizationId=org_id(organization), UserId="jane", DisplayName="Jane D.",
        Initials="JD", Telephone="555", Street="1 Main St", JobTitle="CTO", City="Paris",
        Company="Example", ZipCode="75001", Department="R&D", Country="FR", Office="3A",
        HiddenFromGlobalAddressList=True, Role="USER",
    )  # fmt: skip
    assert set(answer) == {"ResponseMetadata"}
    user = stored(user_id)
    assert (user.display_name, user.first_name, user.last_name) == ("Jane D.", "Jane", "Doe")
    assert [user.initials, user.telephone, user.street, user.job_title, user.city] == [
        "JD", "555", "1 Main St", "CTO", "Paris",
    ]  # fmt: skip
    assert [user.company, user.zip_code, user.department, user.country, user.office] == [
        "Example", "75001", "R&D", "FR", "3A",
    ]  # fmt: skip
    assert user.hidden_from_global_address_list is True


def test_update_user_refuses_a_forbidden_role_and_an_identity_center_id(workmail, organization):
    user_id = create(workmail, organization)
    with pytest.raises(workmail.exceptions.InvalidParameterException):
        workmail.update_user(
            OrganizationId=org_id(organization), UserId=user_id, Role="SYSTEM_USER",
            DisplayName="Changed",
        )  # fmt: skip
    with pytest.raises(workmail.exceptions.UnsupportedOperationException):
        workmail.update_user(
            OrganizationId=org_id(organization), UserId=user_id,
            IdentityProviderUserId="12345678-1234-1234-1234-123456789012",
        )  # fmt: skip
    assert stored(user_id).display_name == "Jane"


def test_a_deleted_user_is_not_updated(workmail, organization):
    user_id = create(workmail, organization)
    workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.update_user(OrganizationId=org_id(organization), UserId=user_id, City="Oslo")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.update_user(OrganizationId=org_id(organization), UserId="nobody", City="Oslo")


def test_update_user_refuses_a_blank_display_name(workmail, organization):
    user_id = create(workmail, organization)
    with pytest.raises(workmail.exceptions.InvalidParameterException) as excinfo:
        workmail.update_user(OrganizationId=org_id(organization), UserId=user_id, DisplayName=" ")
    assert message(excinfo) == "Enter a display name."


# --- ResetPassword ---------------------------------------------------------------------------


def test_reset_password_stores_the_new_password_under_the_policy(workmail, organization):
    user_id = enabled(workmail, organization)
    workmail.reset_password(
        OrganizationId=org_id(organization), UserId=user_id, Password="N3w-Password"
    )
    assert check_password("N3w-Password", stored(user_id).password)
    with pytest.raises(workmail.exceptions.InvalidPasswordException) as excinfo:
        workmail.reset_password(
            OrganizationId=org_id(organization), UserId=user_id, Password="jane-Jane-1"
        )
    assert message(excinfo) == "The password can't contain the user name."
    assert check_password("N3w-Password", stored(user_id).password)


def test_reset_password_of_a_deleted_or_unknown_user(workmail, organization):
    user_id = create(workmail, organization)
    workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.reset_password(
            OrganizationId=org_id(organization), UserId=user_id, Password="N3w-Password"
        )
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.reset_password(
            OrganizationId=org_id(organization),
            UserId="12345678-1234-1234-1234-123456789012",
            Password="N3w-Password",
        )


# --- DeleteUser ------------------------------------------------------------------------------


def test_only_a_disabled_user_is_deleted_and_its_name_is_free_again(workmail, organization):
    user_id = enabled(workmail, organization)
    with pytest.raises(workmail.exceptions.EntityStateException) as excinfo:
        workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    assert "disable it first" in message(excinfo)
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=user_id)
    workmail.delete_user(OrganizationId=org_id(organization), UserId="jane")
    described = describe(workmail, organization, user_id)
    assert described["State"] == "DELETED" and "Email" not in described  # the address is free
    assert create(workmail, organization, "jane") != user_id


def test_a_deleted_user_is_already_deleted(workmail, organization):
    user_id = create(workmail, organization)
    workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException) as excinfo:
        workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    assert "already deleted" in message(excinfo)


# --- UpdatePrimaryEmailAddress ---------------------------------------------------------------


def test_a_users_new_primary_address_keeps_the_old_one_as_an_alias(workmail, organization):
    user_id = enabled(workmail, organization)
    domain = organization.test_domain
    workmail.update_primary_email_address(
        OrganizationId=org_id(organization), EntityId="jane", Email=f"j.doe@{domain}"
    )
    user = stored(user_id)
    assert user.email == f"j.doe@{domain}"
    assert list(EmailAlias.objects.filter(user=user).values_list("address", flat=True)) == [
        f"jane@{domain}"
    ]


def test_a_groups_and_a_resources_primary_address_change_by_name_or_id(workmail, organization):
    domain = organization.test_domain
    group = groups.create_group(organization=organization, name="sales", email=f"sales@{domain}")
    room = resources.create_resource(
        organization=organization, name="room1", resource_type="ROOM", email=f"room1@{domain}"
    )
    workmail.update_primary_email_address(
        OrganizationId=org_id(organization), EntityId="sales", Email=f"team@{domain}"
    )
    workmail.update_primary_email_address(
        OrganizationId=org_id(organization), EntityId=room.pk, Email=f"board@{domain}"
    )
    assert Group.objects.get(pk=group.pk).email == f"team@{domain}"
    assert Resource.objects.get(pk=room.pk).email == f"board@{domain}"


def test_update_primary_email_address_refusals(workmail, organization):
    user_id = enabled(workmail, organization)
    enabled(workmail, organization, "john")
    MailDomainFactory(organization=organization, name="pending.example.com")

    def update(email: str, entity_id: str = user_id) -> None:
        workmail.update_primary_email_address(
            OrganizationId=org_id(organization), EntityId=entity_id, Email=email
        )

    with pytest.raises(workmail.exceptions.EmailAddressInUseException):
        update(f"john@{organization.test_domain}")
    with pytest.raises(workmail.exceptions.MailDomainNotFoundException):
        update("jane@elsewhere.example.com")
    with pytest.raises(workmail.exceptions.MailDomainStateException):
        update("jane@pending.example.com")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        update(f"x@{organization.test_domain}", "nobody")
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException):
        update(f"new@{organization.test_domain}")
    assert stored(user_id).email == f"jane@{organization.test_domain}"


# --- UpdateMailboxQuota and GetMailboxDetails ------------------------------------------------


def mailbox(workmail: Any, organization: Organization, user_id: str) -> tuple[int, float]:
    details = workmail.get_mailbox_details(OrganizationId=org_id(organization), UserId=user_id)
    return details["MailboxQuota"], details["MailboxSize"]


def test_a_mailbox_has_50_gb_and_nothing_in_it_until_its_quota_changes(workmail, organization):
    user_id = enabled(workmail, organization)
    assert mailbox(workmail, organization, user_id) == (51200, 0.0)
    workmail.update_mailbox_quota(
        OrganizationId=org_id(organization), UserId="jane", MailboxQuota=1024
    )
    assert mailbox(workmail, organization, f"jane@{organization.test_domain}") == (1024, 0.0)


def test_a_quota_is_1_to_51200_mb_of_an_enabled_users_mailbox(workmail, organization):
    user_id = enabled(workmail, organization)

    def update(quota: int, user: str = user_id) -> None:
        workmail.update_mailbox_quota(
            OrganizationId=org_id(organization), UserId=user, MailboxQuota=quota
        )

    with pytest.raises(workmail.exceptions.InvalidParameterException):
        update(51201)
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        update(100, "nobody")
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException):
        update(100)
    assert mailbox(workmail, organization, user_id) == (51200, 0.0)


def test_a_group_has_no_mailbox_details(workmail, organization):
    groups.create_group(organization=organization, name="sales")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        mailbox(workmail, organization, "sales")


# --- RegisterToWorkMail and DeregisterFromWorkMail -------------------------------------------


def test_register_enables_a_user_with_its_address_by_id_or_name(workmail, organization):
    jane = create(workmail, organization, "jane")
    john = create(workmail, organization, "john")
    register(workmail, organization, jane, f"jane@{organization.test_domain}")
    register(workmail, organization, "john", f"JOHN@{organization.test_domain.upper()}")
    assert (stored(jane).state, stored(jane).email) == (
        "ENABLED",
        f"jane@{organization.test_domain}",
    )
    assert (stored(john).state, stored(john).email) == (
        "ENABLED",
        f"JOHN@{organization.test_domain}",
    )
    assert Organization.objects.get(pk=organization.pk).no_enabled_users_since is None


def test_register_and_deregister_a_group_and_a_resource(workmail, organization):
    domain = organization.test_domain
    group = groups.create_group(organization=organization, name="sales")
    room = resources.create_resource(organization=organization, name="room1", resource_type="ROOM")
    register(workmail, organization, str(group.pk), f"sales@{domain}")
    register(workmail, organization, "room1", f"room1@{domain}")
    assert (
        Group.objects.get(pk=group.pk).state == Resource.objects.get(pk=room.pk).state == "ENABLED"
    )
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId="sales")
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=room.pk)
    assert Group.objects.get(pk=group.pk).state == "DISABLED"
    assert Resource.objects.get(pk=room.pk).state == "DISABLED"


def test_registering_an_enabled_entity_again_with_its_address_changes_nothing(
    workmail, organization
):
    user_id = enabled(workmail, organization)
    before = stored(user_id)
    register(workmail, organization, user_id, f"JANE@{organization.test_domain}")
    after = stored(user_id)
    assert (after.email, after.enabled_date) == (before.email, before.enabled_date)


@pytest.mark.parametrize("kind", ["user", "group", "resource"])
def test_registering_an_enabled_entity_with_another_address_is_already_registered(
    workmail, organization, kind
):
    domain = organization.test_domain
    if kind == "user":
        entity_id = enabled(workmail, organization, "thing")
    elif kind == "group":
        entity_id = str(
            groups.create_group(organization=organization, name="thing", email=f"thing@{domain}").pk
        )
    else:
        entity_id = resources.create_resource(
            organization=organization, name="thing", resource_type="ROOM", email=f"thing@{domain}"
        ).pk
    with pytest.raises(workmail.exceptions.EntityAlreadyRegisteredException) as excinfo:
        register(workmail, organization, entity_id, f"other@{domain}")
    assert f"thing@{domain}" in message(excinfo)


def test_register_refuses_a_deleted_user(workmail, organization):
    user_id = create(workmail, organization)
    workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException) as excinfo:
        register(workmail, organization, user_id, f"jane@{organization.test_domain}")
    assert "deleted" in message(excinfo)


def test_register_refuses_an_address_in_use_or_off_the_organizations_verified_domains(
    workmail, organization
):
    enabled(workmail, organization, "john")
    groups.create_group(
        organization=organization, name="sales", email=f"sales@{organization.test_domain}"
    )
    user_id = create(workmail, organization)
    MailDomainFactory(organization=organization, name="pending.example.com")
    for email, error in (
        (f"john@{organization.test_domain}", workmail.exceptions.EmailAddressInUseException),
        (f"SALES@{organization.test_domain}", workmail.exceptions.EmailAddressInUseException),
        ("jane@elsewhere.example.com", workmail.exceptions.MailDomainNotFoundException),
        ("jane@pending.example.com", workmail.exceptions.MailDomainStateException),
    ):
        with pytest.raises(error):
            register(workmail, organization, user_id, email)
    assert (stored(user_id).state, stored(user_id).email) == ("DISABLED", None)


def test_register_and_deregister_of_nobody_are_entity_not_found(workmail, organization):
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        register(workmail, organization, "nobody", f"nobody@{organization.test_domain}")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId="nobody")


def test_registering_a_user_of_an_inactive_organization_makes_it_active_again(workmail, admin):
    inactive = active_organization(account=admin.account, state=State.INACTIVE)
    inactive.mail_domains.all().delete()
    Organization.objects.filter(pk=inactive.pk).update(alias_released_at=inactive.created_date)
    user = MailUserFactory(directory=inactive.directory, name="jane")
    register(workmail, inactive, "jane", f"jane@{inactive.test_domain}")
    assert Organization.objects.get(pk=inactive.pk).state == State.ACTIVE
    assert stored(user.pk).state == UserState.ENABLED


def test_deregister_disables_by_email_and_a_disabled_user_stays_as_it_is(workmail, organization):
    user_id = enabled(workmail, organization)
    workmail.deregister_from_work_mail(
        OrganizationId=org_id(organization), EntityId=f"jane@{organization.test_domain}"
    )
    disabled_date = stored(user_id).disabled_date
    assert stored(user_id).state == "DISABLED" and disabled_date is not None
    workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=user_id)
    assert stored(user_id).disabled_date == disabled_date


def test_deregister_refuses_a_deleted_entity(workmail, organization):
    user_id = create(workmail, organization)
    workmail.delete_user(OrganizationId=org_id(organization), UserId=user_id)
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.deregister_from_work_mail(OrganizationId=org_id(organization), EntityId=user_id)


# --- Who may call ----------------------------------------------------------------------------

WRITES = {
    "create_user": lambda o, u: {"OrganizationId": o, "Name": "ops", "DisplayName": "Ops",
                                 "Password": PASSWORD},
    "update_user": lambda o, u: {"OrganizationId": o, "UserId": u, "DisplayName": "Changed"},
    "reset_password": lambda o, u: {"OrganizationId": o, "UserId": u, "Password": "N3w-Password"},
    "delete_user": lambda o, u: {"OrganizationId": o, "UserId": u},
    "register_to_work_mail": lambda o, u: {"OrganizationId": o, "EntityId": u,
                                          "Email": "other@example.com"},
    "deregister_from_work_mail": lambda o, u: {"OrganizationId": o, "EntityId": u},
    "update_primary_email_address": lambda o, u: {"OrganizationId": o, "EntityId": u,
                                                  "Email": "other@example.com"},
    "update_mailbox_quota": lambda o, u: {"OrganizationId": o, "UserId": u, "MailboxQuota": 10},
}  # fmt: skip


@pytest.mark.parametrize("method", sorted(WRITES))
def test_an_ops_key_is_refused_every_write(workmail, ops_workmail, organization, method):
    user_id = enabled(workmail, organization)
    before = MailUser.objects.values().get(pk=user_id)
    with pytest.raises(ClientError) as excinfo:
        getattr(ops_workmail, method)(**WRITES[method](org_id(organization), user_id))
    assert code(excinfo) == "AccessDeniedException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert MailUser.objects.values().get(pk=user_id) == before
    assert MailUser.objects.count() == 1


def test_an_ops_key_reads_users(workmail, ops_workmail, organization):
    user_id = enabled(workmail, organization)
    assert describe(ops_workmail, organization, user_id)["Name"] == "jane"
    listed = ops_workmail.list_users(OrganizationId=org_id(organization))["Users"]
    assert [user["Id"] for user in listed] == [user_id]
    assert mailbox(ops_workmail, organization, user_id) == (51200, 0.0)


# --- AD Connector organizations --------------------------------------------------------------


@pytest.fixture
def connector(admin: Membership) -> Organization:
    return active_organization(account=admin.account, directory_type=DirectoryType.AD_CONNECTOR)


def test_an_ad_connectors_users_are_only_enabled_and_disabled(workmail, connector):
    user = users.add_directory_user(
        directory=connector.directory, name="jdoe", display_name="J Doe"
    )
    register(workmail, connector, "jdoe", f"jdoe@{connector.test_domain}")
    assert stored(user.pk).state == "ENABLED"
    unsupported = workmail.exceptions.UnsupportedOperationException
    with pytest.raises(unsupported) as excinfo:
        create(workmail, connector, "jane")
    assert "AD Connector" in message(excinfo)
    writes = (
        lambda: workmail.update_user(OrganizationId=org_id(connector), UserId="jdoe", City="X"),
        lambda: workmail.reset_password(
            OrganizationId=org_id(connector), UserId=str(user.pk), Password="N3w-Password"
        ),
        lambda: workmail.update_mailbox_quota(
            OrganizationId=org_id(connector), UserId="jdoe", MailboxQuota=10
        ),
        lambda: workmail.update_primary_email_address(
            OrganizationId=org_id(connector), EntityId="jdoe", Email=f"j@{connector.test_domain}"
        ),
    )
    for write in writes:
        with pytest.raises(unsupported):
            write()
    workmail.deregister_from_work_mail(OrganizationId=org_id(connector), EntityId="jdoe")
    with pytest.raises(unsupported):
        workmail.delete_user(OrganizationId=org_id(connector), UserId="jdoe")
    assert stored(user.pk).state == "DISABLED"
