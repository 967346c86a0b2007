"""The user details page beyond General: Edit, email addresses (aliases and the primary one),
and the Quota, Permissions and Mobile devices tabs."""

import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tests.factories import active_organization
from tests.html import text, texts
from users import addresses, groups, services
from users.models import MailboxPermission, User

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


@pytest.fixture
def jane(organization) -> User:
    return services.create_user(
        organization=organization, name="jane", display_name="Jane", password=PASSWORD,
        email=f"jane@{organization.test_domain}",
    )  # fmt: skip


def url(name: str, organization, user) -> str:
    return reverse(f"users:{name}", args=[organization.region, organization.pk, user.pk])


def test_edit_changes_personal_data_and_the_address_list_flag(admin_client, organization, jane):
    page = admin_client.get(url("edit", organization, jane)).content.decode()
    assert "a user's name can't be changed" in page and 'name="job_title"' in page
    response = admin_client.post(url("edit", organization, jane), {
        "display_name": "Jane Doe", "job_title": "CTO", "city": "<b>Paris</b>",
    })  # fmt: skip
    assert response.url == url("detail", organization, jane)
    stored = User.objects.get(pk=jane.pk)
    assert (stored.display_name, stored.job_title, stored.city) == (
        "Jane Doe",
        "CTO",
        "<b>Paris</b>",
    )
    assert stored.hidden_from_global_address_list  # its box was left clear
    refused = admin_client.post(
        url("edit", organization, jane), {"display_name": "", "city": "x" * 257}
    )
    assert refused.status_code == 400
    assert texts(refused.content.decode(), "display_name-error") == ["Enter a display name."]
    assert User.objects.get(pk=jane.pk).display_name == "Jane Doe"


def test_add_an_alias_make_it_primary_and_remove_the_old_address(admin_client, organization, jane):
    old = jane.email
    admin_client.post(url("add-alias", organization, jane),
                      {"email": "j.doe", "domain": organization.test_domain})  # fmt: skip
    alias = f"j.doe@{organization.test_domain}"
    page = admin_client.get(url("detail", organization, jane)).content.decode()
    assert texts(page, "address") == [f"{old} Primary", f"{alias} Alias Make primary Remove"]
    admin_client.post(url("make-primary", organization, jane), {"address": alias})
    page = admin_client.get(url("detail", organization, jane)).content.decode()
    assert texts(page, "address") == [f"{alias} Primary", f"{old} Alias Make primary Remove"]
    admin_client.post(url("remove-alias", organization, jane), {"address": old})
    assert addresses.list_aliases(User.objects.get(pk=jane.pk)) == []


def test_an_alias_in_use_is_refused_under_its_field(admin_client, organization, jane):
    services.create_user(
        organization=organization, name="bob", display_name="Bob", password=PASSWORD,
        email=f"bob@{organization.test_domain}",
    )  # fmt: skip
    refused = admin_client.post(url("add-alias", organization, jane),
                                {"email": "bob", "domain": organization.test_domain})  # fmt: skip
    assert refused.status_code == 400
    assert "already used by another user" in text(refused.content.decode(), "email-error")


def test_the_quota_tab_updates_the_mailbox_quota(admin_client, organization, jane):
    page = admin_client.get(url("detail", organization, jane), {"tab": "quota"}).content.decode()
    assert text(page, "mailbox-quota") == "51200 MB" and "Update mailbox quota" in page
    refused = admin_client.post(url("quota", organization, jane), {"mailbox_quota": "51201"})
    assert refused.status_code == 400
    assert text(refused.content.decode(), "mailbox_quota-error") == (
        "Enter a mailbox quota from 1 to 51200 MB."
    )
    done = admin_client.post(url("quota", organization, jane), {"mailbox_quota": "2048"})
    assert done.url.endswith("?tab=quota")
    assert User.objects.get(pk=jane.pk).mailbox_quota == 2048


def test_the_permissions_tab_grants_and_refuses_full_access_to_a_group(
    admin_client, organization, jane
):
    team = groups.create_group(
        organization=organization, name="team", email=f"team@{organization.test_domain}"
    )
    page = admin_client.get(url("detail", organization, jane), {"tab": "permissions"})
    assert f'<option value="{team.pk}">team (group)</option>' in page.content.decode()
    refused = admin_client.post(url("put-permission", organization, jane),
                                {"grantee": str(team.pk), "full_access": "on"})  # fmt: skip
    assert refused.status_code == 400
    assert "full access rights" in text(refused.content.decode(), "permission-error")
    admin_client.post(url("put-permission", organization, jane),
                      {"grantee": str(team.pk), "send_as": "on"})  # fmt: skip
    page = admin_client.get(url("detail", organization, jane), {"tab": "permissions"})
    assert texts(page.content.decode(), "permission") == ["team Group Send As Remove"]
    admin_client.post(url("remove-permission", organization, jane), {"grantee": str(team.pk)})
    assert not MailboxPermission.objects.exists()


def test_the_mobile_devices_tab_is_an_empty_list_with_its_actions(admin_client, organization, jane):
    page = admin_client.get(url("detail", organization, jane), {"tab": "devices"}).content.decode()
    assert "No mobile devices" in text(page, "mobile-devices")
    assert texts(page, "tabs") == ["Quota Permissions Mobile devices"]


def test_ops_see_the_details_but_no_form(ops, organization, jane):
    client = signed_in(ops)
    page = client.get(url("detail", organization, jane), {"tab": "quota"}).content.decode()
    assert 'data-testid="add-alias"' not in page and "Update mailbox quota" not in page
    assert client.post(url("quota", organization, jane), {"mailbox_quota": "5"}).status_code == 403
