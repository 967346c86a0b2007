"""An organization's settings pages: Tags (Manage tags: rows of key and value, Remove, Add new
tag, Save, all without JavaScript), Retention policy (Folder actions, Edit, Delete) and Mobile
policy (Edit), and the Tags section of the organization's details. Admins change, in an Active
organization; ops read; another account's organization is not found."""

import pytest
from django.urls import reverse

from organizations import settings_services as settings
from organizations.lifecycle import State
from organizations.models import (
    FolderConfiguration,
    MobileDevicePolicy,
    Organization,
    OrganizationTag,
    RetentionPolicy,
)
from tests.conftest import signed_in
from tests.factories import active_organization
from tests.html import key_values, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization: Organization) -> str:
    return reverse(f"organizations:{name}", args=[organization.region, organization.pk])


def rows(*tags: tuple[str, str, str], remove: tuple[int, ...] = ()) -> dict[str, str]:
    """Manage tags' form as a browser sends it: (key, value, original key) for each row."""
    data = {"tags-TOTAL_FORMS": str(len(tags)), "tags-INITIAL_FORMS": "0"}
    for i, (key, value, original) in enumerate(tags):
        data |= {f"tags-{i}-key": key, f"tags-{i}-value": value, f"tags-{i}-original_key": original}
        if i in remove:
            data[f"tags-{i}-remove"] = "on"
    return data


def tags_of(organization: Organization) -> dict[str, str]:
    return dict(
        OrganizationTag.objects.filter(organization=organization).values_list("key", "value")
    )


def failed(organization: Organization) -> None:
    Organization.objects.filter(pk=organization.pk).update(state=State.FAILED)


# --- Tags -----------------------------------------------------------------------------------


def test_the_tags_page_lists_the_organizations_tags(admin_client, organization):
    settings.tag_resource(organization=organization, tags=[("team", "mail"), ("env", "")])
    page = admin_client.get(url("tags", organization)).content.decode()
    assert texts(page, "tag") == ["env -", "team mail"]
    assert text(page, "tag-count") == "(2)" and "Organization tags" in page
    assert url("manage-tags", organization) in page


def test_without_tags_it_says_so_and_offers_to_add_one(admin_client, organization):
    page = admin_client.get(url("tags", organization)).content.decode()
    assert "No tags" in page and "Add new tag" in page


def test_manage_tags_adds_a_row_without_javascript_then_saves(admin_client, organization):
    empty = admin_client.get(url("manage-tags", organization)).content.decode()
    assert len(texts(empty, "tag-row")) == 1  # one empty row to fill
    more = admin_client.post(
        url("manage-tags", organization), {**rows(("env", "dev", "")), "add": "1"}
    )
    assert more.status_code == 200 and not OrganizationTag.objects.exists()
    page = more.content.decode()
    assert len(texts(page, "tag-row")) == 2 and 'value="dev"' in page
    saved = admin_client.post(
        url("manage-tags", organization), rows(("env", "dev", ""), ("", "", ""))
    )
    assert saved.status_code == 302 and saved.url == url("tags", organization)
    assert tags_of(organization) == {"env": "dev"}
    assert "The tags of corp were saved." in admin_client.get(saved.url).content.decode()


def test_manage_tags_edits_renames_and_removes(admin_client, organization):
    settings.tag_resource(
        organization=organization, tags=[("env", "dev"), ("team", "a"), ("x", "")]
    )
    page = admin_client.get(url("manage-tags", organization)).content.decode()
    assert len(texts(page, "tag-row")) == 3 and 'name="tags-0-original_key" value="env"' in page
    response = admin_client.post(
        url("manage-tags", organization),
        rows(("env", "prod", "env"), ("owner", "a", "team"), ("x", "", "x"), remove=(2,)),
    )
    assert response.status_code == 302
    assert tags_of(organization) == {"env": "prod", "owner": "a"}


