"""Groups pages: the list (filter, state, selection-gated actions), Create a group, the group's
details with its members, and the Enable, Disable and Delete dialogs, in the console's words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directories.models import DirectoryType
from tests.conftest import signed_in
from tests.factories import MailUserFactory, active_organization
from tests.html import text, texts
from users import groups
from users.models import Group, GroupMember, UserState

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin):
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization, group=None) -> str:
    args = [organization.region, organization.organization_id]
    return reverse(f"groups:{name}", args=[*args, group.pk] if group else args)


def make(organization, name: str = "sales", enabled: bool = True) -> Group:
    email = f"{name}@{organization.test_domain}" if enabled else None
    return groups.create_group(organization=organization, name=name, email=email)


def test_create_a_group_with_its_address_and_land_on_its_details(admin_client, organization):
    page = admin_client.get(url("create", organization)).content.decode()
    assert "Create a group" in page and 'name="show_in_global_address_list" id=' in page
    response = admin_client.post(url("create", organization), {
        "name": "Sales Team", "email": "sales", "domain": organization.test_domain,
        "show_in_global_address_list": "on",
    })  # fmt: skip
    group = Group.objects.get()
    assert response.status_code == 302 and response.url == url("detail", organization, group)
    assert group.state == UserState.ENABLED and group.email == f"sales@{organization.test_domain}"
    assert not group.hidden_from_global_address_list
    details = admin_client.get(response.url).content.decode()
    assert "Group Sales Team was created." in details
    assert text(details, "group-email") == f"sales@{organization.test_domain}"


def test_create_group_says_what_is_wrong_under_each_field(admin_client, organization):
    MailUserFactory(directory=organization.directory, name="jane")
    taken = admin_client.post(url("create", organization), {
        "name": "JANE", "email": "team", "domain": organization.test_domain,
    })  # fmt: skip
    assert taken.status_code == 400
    assert "The name JANE is already used by a user" in text(taken.content.decode(), "name-error")
    no_address = admin_client.post(url("create", organization), {
        "name": "team", "email": "", "domain": organization.test_domain,
    })  # fmt: skip
    assert texts(no_address.content.decode(), "email-error") == ["Enter the group's email address."]
    assert not Group.objects.exists()


def test_the_list_filters_and_offers_the_actions_a_group_allows(admin_client, organization):
    make(organization, "sales")
    make(organization, "support", enabled=False)
    page = admin_client.get(url("list", organization)).content.decode()
    assert texts(page, "group-count") == ["(2)"]
    assert "data-needs-selection data-dialog>Enable</button>" in page
    found = admin_client.get(url("list", organization), {"filter": "SUPP"})
    assert [g.name for g in found.context["page"]] == ["support"]
    found = admin_client.get(url("list", organization), {"state": "ENABLED"})
    assert [g.name for g in found.context["page"]] == ["sales"]


def test_the_lists_selected_action_opens_its_dialog(admin_client, organization):
    sales = make(organization)
    response = admin_client.get(
        url("selected", organization), {"action": "disable", "group_id": str(sales.pk)}
    )
    assert response.url == url("disable", organization, sales)
    nothing = admin_client.get(url("selected", organization), {"action": "disable"})
    assert nothing.url == url("list", organization)


def test_disable_then_delete_with_the_guides_confirmation(admin_client, organization):
    sales = make(organization)
    refused = admin_client.post(url("delete", organization, sales), {"confirmation": "sales"})
    assert "you must first disable that group" in text(refused.content.decode(), "problem")
    admin_client.post(url("disable", organization, sales))
    assert Group.objects.get(pk=sales.pk).state == UserState.DISABLED
    dialog = admin_client.get(url("delete", organization, sales)).content.decode()
    assert "Enter the group name to confirm deletion" in dialog
    wrong = admin_client.post(url("delete", organization, sales), {"confirmation": "SALES"})
    assert wrong.status_code == 400
    assert Group.objects.get(pk=sales.pk).state == UserState.DISABLED
    done = admin_client.post(url("delete", organization, sales), {"confirmation": "sales"})
    assert done.url == url("list", organization)
    assert Group.objects.get(pk=sales.pk).state == UserState.DELETED


def test_enable_offers_the_groups_own_address(admin_client, organization):
    sales = make(organization)
    groups.disable_group(organization=organization, group_id=sales.pk)
    dialog = admin_client.get(url("enable", organization, sales)).content.decode()
    assert 'value="sales"' in dialog
    admin_client.post(
        url("enable", organization, sales), {"email": "sales", "domain": organization.test_domain}
    )
    assert Group.objects.get(pk=sales.pk).state == UserState.ENABLED


def test_members_are_added_and_removed_on_the_details_page(admin_client, organization):
    sales, team = make(organization, "sales"), make(organization, "team")
    jane = MailUserFactory(
        directory=organization.directory, name="jane", state=UserState.ENABLED,
        email=f"jane@{organization.test_domain}",
    )  # fmt: skip
    page = admin_client.get(url("detail", organization, sales)).content.decode()
    assert f'<option value="{jane.pk}">jane (user)</option>' in page
    assert f'<option value="{team.pk}">team (group)</option>' in page
    assert f'<option value="{sales.pk}">' not in page  # never itself
    for member in (jane, team):
        admin_client.post(url("add-member", organization, sales), {"member": str(member.pk)})
    page = admin_client.get(url("detail", organization, sales)).content.decode()
    assert texts(page, "member-count") == ["(2)"]
    assert f'<option value="{jane.pk}">' not in page  # a member already
    cycle = admin_client.post(url("add-member", organization, team), {"member": str(sales.pk)},
                              follow=True)  # fmt: skip
    assert "Group sales can&#x27;t be a member of team" in cycle.content.decode()
    admin_client.post(url("remove-member", organization, sales), {"member": str(jane.pk)})
    assert list(GroupMember.objects.values_list("member_group__name", flat=True)) == ["team"]


def test_ops_read_groups_but_see_no_action(ops, organization):
    sales = make(organization)
    client = signed_in(ops)
    page = client.get(url("list", organization)).content.decode()
    assert "sales" in page and "Create group" not in page and "data-dialog" not in page
    details = client.get(url("detail", organization, sales)).content.decode()
    assert 'data-testid="add-member"' not in details
    assert client.post(url("disable", organization, sales)).status_code == 403


def test_an_ad_connector_organizations_groups_are_read_only(admin_client, admin):
    organization = active_organization(
        account=admin.account, directory_type=DirectoryType.AD_CONNECTOR
    )
    page = admin_client.get(url("list", organization)).content.decode()
    assert "AD Connector" in text(page, "not-active") and "Create group" not in page
    refused = admin_client.get(url("create", organization))
    assert "AD Connector" in text(refused.content.decode(), "unavailable")


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_and_a_group_page_use_a_constant_number_of_queries(
    admin_client, organization, count
) -> None:
    sales = make(organization, "sales")
    for i in range(count):
        member = make(organization, f"g{i}")
        groups.associate_member(organization=organization, group_id=sales.pk, member_id=f"g{i}")
        MailUserFactory(directory=organization.directory, name=f"u{i}")
    counts = []
    for page in (url("list", organization), url("detail", organization, sales)):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(page).status_code == 200
        counts.append(len(captured))
    assert member and counts == EXPECTED_QUERIES


EXPECTED_QUERIES = [6, 11]  # session+membership+organization, then the page's own (aliases too)
