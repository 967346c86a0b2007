"""Email addresses on a group's and a resource's details page, as a user's has them: Add alias,
Make primary and Remove, for admins, on an enabled group or resource of an Active organization."""

import pytest
from django.urls import reverse

from directories.models import DirectoryType
from organizations.lifecycle import State
from tests.conftest import signed_in
from tests.factories import active_organization
from tests.html import text, texts
from users import addresses, groups, resources, services
from users.models import EmailAlias, Group, Resource, UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


def make(kind: str, organization, name: str = "sales") -> Group | Resource:
    email = f"{name}@{organization.test_domain}"
    if kind == "groups":
        return groups.create_group(organization=organization, name=name, email=email)
    return resources.create_resource(
        organization=organization, name=name, resource_type="ROOM", email=email
    )


def url(name: str, organization, entity) -> str:
    kind = "groups" if isinstance(entity, Group) else "resources"
    return reverse(f"{kind}:{name}", args=[organization.region, organization.pk, entity.pk])


def fresh(entity: Group | Resource) -> Group | Resource:
    return type(entity).objects.get(pk=entity.pk)


@pytest.fixture(params=["groups", "resources"])
def entity(request, organization) -> Group | Resource:
    return make(request.param, organization)


def test_add_an_alias_make_it_primary_and_remove_the_old_address(
    admin_client, organization, entity
):
    old, alias = entity.email, f"team@{organization.test_domain}"
    added = admin_client.post(
        url("add-alias", organization, entity),
        {"email": "team", "domain": organization.test_domain},
    )
    assert added.status_code == 302 and added.url == url("detail", organization, entity)
    page = admin_client.get(added.url).content.decode()
    assert f"An alias was added to {entity.name}." in page
    assert texts(page, "address") == [f"{old} Primary", f"{alias} Alias Make primary Remove"]

    admin_client.post(url("make-primary", organization, entity), {"address": alias})
    page = admin_client.get(url("detail", organization, entity)).content.decode()
    assert f"{alias} is the primary email address of {entity.name}." in page
    assert texts(page, "address") == [f"{alias} Primary", f"{old} Alias Make primary Remove"]
    assert fresh(entity).email == alias

    admin_client.post(url("remove-alias", organization, entity), {"address": old})
    page = admin_client.get(url("detail", organization, entity)).content.decode()
    assert f"{old} was removed from {entity.name}." in page
    assert texts(page, "address") == [f"{alias} Primary"]
    assert addresses.list_aliases(fresh(entity)) == []


def test_several_aliases_are_listed_by_address(admin_client, organization, entity):
    for local in ("support", "help", "info"):
        admin_client.post(
            url("add-alias", organization, entity),
            {"email": local, "domain": organization.test_domain},
        )
    page = admin_client.get(url("detail", organization, entity)).content.decode()
    domain = organization.test_domain
    assert [row.split()[0] for row in texts(page, "address")] == [
        entity.email, f"help@{domain}", f"info@{domain}", f"support@{domain}",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("holder", "words"),
    [
        ("user", "already used by another user"),
        ("group", "already used by a group"),
        ("resource", "already used by a resource"),
        ("alias", "already an alias in this organization"),
    ],
)
def test_an_address_taken_in_the_address_book_is_refused_under_its_field(
    admin_client, organization, entity, holder, words
):
    taken = f"taken@{organization.test_domain}"
    if holder == "user":
        services.create_user(
            organization=organization, name="taken", display_name="Taken", email=taken,
            password="Str0ng-Passw0rd",
        )  # fmt: skip
    elif holder == "alias":
        owner = make("groups", organization, "other")
        addresses.create_alias(organization=organization, entity=owner, alias=taken)
    else:
        make(f"{holder}s", organization, "taken")
    refused = admin_client.post(
        url("add-alias", organization, entity),
        {"email": "taken", "domain": organization.test_domain},
    )
    assert refused.status_code == 400
    assert words in text(refused.content.decode(), "email-error")
    assert addresses.list_aliases(entity) == []


def test_the_primary_address_is_not_an_alias_to_add_again(admin_client, organization, entity):
    local = entity.email.partition("@")[0]
    refused = admin_client.post(
        url("add-alias", organization, entity), {"email": local, "domain": organization.test_domain}
    )
    assert refused.status_code == 400
    assert "is already the primary email address" in text(refused.content.decode(), "email-error")