def test_manage_tags_says_what_is_wrong_under_each_row(admin_client, organization):
    response = admin_client.post(url("manage-tags", organization), rows(
        ("aws:cost", "1", ""), ("ok", "semi;colon", ""), ("dup", "1", ""), ("dup", "2", ""),
        ("", "lonely value", ""),
    ))  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert texts(page, "key-error") == [
        'A tag key can\'t start with "aws:", which is reserved for AWS.',
        "Another tag has this key. Each tag key must be unique.",
        "Enter a key for the tag.",
    ]
    assert "can contain only Unicode letters" in text(page, "value-error")
    assert not OrganizationTag.objects.exists()


def test_a_removed_row_is_not_checked(admin_client, organization):
    response = admin_client.post(
        url("manage-tags", organization), rows(("aws:bad", "", ""), ("good", "", ""), remove=(0,))
    )
    assert response.status_code == 302 and tags_of(organization) == {"good": ""}


def test_manage_tags_refuses_a_fifty_first_tag(admin_client, organization):
    settings.tag_resource(organization=organization, tags=[(f"k{i:02}", "") for i in range(50)])
    page = admin_client.get(url("manage-tags", organization)).content.decode()
    assert "Add new tag" not in page and "You can add up to 50 tags." in page
    # another admin's tag, added since this page was opened: the service's count refuses it
    OrganizationTag.objects.filter(organization=organization, key="k49").delete()
    settings.tag_resource(organization=organization, tags=[("theirs", "")])
    response = admin_client.post(url("manage-tags", organization), rows(("mine", "", "")))
    assert response.status_code == 400
    assert "up to 50 user-applied tags" in text(response.content.decode(), "form-error")
    assert "mine" not in tags_of(organization)


def test_ops_read_the_tags_but_can_not_manage_them(ops, organization):
    client = signed_in(ops)
    page = client.get(url("tags", organization)).content.decode()
    assert "Manage tags" not in page
    assert client.get(url("manage-tags", organization)).status_code == 403
    assert client.post(url("manage-tags", organization), rows(("a", "b", ""))).status_code == 403
    assert not OrganizationTag.objects.exists()


def test_a_failed_organizations_tags_are_read_but_not_changed(admin_client, organization):
    settings.tag_resource(organization=organization, tags=[("env", "dev")])
    failed(organization)
    page = admin_client.get(url("tags", organization)).content.decode()
    assert texts(page, "tag") == ["env dev"] and "Manage tags" not in page
    assert "You can manage tags only in an Active organization." in text(page, "not-active")
    refused = admin_client.post(url("manage-tags", organization), rows(("a", "", "")))
    assert refused.status_code == 400 and "It is Failed" in text(
        refused.content.decode(), "unavailable"
    )
    assert tags_of(organization) == {"env": "dev"}


def test_the_details_page_shows_the_tags(admin_client, organization):
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert "No tags." in text(page, "organization-tags")
    settings.tag_resource(organization=organization, tags=[("team", "mail"), ("env", "")])
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    section = text(page, "organization-tags")
    assert section.startswith("Tags (2)") and "env -" in section and "team mail" in section
    assert url("manage-tags", organization) in page


# --- Retention policy -------------------------------------------------------------------------


def test_without_a_policy_every_folder_shows_none(admin_client, organization):
    page = admin_client.get(url("retention-policy", organization)).content.decode()
    assert "has no retention policy" in text(page, "no-policy")
    assert texts(page, "folder") == [
        "Inbox None -", "Deleted items None -", "Sent items None -", "Drafts None -",
        "Junk email None -",
    ]  # fmt: skip
    assert url("edit-retention-policy", organization) in page
    assert url("delete-retention-policy", organization) not in page


