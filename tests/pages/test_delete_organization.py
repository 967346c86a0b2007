"""Delete organization dialog: keep or delete the directory, type the alias to confirm."""

from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import OrganizationFactory


def url(organization: Organization) -> str:
    return organization.delete_url


def test_the_dialog_asks_about_the_directory_and_the_alias(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, alias="acme", state=State.ACTIVE)
    page = admin_client.get(url(organization)).content.decode()
    assert "Keep existing user directory" in page
    assert "Delete user directory" in page
    assert "To confirm deletion, enter <strong>acme</strong>" in page
    assert "This operation can't be undone." in page


def test_a_wrong_confirmation_deletes_nothing(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, alias="acme", state=State.ACTIVE)
    response = admin_client.post(url(organization), {"directory": "keep", "confirmation": "acm"})
    assert response.status_code == 400
    assert "Enter acme exactly as shown to confirm deletion." in response.content.decode()
    organization.refresh_from_db()
    assert organization.state == State.ACTIVE


def test_confirming_starts_deleting_with_the_directory_choice(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, alias="acme", state=State.ACTIVE)
    response = admin_client.post(
        url(organization), {"directory": "delete", "confirmation": "acme"}, follow=True
    )
    assert "Organization acme is being deleted." in response.content.decode()
    organization.refresh_from_db()
    assert organization.state == State.DELETING
    assert organization.delete_directory is True
    assert list(organization.events.values_list("to_state", flat=True)) == [
        "Requested",
        "Deleting",
    ]


def test_confirming_sends_the_deletion_to_the_workers_once_committed(
    admin_client, admin, published_tasks, django_capture_on_commit_callbacks
) -> None:
    organization = OrganizationFactory(account=admin.account, alias="acme", state=State.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url(organization), {"directory": "keep", "confirmation": "acme"})
    assert published_tasks == [
        ("workmail_console.tasks.advance", ["organization", organization.pk, "Deleting"])
    ]


def test_an_organization_being_created_can_not_be_deleted_yet(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, state=State.CREATING)
    page = admin_client.get(url(organization)).content.decode()
    assert "can't be deleted while it is" in page
    admin_client.post(url(organization), {"directory": "keep", "confirmation": organization.alias})
    organization.refresh_from_db()
    assert organization.state == State.CREATING


def test_the_list_delete_button_opens_the_dialog_for_the_selected_row(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, state=State.ACTIVE)
    response = admin_client.get(
        reverse("organizations:delete-selected", args=["us-east-1"]),
        {"organization_id": organization.organization_id},
    )
    assert response.url == url(organization)


def test_ops_members_can_not_delete(ops) -> None:
    organization = OrganizationFactory(account=ops.account, alias="acme", state=State.ACTIVE)
    response = signed_in(ops).post(url(organization), {"directory": "keep", "confirmation": "acme"})
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.state == State.ACTIVE
