"""Django's admin site: staff read organizations and their lifecycle events."""

from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import OrganizationFactory


def test_staff_see_organizations_with_their_events_read_only(db) -> None:
    organization = OrganizationFactory(alias="acme")
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    listing = client.get("/admin/organizations/organization/").content.decode()
    assert "acme" in listing
    page = client.get(f"/admin/organizations/organization/{organization.pk}/change/")
    assert "Creation requested" in page.content.decode()
    assert 'name="state"' not in page.content.decode()


def test_people_without_staff_status_can_not_open_it(admin_client) -> None:
    assert admin_client.get("/admin/organizations/organization/").status_code == 302
