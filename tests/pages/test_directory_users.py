"""An AD Connector's users come from the on-premises directory: its details page lists them and,
for admins, adds one as the Active Directory tools would; the organization then enables it."""

import pytest
from django.test import Client
from django.urls import reverse

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from tests.conftest import signed_in
from tests.factories import DirectoryFactory, MailUserFactory, active_organization
from tests.html import text, texts
from users.models import User as MailUser
from users.models import UserState
from workmail_console.models import Membership


def add_url(directory: Directory) -> str:
    return reverse("directory-users:add", args=[directory.region, directory.directory_id])


def person(name: str = "jdoe", **fields: str) -> dict[str, str]:
    return {"name": name, "first_name": "", "last_name": "", "display_name": "J Doe", **fields}


@pytest.fixture
def connector(admin: Membership) -> Directory:
    return DirectoryFactory(account=admin.account, directory_type=DirectoryType.AD_CONNECTOR)


def test_an_ad_connectors_page_lists_its_users_and_adds_one(
    admin_client: Client, connector: Directory
) -> None:
    MailUserFactory(directory=connector, name="amy", display_name="Amy A")
    MailUserFactory(directory=connector, name="gone", state=UserState.DELETED)
    page = admin_client.get(connector.get_absolute_url()).content.decode()
    assert texts(page, "directory-user") == ["amy Amy A - - - Disabled"]
    assert "emulates your on-premises Active Directory" in text(page, "add-directory-user")
    response = admin_client.post(
        add_url(connector), person(first_name="Jane", last_name="Doe"), follow=True
    )
    assert response.redirect_chain == [(connector.get_absolute_url(), 302)]
    assert (
        f"User jdoe was added to directory {connector.directory_id}." in response.content.decode()
    )
    assert texts(response.content.decode(), "directory-user") == [
        "amy Amy A - - - Disabled",
        "jdoe J Doe Jane Doe - Disabled",
    ]


def test_its_users_names_are_unique_and_as_short_as_a_directorys(
    admin_client: Client, connector: Directory
) -> None:
    MailUserFactory(directory=connector, name="jdoe")
    taken = admin_client.post(add_url(connector), person("JDOE"))
    assert taken.status_code == 400
    assert text(taken.content.decode(), "name-error") == (
        f"The user name JDOE is already used in directory {connector.directory_id}."
    )
    long = admin_client.post(add_url(connector), person("x" * 21))
    assert (
        text(long.content.decode(), "name-error")
        == "The user name can be up to 20 characters long."
    )
    empty = admin_client.post(add_url(connector), person("new", display_name=" "))
    assert text(empty.content.decode(), "display_name-error") == "Enter a display name."
    assert MailUser.objects.count() == 1


def test_a_user_added_to_the_directory_is_enabled_in_its_organization(
    admin_client: Client, admin: Membership
) -> None:
    organization = active_organization(
        account=admin.account, directory_type=DirectoryType.AD_CONNECTOR
    )
    admin_client.post(add_url(organization.directory), person())
    added = MailUser.objects.get(name="jdoe")
    listed = admin_client.get(
        reverse("users:list", args=[organization.region, organization.organization_id])
    )
    assert texts(listed.content.decode(), "user") == ["jdoe J Doe - Disabled User"]
    admin_client.post(
        reverse("users:enable", args=[organization.region, organization.organization_id,
                                      added.user_id]),
        {"email": "jdoe", "domain": organization.test_domain},
    )  # fmt: skip
    added.refresh_from_db()
    assert (added.state, added.email) == (UserState.ENABLED, f"jdoe@{organization.test_domain}")


def test_other_directories_have_no_directory_users_and_refuse_them(
    admin_client: Client, admin: Membership
) -> None:
    simple_ad = DirectoryFactory(account=admin.account)
    assert (
        'data-testid="directory-users"'
        not in admin_client.get(simple_ad.get_absolute_url()).content.decode()
    )
    response = admin_client.post(add_url(simple_ad), person(), follow=True)
    assert f"Directory {simple_ad.directory_id} is not an AD Connector." in (
        response.content.decode()
    )
    assert not MailUser.objects.exists()


def test_a_deleted_connector_gets_no_new_user(admin_client: Client, admin: Membership) -> None:
    gone = DirectoryFactory(
        account=admin.account, directory_type=DirectoryType.AD_CONNECTOR, stage=Stage.DELETED
    )
    page = admin_client.get(gone.get_absolute_url()).content.decode()
    assert 'data-testid="add-directory-user"' not in page
    response = admin_client.post(add_url(gone), person(), follow=True)
    assert f"Directory {gone.directory_id} is deleted." in response.content.decode()
    assert not MailUser.objects.exists()


def test_ops_see_the_users_but_can_not_add_one(ops: Membership, connector: Directory) -> None:
    MailUserFactory(directory=connector, name="amy")
    client = signed_in(ops)
    page = client.get(connector.get_absolute_url()).content.decode()
    assert [row.split()[0] for row in texts(page, "directory-user")] == ["amy"]
    assert 'data-testid="add-directory-user"' not in page
    assert client.post(add_url(connector), person()).status_code == 403
    assert MailUser.objects.count() == 1


def test_another_account_can_not_add_users_to_this_directory(
    stranger: Membership, connector: Directory
) -> None:
    client = signed_in(stranger)
    assert client.get(connector.get_absolute_url()).status_code == 404
    assert client.post(add_url(connector), person()).status_code == 404
    assert not MailUser.objects.exists()


def test_adding_a_user_is_a_post(admin_client: Client, connector: Directory) -> None:
    assert admin_client.get(add_url(connector), person()).status_code == 405
    assert not MailUser.objects.exists()