def test_an_empty_alias_is_refused_in_the_consoles_words(admin_client, organization, entity):
    refused = admin_client.post(
        url("add-alias", organization, entity), {"email": "", "domain": organization.test_domain}
    )
    assert refused.status_code == 400
    assert texts(refused.content.decode(), "email-error") == [
        "Enter the alias's name, before the @."
    ]


def test_a_disabled_entity_has_no_add_alias_and_a_post_says_why(admin_client, organization, entity):
    type(entity).objects.filter(pk=entity.pk).update(state=UserState.DISABLED)
    page = admin_client.get(url("detail", organization, entity)).content.decode()
    assert 'data-testid="email-addresses"' in page and 'data-testid="add-alias"' not in page
    refused = admin_client.post(
        url("add-alias", organization, entity),
        {"email": "team", "domain": organization.test_domain},
    )
    assert refused.status_code == 400
    assert "Enable it before you change its email addresses" in text(
        refused.content.decode(), "email-error"
    )
    assert not EmailAlias.objects.exists()


def test_removing_the_primary_address_is_refused_with_a_message(admin_client, organization, entity):
    response = admin_client.post(
        url("remove-alias", organization, entity), {"address": entity.email}
    )
    page = admin_client.get(response.url).content.decode()
    assert "Make another address the primary one first." in page
    assert fresh(entity).email == entity.email


def test_in_an_organization_that_is_not_active_nothing_changes(admin_client, organization, entity):
    addresses.create_alias(
        organization=organization, entity=entity, alias=f"old@{organization.test_domain}"
    )
    type(organization).objects.filter(pk=organization.pk).update(state=State.INACTIVE)
    page = admin_client.get(url("detail", organization, entity)).content.decode()
    assert texts(page, "address") == [
        f"{entity.email} Primary",
        f"old@{organization.test_domain} Alias",
    ]
    assert 'data-testid="add-alias"' not in page
    admin_client.post(
        url("add-alias", organization, entity),
        {"email": "team", "domain": organization.test_domain},
    )
    assert EmailAlias.objects.count() == 1


@pytest.mark.parametrize("model", [Group, Resource])
def test_an_ad_connectors_groups_and_resources_are_read_only(admin, model):
    organization = active_organization(
        account=admin.account, alias="onprem", directory_type=DirectoryType.AD_CONNECTOR
    )
    entity = model.objects.create(
        directory=organization.directory, name="staff", state=UserState.ENABLED,
        email=f"staff@{organization.test_domain}",
    )  # fmt: skip
    client = signed_in(admin)
    page = client.get(url("detail", organization, entity)).content.decode()
    assert 'data-testid="email-addresses"' in page and 'data-testid="add-alias"' not in page
    client.post(
        url("add-alias", organization, entity),
        {"email": "team", "domain": organization.test_domain},
    )
    assert not EmailAlias.objects.exists()


def test_ops_see_the_addresses_but_can_not_change_them(ops, organization, entity):
    addresses.create_alias(
        organization=organization, entity=entity, alias=f"team@{organization.test_domain}"
    )
    client = signed_in(ops)
    page = client.get(url("detail", organization, entity)).content.decode()
    assert texts(page, "address") == [
        f"{entity.email} Primary",
        f"team@{organization.test_domain} Alias",
    ]
    assert 'data-testid="add-alias"' not in page
    alias = {"address": f"team@{organization.test_domain}"}
    for name, data in (("add-alias", {"email": "x", "domain": organization.test_domain}),
                       ("remove-alias", alias), ("make-primary", alias)):  # fmt: skip
        assert client.post(url(name, organization, entity), data).status_code == 403
    assert addresses.list_aliases(fresh(entity)) == [f"team@{organization.test_domain}"]


def test_a_deleted_entity_shows_no_addresses(admin_client, organization, entity):
    type(entity).objects.filter(pk=entity.pk).update(state=UserState.DELETED)
    page = admin_client.get(url("detail", organization, entity)).content.decode()
    assert 'data-testid="email-addresses"' not in page


def test_another_organizations_group_is_a_404(admin_client, organization, admin):
    other = active_organization(account=admin.account, alias="other")
    group = make("groups", other)
    wrong = reverse("groups:add-alias", args=[organization.region, organization.pk, group.pk])
    response = admin_client.post(wrong, {"email": "team", "domain": other.test_domain})
    assert response.status_code == 404 and not EmailAlias.objects.exists()
