"""Input a careful user never sends: it gets a clear answer, never a 500, and writes nothing."""

import pytest
from django.urls import reverse

from organizations import services
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import OrganizationFactory
from workmail_console.errors import OrganizationNotFoundException

MEGABYTE = "a" * 1_000_000
MALFORMED_IDS = [
    "a/b",
    "../../etc",
    "</script><script>x()</script>",
    "m-\x00",
    "m-" + "0" * 31 + "\x00",
]


@pytest.mark.parametrize("organization_id", MALFORMED_IDS)
def test_the_list_delete_button_with_a_malformed_selection_asks_to_select(
    admin_client, organization_id: str
) -> None:
    url = reverse("organizations:delete-selected", args=["us-east-1"])
    response = admin_client.get(url, {"organization_id": organization_id}, follow=True)
    assert response.status_code == 200
    assert "Select an organization to delete." in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/us-east-1/organizations/m-%00/",
        "/us-east-1/organizations/M-" + "0" * 32 + "/",
        "/us-east-1/organizations/m-" + "0" * 33 + "/delete/",
        "/us-east-1/organizations/%3C%2Fscript%3E/",
    ],
)
def test_a_malformed_organization_id_in_a_url_is_not_found(admin_client, path: str) -> None:
    assert admin_client.get(path).status_code == 404


@pytest.mark.parametrize("organization_id", MALFORMED_IDS)
def test_the_service_refuses_a_malformed_id_before_any_query(
    admin, organization_id: str, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0), pytest.raises(OrganizationNotFoundException):
        services.get_organization(
            account=admin.account, region="us-east-1", organization_id=organization_id
        )


def test_a_megabyte_alias_is_refused_without_being_echoed(admin_client) -> None:
    response = admin_client.post(
        reverse("organizations:create", args=["us-east-1"]),
        {
            "email_domain": "test",
            "alias": MEGABYTE,
            "directory_choice": "create",
            "encryption_choice": "managed",
            "client_token": "t",
        },
    )
    assert response.status_code == 400
    assert "The alias can be up to 62 characters long." in response.content.decode()
    assert len(response.content) < 50_000
    assert not Organization.objects.exists()


def test_alias_availability_does_not_echo_a_megabyte(admin_client) -> None:
    url = reverse("organizations:alias-availability", args=["us-east-1"])
    response = admin_client.get(url, {"alias": MEGABYTE})
    assert "The alias can be up to 62 characters long." in response.content.decode()
    assert len(response.content) < 1_000


def test_a_megabyte_confirmation_is_refused_without_being_echoed(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, state=State.ACTIVE)
    response = admin_client.post(
        organization.delete_url, {"directory": "keep", "confirmation": MEGABYTE}
    )
    assert response.status_code == 400
    assert len(response.content) < 50_000
    organization.refresh_from_db()
    assert organization.state == State.ACTIVE


def test_markup_in_an_alias_is_shown_as_text(admin_client) -> None:
    url = reverse("organizations:alias-availability", args=["us-east-1"])
    page = admin_client.get(url, {"alias": "<b>x</b>"}).content.decode()
    assert "<b>" not in page