def test_edit_sets_each_folders_action_and_days(admin_client, organization):
    form = admin_client.get(url("edit-retention-policy", organization)).content.decode()
    assert 'name="inbox_action"' in form and "Permanently delete" in form
    response = admin_client.post(url("edit-retention-policy", organization), {
        "inbox_action": "DELETE", "inbox_period": "30",
        "junk_email_action": "PERMANENTLY_DELETE", "junk_email_period": "7",
        "drafts_action": "NONE", "drafts_period": "12",
    })  # fmt: skip
    assert response.status_code == 302 and response.url == url("retention-policy", organization)
    page = admin_client.get(response.url).content.decode()
    assert "Allow 48 hours to apply the retention policies" in page
    assert texts(page, "folder") == [
        "Inbox Delete 30", "Deleted items None -", "Sent items None -", "Drafts None -",
        "Junk email Permanently delete 7",
    ]  # fmt: skip
    policy = RetentionPolicy.objects.get()
    assert policy.name == "default" and text(page, "policy-id") == policy.policy_id
    assert FolderConfiguration.objects.get(name="DRAFTS").period is None  # None keeps no days


def test_edit_shows_the_policy_as_saved(admin_client, organization):
    settings.put_retention_policy(
        organization=organization, name="corp-policy",
        folder_configurations=[FolderConfiguration(name="SENT_ITEMS", action="DELETE", period=90)],
    )  # fmt: skip
    form = admin_client.get(url("edit-retention-policy", organization)).content.decode()
    assert 'value="DELETE" checked' in form and 'value="90"' in form
    admin_client.post(url("edit-retention-policy", organization), {"inbox_action": "NONE"})
    policy = RetentionPolicy.objects.get()
    assert policy.name == "corp-policy"  # the console keeps the policy's name
    assert list(policy.folder_configurations.values_list("action", flat=True)) == ["NONE"] * 5


@pytest.mark.parametrize(
    ("period", "words"),
    [("", "Enter the number of days"), ("0", "from 1 to 730"), ("731", "from 1 to 730"),
     ("ten", "Enter a whole number."), ("9" * 5000, "Enter a whole number.")],
)  # fmt: skip
def test_edit_says_what_is_wrong_with_the_days(admin_client, organization, period, words):
    response = admin_client.post(
        url("edit-retention-policy", organization), {"sent_items_action": "DELETE",
                                                     "sent_items_period": period},
    )  # fmt: skip
    assert response.status_code == 400
    assert words in text(response.content.decode(), "sent_items_period-error")
    assert not RetentionPolicy.objects.exists()


def test_delete_asks_first_then_deletes_the_policy(admin_client, organization):
    admin_client.post(
        url("edit-retention-policy", organization), {"inbox_action": "DELETE", "inbox_period": "5"}
    )
    page = admin_client.get(url("retention-policy", organization)).content.decode()
    assert url("delete-retention-policy", organization) in page
    confirm = admin_client.get(url("delete-retention-policy", organization)).content.decode()
    assert "Delete retention policy" in confirm and RetentionPolicy.objects.exists()
    response = admin_client.post(url("delete-retention-policy", organization))
    assert response.url == url("retention-policy", organization)
    assert not RetentionPolicy.objects.exists()
    assert "The retention policy was deleted." in admin_client.get(response.url).content.decode()
    assert admin_client.post(url("delete-retention-policy", organization)).status_code == 400


def test_ops_read_the_retention_policy_but_can_not_change_it(ops, organization):
    client = signed_in(ops)
    page = client.get(url("retention-policy", organization)).content.decode()
    assert url("edit-retention-policy", organization) not in page
    for name in ("edit-retention-policy", "delete-retention-policy"):
        assert client.post(url(name, organization), {"inbox_action": "NONE"}).status_code == 403


def test_a_failed_organizations_retention_policy_is_unavailable(admin_client, organization):
    failed(organization)
    for name in ("retention-policy", "edit-retention-policy"):
        page = admin_client.get(url(name, organization)).content.decode()
        assert "It is Failed." in text(page, "unavailable")
    refused = admin_client.post(
        url("edit-retention-policy", organization), {"inbox_action": "NONE"}
    )
    assert refused.status_code == 400 and not RetentionPolicy.objects.exists()


