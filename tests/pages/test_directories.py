"""Directories page and a directory's details: this account's directories in this Region, live
while any is working; Create alias, Simulate outage, Recover and Delete directory for admins."""

import pytest
from django.test import Client
from django.urls import reverse

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from directories.services import create_workmail_directory
from organizations.lifecycle import State
from tests.conftest import signed_in
from tests.factories import DirectoryFactory, OrganizationFactory
from tests.html import key_values, text, texts

LIST = reverse("directories:list", args=["us-east-1"])


def stage_of(directory: Directory) -> str:
    directory.refresh_from_db()
    return directory.stage


def history(directory: Directory) -> list[tuple[str, str]]:
    return list(directory.events.order_by("at", "pk").values_list("from_state", "to_state"))


# --- The list --------------------------------------------------------------------------------


def test_it_asks_anonymous_people_to_sign_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_side_nav_links_to_the_directories_after_organizations(admin_client) -> None:
    page = admin_client.get(reverse("organizations:list", args=["us-east-1"])).content.decode()
    assert page.index(">Organizations</a>") < page.index(f'href="{LIST}">Directories</a>')


def test_it_lists_only_this_accounts_directories_in_this_region(admin_client, admin, stranger):
    mine = DirectoryFactory(account=admin.account, name="mine.example.com", edition="")
    elsewhere = DirectoryFactory(account=admin.account, region="eu-west-1")
    theirs = DirectoryFactory(account=stranger.account)
    page = admin_client.get(LIST).content.decode()
    assert mine.directory_id in page and "mine.example.com" in page
    assert elsewhere.directory_id not in page
    assert theirs.directory_id not in page
    assert 'Directories <span class="count">(1)</span>' in page
    assert "Simple AD" in page and "Small" in page and 'data-state="Active"' in page


def test_deleted_directories_are_hidden_unless_asked_for(admin_client, admin) -> None:
    gone = DirectoryFactory(account=admin.account, stage=Stage.DELETED)
    assert gone.directory_id not in admin_client.get(LIST).content.decode()
    assert gone.directory_id in admin_client.get(LIST, {"show": "all"}).content.decode()


@pytest.mark.parametrize(
    ("stage", "badge"),
    [
        (Stage.ACTIVE, "status-success"),
        (Stage.INOPERABLE, "status-error"),
        (Stage.REQUESTED, "status-in-progress"),
        (Stage.CREATING, "status-in-progress"),
        (Stage.DELETING, "status-in-progress"),
        (Stage.DELETED, "status-stopped"),
    ],
)
def test_each_status_has_the_consoles_badge(admin_client, admin, stage, badge) -> None:
    DirectoryFactory(account=admin.account, stage=stage)
    page = admin_client.get(LIST, {"show": "all"}).content.decode()
    assert f'<span class="status {badge}" data-state="{stage}">' in page


