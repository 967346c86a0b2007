"""Django's admin site: staff read everything, and change nothing the console's rules own."""

from collections.abc import Callable

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse

from directories.models import Directory, DirectoryType
from keys.services import workmail_managed_key
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory
from workmail_console.models import Membership


@pytest.fixture
def staff(db) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    client.get("/admin/")  # the superuser's own account is made on the first request
    return client


def an_organization() -> models.Model:
    return OrganizationFactory(state=State.ACTIVE)


def an_account_with_an_organization() -> models.Model:
    return OrganizationFactory(state=State.ACTIVE).account


def an_accounts_only_admin() -> models.Model:
    return MembershipFactory()


def a_directory() -> models.Model:
    return Directory.objects.create(
        account=AccountFactory(), region="us-east-1", alias="acme",
        directory_type=DirectoryType.WORKMAIL,
    )  # fmt: skip


def a_key() -> models.Model:
    return workmail_managed_key(account_id=AccountFactory().account_id, region="us-east-1")


PROTECTED = [
    an_organization,
    an_account_with_an_organization,
    an_accounts_only_admin,
    a_directory,
    a_key,
]


def admin_url(obj: models.Model, view: str) -> str:
    name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}"
    return reverse(name, args=[] if view in {"add", "changelist"} else [quote(obj.pk)])


def as_stored(obj: models.Model) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().first()


@pytest.mark.parametrize("make", PROTECTED)
def test_staff_can_not_delete_it(staff: Client, make: Callable[[], models.Model]) -> None:
    obj = make()
    response = staff.post(admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("make", PROTECTED)
def test_staff_can_not_change_it(staff: Client, make: Callable[[], models.Model]) -> None:
    obj = make()
    before = as_stored(obj)
    response = staff.post(
        admin_url(obj, "change"), {"state": State.DELETED, "role": "ops", "stage": "Deleted"}
    )
    assert response.status_code == 403
    assert as_stored(obj) == before


@pytest.mark.parametrize("make", PROTECTED)
def test_staff_can_not_add_one(staff: Client, make: Callable[[], models.Model]) -> None:
    obj = make()
    count = type(obj).objects.count()
    response = staff.post(admin_url(obj, "add"), {"alias": "extra", "region": "us-east-1"})
    assert response.status_code == 403
    assert type(obj).objects.count() == count


@pytest.mark.parametrize("make", PROTECTED)
def test_the_list_offers_no_delete_action(staff: Client, make: Callable[[], models.Model]) -> None:
    page = staff.get(admin_url(make(), "changelist"))
    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()


def test_the_delete_selected_action_deletes_no_organization(staff: Client) -> None:
    organization = an_organization()
    staff.post(
        admin_url(organization, "changelist"),
        {"action": "delete_selected", "_selected_action": [organization.pk], "post": "yes"},
    )
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_deleting_a_member_s_user_is_refused_as_it_would_remove_their_membership(
    staff: Client,
) -> None:
    membership = an_accounts_only_admin()
    response = staff.post(admin_url(membership.user, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_staff_see_organizations_with_their_events(staff: Client) -> None:
    organization = OrganizationFactory(alias="acme")
    listing = staff.get("/admin/organizations/organization/").content.decode()
    assert "acme" in listing
    page = staff.get(admin_url(organization, "change"))
    assert "Creation requested" in page.content.decode()
    assert 'name="state"' not in page.content.decode()


def test_people_without_staff_status_can_not_open_it(admin_client) -> None:
    assert admin_client.get("/admin/organizations/organization/").status_code == 302