# --- Mobile policy ----------------------------------------------------------------------------


def test_the_mobile_policy_shows_the_ten_settings_with_their_defaults(admin_client, organization):
    page = admin_client.get(url("mobile-policy", organization)).content.decode()
    assert key_values(page) == {
        "Require encryption on device": "No",
        "Require encryption on storage card": "No",
        "Password required": "Yes",
        "Allow simple password": "Yes",
        "Minimal password length": "4",
        "Require alphanumeric password": "No",
        "Number of failed attempts allowed": "10",
        "Password expiration": "Not enforced",
        "Enable screen lock": "Not enforced",
        "Enforce password history": "Not enforced",
    }
    assert url("edit-mobile-policy", organization) in page


def test_edit_mobile_policy_saves_what_the_form_holds(admin_client, organization):
    form = admin_client.get(url("edit-mobile-policy", organization)).content.decode()
    assert 'name="password_required" id="id_password_required" checked' in form
    assert "Use the device&#x27;s PIN as the password." in form
    response = admin_client.post(url("edit-mobile-policy", organization), {
        "require_encryption_on_device": "on", "password_required": "on",
        "minimal_password_length": "8", "number_of_failed_attempts_allowed": "",
        "enable_screen_lock": "300",
    })  # fmt: skip
    assert response.status_code == 302 and response.url == url("mobile-policy", organization)
    page = admin_client.get(response.url).content.decode()
    assert "The mobile policy was saved." in page
    shown = key_values(page)
    assert shown["Require encryption on device"] == "Yes" and shown["Allow simple password"] == "No"
    assert shown["Minimal password length"] == "8" and shown["Enable screen lock"] == "300"
    assert shown["Number of failed attempts allowed"] == "Not enforced"


def test_edit_mobile_policy_says_what_is_wrong_under_each_field(admin_client, organization):
    response = admin_client.post(url("edit-mobile-policy", organization), {
        "minimal_password_length": "40", "password_expiration": "soon",
        "number_of_failed_attempts_allowed": "2",
    })  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert text(page, "minimal_password_length-error") == (
        "Enter a number from 1 to 16, or leave it empty."
    )
    assert text(page, "password_expiration-error") == "Enter a whole number."
    assert "from 4 to 16" in text(page, "number_of_failed_attempts_allowed-error")
    assert not MobileDevicePolicy.objects.exists()


def test_ops_read_the_mobile_policy_but_can_not_change_it(ops, organization):
    client = signed_in(ops)
    page = client.get(url("mobile-policy", organization)).content.decode()
    assert url("edit-mobile-policy", organization) not in page and "Password required" in page
    assert client.post(url("edit-mobile-policy", organization), {}).status_code == 403
    assert not MobileDevicePolicy.objects.exists()


def test_an_inactive_organizations_mobile_policy_is_read_but_not_changed(
    admin_client, organization
):
    Organization.objects.filter(pk=organization.pk).update(state=State.INACTIVE)
    page = admin_client.get(url("mobile-policy", organization)).content.decode()
    assert "It is Inactive" in text(page, "not-active")
    assert url("edit-mobile-policy", organization) not in page
    refused = admin_client.post(url("edit-mobile-policy", organization), {})
    assert refused.status_code == 400 and not MobileDevicePolicy.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["tags", "manage-tags", "retention-policy", "edit-retention-policy",
     "delete-retention-policy", "mobile-policy", "edit-mobile-policy"],
)  # fmt: skip
def test_another_accounts_organization_is_not_found(stranger, organization, name):
    client = signed_in(stranger)
    assert client.get(url(name, organization)).status_code == 404
    assert client.post(url(name, organization), {}).status_code in (404, 405)