def test_it_polls_while_a_directory_is_working_and_stops_after(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, stage=Stage.CREATING)
    assert 'hx-trigger="every 2s"' in admin_client.get(LIST).content.decode()
    poll = admin_client.get(LIST, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert poll.content.decode().lstrip().startswith('<tbody id="directory-rows"')
    assert 'data-state="Creating"' in poll.content.decode()

    Directory.objects.filter(pk=directory.pk).update(stage=Stage.ACTIVE)
    poll = admin_client.get(LIST, headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx: stop polling
    assert 'data-state="Active"' in poll.content.decode()
    assert "hx-trigger" not in poll.content.decode()


# --- Details ---------------------------------------------------------------------------------


def test_the_details_show_the_directory_and_its_history(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, name="corp.example.com")
    directory.transition(Stage.INOPERABLE, reason="Outage simulated")
    page = admin_client.get(directory.get_absolute_url()).content.decode()
    shown = key_values(page)
    assert shown["Directory ID"].startswith(directory.directory_id)
    assert shown["Directory type"] == "Simple AD (SimpleAD)"
    assert shown["Directory DNS name"] == "corp.example.com"
    assert shown["Directory size"] == "Small"
    assert shown["Status"].startswith("Inoperable The directory is not functional.")
    assert shown["Alias"] == directory.directory_id
    assert shown["Access URL"].startswith(f"https://{directory.directory_id}.awsapps.com")
    events = texts(page, "event")
    assert len(events) == 2 and "Inoperable Active Outage simulated" in events[-1]
    assert events[-1].endswith("so far")  # the time in its current status counts on


def test_the_details_poll_while_working(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, stage=Stage.REQUESTED)
    page = admin_client.get(directory.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    Directory.objects.filter(pk=directory.pk).update(stage=Stage.ACTIVE)
    poll = admin_client.get(directory.get_absolute_url(), headers={"HX-Request": "true"})
    assert poll.status_code == 286
    assert "<html" not in poll.content.decode()


def test_the_details_say_why_workmail_cannot_use_a_shared_directory(admin_client, admin) -> None:
    directory = DirectoryFactory(
        account=admin.account, directory_type="SharedMicrosoftAD", owner_account_id="210987654321"
    )
    page = admin_client.get(directory.get_absolute_url()).content.decode()
    assert text(page, "unsupported-reason") == (
        f"The directory {directory.directory_id} is shared from AWS account 210987654321. Amazon"
        " WorkMail doesn't currently support managed Microsoft Active Directory services that you"
        " share with multiple accounts."
    )


def test_the_details_name_the_organizations_that_use_it(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    OrganizationFactory(account=admin.account, alias="user1", directory=directory)
    page = admin_client.get(directory.get_absolute_url()).content.decode()
    assert ">user1</a>" in page


def test_the_query_count_does_not_grow_with_the_history(admin, django_assert_max_num_queries):
    directory = DirectoryFactory(account=admin.account)
    client = signed_in(admin)
    for _ in range(10):
        directory.transition(Stage.INOPERABLE, reason="down")
        directory.transition(Stage.ACTIVE, reason="up")
    with django_assert_max_num_queries(7):
        client.get(directory.get_absolute_url())


# --- Tenancy and roles -----------------------------------------------------------------------

READ = {"detail", "alias", "delete"}  # the pages a GET shows
CHANGE = {"alias", "outage", "recover", "delete"}  # the actions a POST does


def requests(name: str) -> list[str]:
    return [method for method, names in (("get", READ), ("post", CHANGE)) if name in names]


@pytest.mark.parametrize("name", sorted(READ | CHANGE))
def test_another_accounts_directory_is_a_404_on_every_url(stranger, admin, name) -> None:
    directory = DirectoryFactory(account=admin.account)
    url = reverse(f"directories:{name}", args=["us-east-1", directory.directory_id])
    client = signed_in(stranger)
    for method in requests(name):
        assert getattr(client, method)(url, {"alias": "stolen"}).status_code == 404
    assert stage_of(directory) == Stage.ACTIVE
    assert directory.alias == directory.directory_id
    assert len(history(directory)) == 1


@pytest.mark.parametrize("name", sorted(READ | CHANGE))
def test_a_directory_in_another_region_is_a_404(admin_client, admin, name) -> None:
    directory = DirectoryFactory(account=admin.account, region="eu-west-1")
    url = reverse(f"directories:{name}", args=["us-east-1", directory.directory_id])
    for method in requests(name):
        assert getattr(admin_client, method)(url, {"alias": "moved"}).status_code == 404
    assert stage_of(directory) == Stage.ACTIVE


@pytest.mark.parametrize("name", sorted(CHANGE))
def test_ops_can_read_but_not_change(ops, admin, name) -> None:
    directory = DirectoryFactory(account=admin.account)
    client = signed_in(ops)
    assert client.get(directory.get_absolute_url()).status_code == 200
    url = reverse(f"directories:{name}", args=["us-east-1", directory.directory_id])
    assert client.post(url, {"alias": "opsalias"}).status_code == 403
    assert stage_of(directory) == Stage.ACTIVE
    assert directory.alias == directory.directory_id


def test_ops_see_no_buttons_that_change_things(ops, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    client = signed_in(ops)
    page = client.get(directory.get_absolute_url()).content.decode()
    for button in ["Simulate outage", "Delete directory", "Create alias"]:
        assert button not in page
    assert "Set up directory" not in client.get(LIST).content.decode()


def test_a_get_of_an_action_changes_nothing(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    for name in ["outage", "recover"]:
        url = reverse(f"directories:{name}", args=["us-east-1", directory.directory_id])
        assert admin_client.get(url).status_code == 405
    assert stage_of(directory) == Stage.ACTIVE


# --- Create alias ----------------------------------------------------------------------------


def alias_url(directory: Directory) -> str:
    return reverse("directories:alias", args=[directory.region, directory.directory_id])


def test_create_alias_makes_the_access_url(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(alias_url(directory), {"alias": "Corp-Mail"}, follow=True)
    assert "Alias Corp-Mail created." in response.content.decode()
    shown = key_values(response.content.decode())
    assert shown["Alias"] == "Corp-Mail"
    assert shown["Access URL"].startswith("https://corp-mail.awsapps.com")
    assert "Create alias" not in response.content.decode()  # it can't be changed


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("", "Enter an alias."),
        ("x" * 63, "can be up to 62 characters long"),
        ("d-corp", "can't begin with d-"),
        ("D-corp", "can't begin with d-"),
        ("-corp", "can't begin or end with a hyphen"),
        ("corp-", "can't begin or end with a hyphen"),
        ("corp.mail", "only letters (a-z, A-Z), numbers (0-9) and hyphens"),
        ("corp mail", "only letters (a-z, A-Z), numbers (0-9) and hyphens"),
    ],
)
def test_create_alias_refuses_a_malformed_alias(admin_client, admin, alias, message) -> None:
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(alias_url(directory), {"alias": alias})
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors["alias"])
    directory.refresh_from_db()
    assert directory.alias == directory.directory_id


def test_an_alias_is_unique_in_the_world_whatever_the_case(admin_client, admin, stranger):
    DirectoryFactory(account=stranger.account, alias="corp")
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(alias_url(directory), {"alias": "CORP"})
    assert response.status_code == 400
    assert "The alias CORP is not available. Enter a different alias." in (
        response.content.decode()
    )
    directory.refresh_from_db()
    assert directory.alias == directory.directory_id


def test_an_alias_held_by_an_organizations_workmail_directory_is_not_available(
    admin_client, admin, stranger
) -> None:
    create_workmail_directory(
        account_id=stranger.account.pk, region="eu-west-1", alias="Acme", idempotency_key="m-1"
    )
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(alias_url(directory), {"alias": "acme"})
    assert response.status_code == 400
    assert "The alias acme is not available." in response.content.decode()


def test_a_deleted_directorys_alias_is_free_again(admin_client, admin) -> None:
    DirectoryFactory(account=admin.account, alias="corp", stage=Stage.DELETED)
    directory = DirectoryFactory(account=admin.account)
    assert admin_client.post(alias_url(directory), {"alias": "corp"}).status_code == 302
    directory.refresh_from_db()
    assert directory.alias == "corp"


def test_an_alias_can_not_be_changed(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, alias="first")
    response = admin_client.post(alias_url(directory), {"alias": "second"})
    assert response.status_code == 400
    assert "can&#x27;t be changed or deleted once it is created" in response.content.decode()
    directory.refresh_from_db()
    assert directory.alias == "first"


def test_an_alias_needs_an_active_directory(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, stage=Stage.CREATING)
    response = admin_client.post(alias_url(directory), {"alias": "early"})
    assert response.status_code == 400
    assert "You can create an alias only for an Active directory." in response.content.decode()


# --- Simulate outage and Recover -------------------------------------------------------------


def test_simulate_outage_then_recover(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(directory.outage_url, follow=True)
    assert "is Inoperable: outage simulated." in response.content.decode()
    assert stage_of(directory) == Stage.INOPERABLE
    assert ">Recover</button>" in response.content.decode()
    response = admin_client.post(directory.recover_url, follow=True)
    assert "is Active again." in response.content.decode()
    assert history(directory) == [
        ("", "Active"),
        ("Active", "Inoperable"),
        ("Inoperable", "Active"),
    ]


def test_recover_is_refused_for_an_active_directory(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    response = admin_client.post(directory.recover_url, follow=True)
    assert "You can&#x27;t recover the directory" in response.content.decode()
    assert "while it is Active" in response.content.decode()
    assert history(directory) == [("", "Active")]


def test_an_outage_is_refused_while_the_directory_is_being_created(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account, stage=Stage.CREATING)
    admin_client.post(directory.outage_url)
    assert stage_of(directory) == Stage.CREATING


# --- Delete directory ------------------------------------------------------------------------


def test_delete_starts_deleting(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    assert "Delete directory" in admin_client.get(directory.delete_url).content.decode()
    response = admin_client.post(directory.delete_url, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert f"Directory {directory.directory_id} is being deleted." in response.content.decode()
    assert stage_of(directory) == Stage.DELETING


def test_delete_is_refused_while_a_live_organization_uses_it(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    OrganizationFactory(account=admin.account, alias="acme", directory=directory, state="Active")
    reason = (
        f"The directory {directory.directory_id} is used by the Amazon WorkMail organization"
        " acme. In order to delete the directory, it can&#x27;t have any other AWS applications"
        " enabled."
    )
    dialog = admin_client.get(directory.delete_url).content.decode()
    assert reason in dialog and "Delete directory</button>" not in dialog
    response = admin_client.post(directory.delete_url, follow=True)
    assert reason in response.content.decode()
    assert stage_of(directory) == Stage.ACTIVE


def test_delete_is_allowed_once_the_organization_is_deleted(admin_client, admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    OrganizationFactory(account=admin.account, directory=directory, state=State.DELETED)
    admin_client.post(directory.delete_url)
    assert stage_of(directory) == Stage.DELETING


@pytest.mark.parametrize(
    ("applications", "used_by"),
    [
        (["WorkDocs"], "Amazon WorkDocs"),
        (["WorkSpaces"], "Amazon WorkSpaces"),
        (["WorkDocs", "WorkSpaces"], "Amazon WorkDocs and Amazon WorkSpaces"),
    ],
)
def test_delete_is_refused_while_other_applications_use_it(
    admin_client, admin, applications, used_by
) -> None:
    directory = DirectoryFactory(account=admin.account, applications=applications)
    response = admin_client.post(directory.delete_url, follow=True)
    assert (
        f"is used by {used_by}. In order to delete the directory, it can&#x27;t have any other"
        " AWS applications enabled." in response.content.decode()
    )
    assert stage_of(directory) == Stage.ACTIVE


def test_the_directories_workmail_made_for_its_organizations_are_not_listed(
    admin_client, admin
) -> None:
    own = DirectoryFactory(account=admin.account, alias="corp")
    workmail = DirectoryFactory(
        account=admin.account, alias="made", directory_type=DirectoryType.WORKMAIL
    )
    page = admin_client.get(reverse("directories:list", args=["us-east-1"])).content.decode()
    assert own.directory_id in page
    assert workmail.directory_id not in page  # as AWS Directory Service doesn't show them
