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


# --- The same switches on the dashboard's rows ---------------------------------------------

DASHBOARD = reverse("ops:dashboard")


def dashboard_switches(client, **filters) -> list[str]:
    return texts(client.get(DASHBOARD, filters).content.decode(), "emulator-switch")


def test_the_dashboard_rows_have_the_switches_and_come_back_to_the_dashboard(
    admin_client, admin
) -> None:
    organization = active_organization(account=admin.account)
    directory = organization.directory
    page = admin_client.get(DASHBOARD, {"state": "Active"}).content.decode()
    assert "Not in AWS" in texts(page, "emulator-legend")[0]
    assert dashboard_switches(admin_client, state="Active") == ["Simulate directory outage"]
    here = f"{DASHBOARD}?state=Active"
    done = admin_client.post(control_url(organization, "outage"), {"next": here})
    assert done.status_code == 302 and done.url == here
    assert Directory.objects.get(pk=directory.pk).stage == Stage.INOPERABLE
    assert dashboard_switches(admin_client, state="Active") == ["Recover directory"]
    admin_client.post(control_url(organization, "recover"), {"next": here})
    assert Directory.objects.get(pk=directory.pk).stage == Stage.ACTIVE


def test_a_switch_goes_back_only_to_the_dashboard(admin_client, admin) -> None:
    organization = active_organization(account=admin.account)
    for elsewhere in ["https://evil.example/dashboard/", "//evil.example/", "/us-east-1/keys/"]:
        done = admin_client.post(control_url(organization, "outage"), {"next": elsewhere})
        assert done.url == organization.get_absolute_url()
        admin_client.post(control_url(organization, "recover"))


def test_the_dashboard_offers_no_switch_to_ops_to_other_accounts_or_to_own_directories(
    admin_client, admin, ops, stranger, django_user_model
) -> None:
    active_organization(account=stranger.account)  # another account's
    active_organization(account=admin.account, directory_type=DirectoryType.SIMPLE_AD)
    assert dashboard_switches(admin_client, state="Active") == []
    mine = active_organization(account=admin.account)
    assert dashboard_switches(signed_in(ops), state="Active") == []  # ops read only
    superuser = django_user_model.objects.filter(pk=stranger.user.pk)
    superuser.update(is_staff=True, is_superuser=True)  # sees every account's rows
    assert dashboard_switches(signed_in(stranger), state="Active") == ["Simulate directory outage"]
    assert dashboard_switches(signed_in(stranger), state="Active", account=mine.account_id) == []
