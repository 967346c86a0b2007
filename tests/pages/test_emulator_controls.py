"""Emulator controls on an organization's details page: fault switches for the directory Amazon
WorkMail made for it, which AWS lists nowhere (so the Directories page doesn't either)."""

from django.urls import reverse

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from tests.conftest import signed_in
from tests.factories import active_organization
from tests.html import texts


def control_url(organization, name: str) -> str:
    return reverse(f"organizations:directory-{name}", args=[organization.region, organization.pk])


def test_an_admin_simulates_an_outage_of_the_organizations_directory_and_recovers_it(
    admin_client, admin
) -> None:
    organization = active_organization(account=admin.account)
    directory = organization.directory
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    [section] = texts(page, "emulator-controls")
    assert "Not in AWS" in section and "Simulate directory outage" in section
    done = admin_client.post(control_url(organization, "outage"), follow=True)
    assert Directory.objects.get(pk=directory.pk).stage == Stage.INOPERABLE
    assert f"Directory {directory.directory_id} is Inoperable" in done.content.decode()
    assert "Recover directory" in texts(done.content.decode(), "emulator-controls")[0]
    admin_client.post(control_url(organization, "recover"))
    assert Directory.objects.get(pk=directory.pk).stage == Stage.ACTIVE


def test_no_controls_for_a_directory_of_the_accounts_own(admin_client, admin) -> None:
    organization = active_organization(
        account=admin.account, directory_type=DirectoryType.SIMPLE_AD
    )
    directory = organization.directory
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert texts(page, "emulator-controls") == []  # it has the Directories page's own
    assert admin_client.post(control_url(organization, "outage")).status_code == 404
    assert Directory.objects.get(pk=directory.pk).stage == Stage.ACTIVE


def test_ops_see_no_controls_and_can_not_use_them(ops) -> None:
    organization = active_organization(account=ops.account)
    client = signed_in(ops)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert texts(page, "emulator-controls") == []
    assert client.post(control_url(organization, "outage")).status_code == 403
    assert Directory.objects.get(pk=organization.directory.pk).stage == Stage.ACTIVE
