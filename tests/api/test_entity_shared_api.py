"""The API's aliases and mailbox permissions (CreateAlias, DeleteAlias, ListAliases,
PutMailboxPermissions, DeleteMailboxPermissions, ListMailboxPermissions) through boto3, on the
services the user, group and resource pages use."""

import pytest
from botocore.exceptions import ClientError
from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import MailDomainFactory, active_organization
from tests.html import texts
from users import addresses, groups, resources, services
from users.models import EmailAlias, Group, MailboxPermission, Resource, User

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def at(organization: Organization, local: str) -> str:
    return f"{local}@{organization.test_domain}"


def user(organization: Organization, name: str = "jane", enabled: bool = True) -> User:
    return services.create_user(
        organization=organization, name=name, display_name=name.title(), password=PASSWORD,
        email=at(organization, name) if enabled else None,
    )  # fmt: skip


def group(organization: Organization, name: str = "sales") -> Group:
    return groups.create_group(organization=organization, name=name, email=at(organization, name))


def resource(organization: Organization, name: str = "room") -> Resource:
    return resources.create_resource(
        organization=organization, name=name, resource_type="ROOM", email=at(organization, name)
    )


def create_alias(workmail, organization: Organization, entity, alias: str) -> dict:
    return workmail.create_alias(
        OrganizationId=organization.pk, EntityId=str(entity.pk), Alias=alias
    )


def aliases(workmail, organization: Organization, entity) -> list[str]:
    return workmail.list_aliases(OrganizationId=organization.pk, EntityId=str(entity.pk))["Aliases"]


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


# --- Aliases ----------------------------------------------------------------------------------


def test_create_alias_adds_an_address_the_users_page_shows(workmail, admin_client, organization):
    jane = user(organization)
    answer = create_alias(workmail, organization, jane, at(organization, "j"))
    assert answer.keys() == {"ResponseMetadata"}
    assert aliases(workmail, organization, jane) == [at(organization, "j")]
    page = admin_client.get(
        reverse("users:detail", args=[organization.region, organization.pk, jane.pk])
    ).content.decode()
    assert f"{at(organization, 'j')} Alias" in texts(page, "address")[1]


def test_a_group_and_a_resource_have_aliases_too(workmail, organization):
    sales, room = group(organization), resource(organization)
    create_alias(workmail, organization, sales, at(organization, "team"))
    create_alias(workmail, organization, room, at(organization, "board"))
    assert aliases(workmail, organization, sales) == [at(organization, "team")]
    assert aliases(workmail, organization, room) == [at(organization, "board")]


def test_the_entity_may_be_named_by_its_email_address(workmail, organization):
    jane = user(organization)
    workmail.create_alias(
        OrganizationId=organization.pk, EntityId=jane.email, Alias=at(organization, "j")
    )
    assert addresses.list_aliases(jane) == [at(organization, "j")]


def test_an_address_another_entity_has_is_in_use(workmail, organization):
    jane, bob, sales = user(organization, "jane"), user(organization, "bob"), group(organization)
    create_alias(workmail, organization, bob, at(organization, "b"))
    for taken in (bob.email, at(organization, "B"), sales.email):
        with pytest.raises(workmail.exceptions.EmailAddressInUseException):
            create_alias(workmail, organization, jane, taken)
    assert addresses.list_aliases(jane) == []


def test_an_alias_needs_a_domain_of_the_organization_that_is_verified(workmail, organization):
    jane = user(organization)
    with pytest.raises(workmail.exceptions.MailDomainNotFoundException):
        create_alias(workmail, organization, jane, "j@elsewhere.example")
    MailDomainFactory(organization=organization, name="pending.example")
    with pytest.raises(workmail.exceptions.MailDomainStateException) as excinfo:
        create_alias(workmail, organization, jane, "j@pending.example")
    assert "not verified" in excinfo.value.response["Error"]["Message"]
    assert not EmailAlias.objects.exists()


def test_an_entity_has_at_most_a_hundred_aliases(workmail, organization):
    jane = user(organization)
    EmailAlias.objects.bulk_create(
        EmailAlias(directory=organization.directory, user=jane, address=at(organization, f"a{n}"))
        for n in range(addresses.ALIASES_MAX - 1)
    )
    create_alias(workmail, organization, jane, at(organization, "last"))
    with pytest.raises(workmail.exceptions.LimitExceededException) as excinfo:
        create_alias(workmail, organization, jane, at(organization, "one-more"))
    assert "100 aliases" in excinfo.value.response["Error"]["Message"]


def test_a_disabled_entitys_aliases_are_listed_but_can_not_change(workmail, organization):
    jane = user(organization)
    create_alias(workmail, organization, jane, at(organization, "j"))
    services.disable_user(organization=organization, user_id=jane.user_id)
    with pytest.raises(workmail.exceptions.EntityStateException):
        create_alias(workmail, organization, jane, at(organization, "k"))
    with pytest.raises(workmail.exceptions.EntityStateException):
        workmail.delete_alias(
            OrganizationId=organization.pk, EntityId=str(jane.pk), Alias=at(organization, "j")
        )
    assert aliases(workmail, organization, jane) == [at(organization, "j")]


