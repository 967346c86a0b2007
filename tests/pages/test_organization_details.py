"""Organization details page: IDs, ARN, state, what was provisioned; live while working."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directories.services import create_workmail_directory
from keys.services import workmail_managed_key
from organizations.lifecycle import State
from tests.conftest import signed_in
from tests.factories import OrganizationFactory
from tests.html import key_values


def url(organization) -> str:
    return organization.get_absolute_url()


def test_it_shows_what_the_console_shows(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, alias="acme", region="us-east-1")
    directory = create_workmail_directory(
        account_id=admin.account_id, region="us-east-1", alias="acme", idempotency_key="x"
    )
    key = workmail_managed_key(account_id=admin.account_id, region="us-east-1")
    organization.transition(State.CREATING, reason="test")
    organization.transition(
        State.VALIDATING, reason="test", directory=directory, encryption_key=key,
        default_mail_domain="mail.example.com",
    )  # fmt: skip
    organization.transition(State.ACTIVE, reason="test", completed_date=timezone.now())
    page = admin_client.get(url(organization)).content.decode()
    shown = key_values(page)
    assert shown["Alias"] == "acme"
    assert shown["Organization ID"] == f"{organization.organization_id} Copy"
    assert shown["ARN"] == f"{organization.arn} Copy"
    assert shown["State"] == "Active Your organization is healthy and ready for use."
    assert shown["Default mail domain"] == "mail.example.com"
    assert shown["User login URL"] == "https://acme.awsapps.com/mail Copy"
    assert shown["Directory ID"] == directory.directory_id
    assert shown["Directory type"] == "Amazon WorkMail directory (VpcDirectory)"
    assert shown["Encryption key"] == f"{key.arn} alias/aws/workmail"
    assert shown["Interoperability"] == "Disabled"
    assert shown["Completed date"] != "-"
    assert (
        f"aws workmail describe-organization --organization-id {organization.organization_id}"
        " --region us-east-1"
    ) in page


def test_it_shows_the_error_message_of_a_failed_organization(admin_client, admin) -> None:
    organization = OrganizationFactory(
        account=admin.account, state=State.FAILED, error_message="The KMS key is disabled."
    )
    page = admin_client.get(url(organization)).content.decode()
    assert "The KMS key is disabled." in page
    assert "Your organization could not be created." in page


def test_another_accounts_organization_is_not_found(stranger, admin) -> None:
    organization = OrganizationFactory(account=admin.account)
    client = signed_in(stranger)
    assert client.get(url(organization)).status_code == 404
    delete = organization.delete_url
    assert client.get(delete).status_code == 404
    assert (
        client.post(delete, {"directory": "keep", "confirmation": organization.alias}).status_code
        == 404
    )
    organization.refresh_from_db()
    assert organization.state == State.REQUESTED


def test_an_organization_in_another_region_is_not_found_here(admin_client, admin) -> None:
    organization = OrganizationFactory(account=admin.account, region="eu-west-1")
    elsewhere = reverse("organizations:detail", args=["us-east-1", organization.organization_id])
    assert admin_client.get(elsewhere).status_code == 404
    assert admin_client.get(url(organization)).status_code == 200


def test_an_unknown_id_is_not_found(admin_client: Client) -> None:
    unknown = "/us-east-1/organizations/m-00000000000000000000000000000000/"
    assert admin_client.get(unknown).status_code == 404


def test_the_live_fragment_polls_fast_while_working_then_slowly_then_stops_once_deleted(
    admin_client, admin
) -> None:
    organization = OrganizationFactory(account=admin.account, state=State.VALIDATING)
    working = admin_client.get(url(organization), headers={"HX-Request": "true"})
    assert working.status_code == 200
    assert "All settings for the organization are being health-checked." in working.content.decode()
    assert 'hx-trigger="every 2s' in working.content.decode()

    organization.transition(State.ACTIVE, reason="test", completed_date=timezone.now())
    settled = admin_client.get(url(organization), headers={"HX-Request": "true"})
    assert settled.status_code == 200
    assert 'data-state="Active"' in settled.content.decode()
    assert 'hx-trigger="every 10s"' in settled.content.decode()  # Active can turn Impaired
    since = settled.content.decode().split("since=", 1)[1].split('"', 1)[0]
    unchanged = admin_client.get(
        url(organization), {"since": since}, headers={"HX-Request": "true"}
    )
    assert unchanged.status_code == 204 and unchanged.content == b""
    organization.transition(State.IMPAIRED, reason="test", error_message="The key is disabled.")
    impaired = admin_client.get(url(organization), {"since": since}, headers={"HX-Request": "true"})
    assert impaired.status_code == 200 and "The key is disabled." in impaired.content.decode()

    organization.transition(State.DELETING, reason="test")
    organization.transition(State.DELETED, reason="test")
    done = admin_client.get(url(organization), headers={"HX-Request": "true"})
    assert done.status_code == 286
    assert "hx-trigger" not in done.content.decode()