def test_a_deleted_entity_has_no_aliases_to_list(workmail, organization):
    jane = user(organization)
    services.disable_user(organization=organization, user_id=jane.user_id)
    services.delete_user(organization=organization, user_id=jane.user_id)
    with pytest.raises(workmail.exceptions.EntityStateException) as excinfo:
        aliases(workmail, organization, jane)
    assert "deleted" in excinfo.value.response["Error"]["Message"]


def test_an_unknown_entity_or_another_organizations_is_not_found(workmail, admin, organization):
    other = active_organization(account=admin.account, alias="other")
    theirs = user(other, "theirs")
    for entity_id in (str(theirs.pk), "00000000-0000-0000-0000-000000000000", "r-" + "0" * 32):
        with pytest.raises(workmail.exceptions.EntityNotFoundException):
            workmail.list_aliases(OrganizationId=organization.pk, EntityId=entity_id)
        with pytest.raises(workmail.exceptions.EntityNotFoundException):
            workmail.create_alias(
                OrganizationId=organization.pk, EntityId=entity_id, Alias=at(organization, "x")
            )


def test_another_accounts_organization_is_not_found(stranger_workmail, organization):
    jane = user(organization)
    with pytest.raises(stranger_workmail.exceptions.OrganizationNotFoundException):
        create_alias(stranger_workmail, organization, jane, at(organization, "j"))
    assert not EmailAlias.objects.exists()


def test_an_organization_that_is_not_active_changes_no_alias(workmail, organization):
    jane = user(organization)
    Organization.objects.filter(pk=organization.pk).update(state=State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        create_alias(workmail, organization, jane, at(organization, "j"))


def test_delete_alias_removes_it_but_never_the_primary_address(workmail, organization):
    jane = user(organization)
    create_alias(workmail, organization, jane, at(organization, "j"))

    def delete(alias: str) -> dict:
        return workmail.delete_alias(
            OrganizationId=organization.pk, EntityId=str(jane.pk), Alias=alias
        )

    with pytest.raises(workmail.exceptions.InvalidParameterException, match="primary"):
        delete(jane.email)
    delete(at(organization, "J"))
    assert aliases(workmail, organization, jane) == []
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        delete(at(organization, "j"))


def test_list_aliases_pages_with_the_paginator(workmail, organization):
    jane = user(organization)
    made = sorted(at(organization, f"a{n}") for n in range(5))
    for alias in made:
        create_alias(workmail, organization, jane, alias)
    pages = list(
        workmail.get_paginator("list_aliases").paginate(
            OrganizationId=organization.pk, EntityId=str(jane.pk), PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["Aliases"]) for page in pages] == [2, 2, 1]
    assert [alias for page in pages for alias in page["Aliases"]] == made
    assert "NextToken" not in pages[-1]


def test_a_list_aliases_token_holds_for_its_entity_only(workmail, organization):
    jane, bob = user(organization, "jane"), user(organization, "bob")
    for n in range(2):
        create_alias(workmail, organization, jane, at(organization, f"j{n}"))
    first = workmail.list_aliases(
        OrganizationId=organization.pk, EntityId=str(jane.pk), MaxResults=1
    )
    with pytest.raises(workmail.exceptions.InvalidParameterException, match="NextToken"):
        workmail.list_aliases(
            OrganizationId=organization.pk, EntityId=str(bob.pk), NextToken=first["NextToken"]
        )


def test_an_ops_key_lists_aliases_but_adds_none(ops_workmail, organization):
    jane = user(organization)
    addresses.create_alias(organization=organization, entity=jane, alias=at(organization, "j"))
    assert aliases(ops_workmail, organization, jane) == [at(organization, "j")]
    with pytest.raises(ClientError) as excinfo:
        create_alias(ops_workmail, organization, jane, at(organization, "k"))
    assert code(excinfo) == "AccessDeniedException"


# --- Mailbox permissions ----------------------------------------------------------------------


def put(workmail, organization: Organization, owner, grantee: str, *values: str) -> dict:
    return workmail.put_mailbox_permissions(
        OrganizationId=organization.pk, EntityId=str(owner.pk), GranteeId=grantee,
        PermissionValues=list(values),
    )  # fmt: skip


def permissions(workmail, organization: Organization, owner) -> list[dict]:
    return workmail.list_mailbox_permissions(
        OrganizationId=organization.pk, EntityId=str(owner.pk)
    )["Permissions"]


def test_put_mailbox_permissions_grants_and_replaces(workmail, admin_client, organization):
    jane, bob, sales = user(organization, "jane"), user(organization, "bob"), group(organization)
    put(workmail, organization, jane, str(bob.pk), "FULL_ACCESS", "SEND_AS")
    put(workmail, organization, jane, "bob", "SEND_ON_BEHALF")  # by name: replaces
    put(workmail, organization, jane, sales.email, "SEND_AS")  # by address
    assert permissions(workmail, organization, jane) == [
        {"GranteeId": str(bob.pk), "GranteeType": "USER", "PermissionValues": ["SEND_ON_BEHALF"]},
        {"GranteeId": str(sales.pk), "GranteeType": "GROUP", "PermissionValues": ["SEND_AS"]},
    ]
    page = admin_client.get(
        reverse("users:detail", args=[organization.region, organization.pk, jane.pk])
        + "?tab=permissions"
    ).content.decode()
    assert texts(page, "permission") == [
        "bob User Send On Behalf Remove", "sales Group Send As Remove",
    ]  # fmt: skip


def test_a_permission_set_on_the_console_is_listed(workmail, admin_client, organization):
    jane, bob = user(organization, "jane"), user(organization, "bob")
    admin_client.post(
        reverse("users:put-permission", args=[organization.region, organization.pk, jane.pk]),
        {"grantee": str(bob.pk), "send_as": "on"},
    )
    assert permissions(workmail, organization, jane) == [
        {"GranteeId": str(bob.pk), "GranteeType": "USER", "PermissionValues": ["SEND_AS"]}
    ]


def test_no_permission_values_remove_the_grantee(workmail, organization):
    jane = user(organization, "jane")
    user(organization, "bob")
    put(workmail, organization, jane, "bob", "SEND_AS")
    put(workmail, organization, jane, "bob")
    assert permissions(workmail, organization, jane) == []


def test_a_group_is_never_granted_full_access(workmail, organization):
    jane, sales = user(organization), group(organization)
    with pytest.raises(workmail.exceptions.InvalidParameterException, match="full access"):
        put(workmail, organization, jane, str(sales.pk), "FULL_ACCESS")
    assert not MailboxPermission.objects.exists()


def test_an_unknown_grantee_or_owner_is_not_found(workmail, organization):
    jane = user(organization)
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        put(workmail, organization, jane, "nobody", "SEND_AS")
    with pytest.raises(workmail.exceptions.EntityNotFoundException):
        workmail.put_mailbox_permissions(
            OrganizationId=organization.pk, EntityId="nobody", GranteeId="jane",
            PermissionValues=["SEND_AS"],
        )  # fmt: skip


def test_a_disabled_users_mailbox_takes_no_permission(workmail, organization):
    jane, bob = user(organization, "jane"), user(organization, "bob")
    services.disable_user(organization=organization, user_id=jane.user_id)
    with pytest.raises(workmail.exceptions.EntityStateException, match="no mailbox"):
        put(workmail, organization, jane, str(bob.pk), "SEND_AS")


def test_only_a_users_mailbox_has_permissions_here(workmail, organization):
    bob, sales, room = user(organization, "bob"), group(organization), resource(organization)
    with pytest.raises(workmail.exceptions.InvalidParameterException, match="group"):
        put(workmail, organization, sales, str(bob.pk), "SEND_AS")
    with pytest.raises(ClientError) as excinfo:
        put(workmail, organization, room, str(bob.pk), "SEND_AS")
    assert code(excinfo) == "UnsupportedOperationException"
    with pytest.raises(ClientError) as excinfo:
        permissions(workmail, organization, room)
    assert code(excinfo) == "UnsupportedOperationException"


def test_delete_mailbox_permissions_removes_the_grantees(workmail, organization):
    jane, bob = user(organization, "jane"), user(organization, "bob")
    put(workmail, organization, jane, "bob", "SEND_AS")

    def delete() -> dict:
        return workmail.delete_mailbox_permissions(
            OrganizationId=organization.pk, EntityId=str(jane.pk), GranteeId=str(bob.pk)
        )

    delete()
    assert permissions(workmail, organization, jane) == []
    with pytest.raises(workmail.exceptions.EntityNotFoundException, match="no permission"):
        delete()


def test_list_mailbox_permissions_pages_with_the_paginator(workmail, organization):
    jane = user(organization, "jane")
    grantees = [user(organization, f"grantee{n}") for n in range(5)]
    for grantee in grantees:
        put(workmail, organization, jane, str(grantee.pk), "SEND_AS")
    pages = list(
        workmail.get_paginator("list_mailbox_permissions").paginate(
            OrganizationId=organization.pk, EntityId=str(jane.pk), PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["Permissions"]) for page in pages] == [2, 2, 1]
    listed = [permission["GranteeId"] for page in pages for permission in page["Permissions"]]
    assert listed == [str(grantee.pk) for grantee in grantees]


def test_mailbox_permissions_in_an_organization_that_is_not_active(workmail, organization):
    jane = user(organization, "jane")
    user(organization, "bob")
    Organization.objects.filter(pk=organization.pk).update(state=State.INACTIVE)
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        put(workmail, organization, jane, "bob", "SEND_AS")
    with pytest.raises(workmail.exceptions.OrganizationStateException):
        permissions(workmail, organization, jane)
