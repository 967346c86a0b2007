"""An organization's settings, service by service: TagResource, UntagResource and
ListTagsForResource (at most 50 tags, keys unique in their exact case, the AWS character set, aws:
reserved), PutRetentionPolicy, GetDefaultRetentionPolicy and DeleteRetentionPolicy (five folders,
1 to 730 days), and the mobile device policy; only an Active organization's change."""

import pytest

from organizations import settings_services as settings
from organizations.lifecycle import State
from organizations.models import (
    FolderConfiguration,
    MobileDevicePolicy,
    Organization,
    OrganizationTag,
    RetentionPolicy,
)
from tests.factories import active_organization
from workmail_console.errors import (
    EntityNotFoundException,
    InvalidParameterException,
    LimitExceededException,
    OrganizationStateException,
    TooManyTagsException,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp")


def in_state(organization: Organization, state: State) -> Organization:
    Organization.objects.filter(pk=organization.pk).update(state=state)
    organization.refresh_from_db()
    return organization


def tags_of(organization: Organization) -> dict[str, str]:
    return {t.key: t.value for t in settings.list_tags_for_resource(organization=organization)}


def fill(organization: Organization, count: int) -> None:
    tags = [(f"key{i:02}", "") for i in range(count)]
    settings.tag_resource(organization=organization, tags=tags)


# --- Tags -----------------------------------------------------------------------------------


def test_tag_resource_adds_tags_and_a_known_key_takes_the_new_value(organization):
    settings.tag_resource(organization=organization, tags=[("env", "dev"), ("team", "")])
    settings.tag_resource(organization=organization, tags=[("env", "prod")])
    assert tags_of(organization) == {"env": "prod", "team": ""}


def test_keys_are_unique_in_their_exact_case(organization):
    settings.tag_resource(organization=organization, tags=[("Env", "a"), ("env", "b")])
    assert tags_of(organization) == {"Env": "a", "env": "b"}


def test_tags_are_listed_by_key(organization):
    settings.tag_resource(organization=organization, tags=[("b", "2"), ("a", "1"), ("c", "3")])
    assert list(tags_of(organization)) == ["a", "b", "c"]


def test_an_organization_has_at_most_fifty_tags_after_the_merge(organization):
    fill(organization, 49)
    with pytest.raises(TooManyTagsException, match="up to 50 user-applied tags"):
        settings.tag_resource(organization=organization, tags=[("one", ""), ("two", "")])
    assert OrganizationTag.objects.count() == 49
    settings.tag_resource(organization=organization, tags=[("one", ""), ("key00", "again")])
    assert OrganizationTag.objects.count() == 50  # a known key is no new tag


def test_a_request_names_at_most_fifty_tags(organization):
    with pytest.raises(InvalidParameterException):
        settings.tag_resource(organization=organization, tags=[(f"k{i}", "") for i in range(51)])
    with pytest.raises(InvalidParameterException):
        settings.untag_resource(organization=organization, tag_keys=[f"k{i}" for i in range(51)])


@pytest.mark.parametrize(
    ("key", "words"),
    [("", "Enter a key"), ("k" * 129, "up to 128"), ("a<b", "Unicode letters"),
     ("a\x00b", "Unicode letters"), ("semi;colon", "Unicode letters"), ("aws:name", "reserved"),
     ("AWS:name", "reserved"), ("Aws:", "reserved")],
)  # fmt: skip
def test_a_key_outside_the_rules_is_refused(organization, key, words):
    with pytest.raises(InvalidParameterException, match=words):
        settings.tag_resource(organization=organization, tags=[(key, "v")])
    assert not OrganizationTag.objects.exists()


@pytest.mark.parametrize(("value", "words"), [("v" * 257, "up to 256"), ("a\tb", "Unicode")])
def test_a_value_outside_the_rules_is_refused(organization, value, words):
    with pytest.raises(InvalidParameterException, match=words):
        settings.tag_resource(organization=organization, tags=[("key", value)])


def test_the_aws_character_set_is_accepted_whole(organization):
    key = "k" * 120 + "_.:/=+-@"
    tags = [(key, "v" * 256), ("Équipe コスト 7", "x y"), ("aws", ""), ("my:aws:key", "aws:x")]
    settings.tag_resource(organization=organization, tags=tags)
    assert tags_of(organization) == dict(tags)


def test_a_key_given_twice_in_one_request_is_refused(organization):
    with pytest.raises(InvalidParameterException, match="only once"):
        settings.tag_resource(organization=organization, tags=[("env", "a"), ("env", "b")])


def test_untag_resource_removes_the_keys_named_and_ignores_unknown_ones(organization):
    settings.tag_resource(organization=organization, tags=[("env", "a"), ("team", "b")])
    settings.untag_resource(organization=organization, tag_keys=["env", "nobody", "TEAM"])
    assert tags_of(organization) == {"team": "b"}


def test_save_tags_removes_before_it_adds_so_a_full_set_can_swap_a_tag(organization):
    fill(organization, 50)
    settings.save_tags(organization=organization, tags=[("new", "1")], removed_keys=["key00"])
    assert len(tags_of(organization)) == 50 and "new" in tags_of(organization)


def test_save_tags_does_both_or_neither(organization):
    fill(organization, 50)
    with pytest.raises(TooManyTagsException):
        settings.save_tags(
            organization=organization, tags=[("new1", ""), ("new2", "")], removed_keys=["key00"]
        )
    assert "key00" in tags_of(organization) and len(tags_of(organization)) == 50


@pytest.mark.parametrize("state", [State.INACTIVE, State.FAILED, State.IMPAIRED, State.CREATING])
def test_only_an_active_organizations_tags_change_but_they_are_read_in_any_state(
    organization, state
):
    settings.tag_resource(organization=organization, tags=[("env", "a")])
    in_state(organization, state)
    with pytest.raises(OrganizationStateException, match="is not Active"):
        settings.tag_resource(organization=organization, tags=[("team", "b")])
    with pytest.raises(OrganizationStateException):
        settings.untag_resource(organization=organization, tag_keys=["env"])
    assert tags_of(organization) == {"env": "a"}


# --- Retention policy -------------------------------------------------------------------------


def folder(name: str, action: str, period: int | None = None) -> FolderConfiguration:
    return FolderConfiguration(name=name, action=action, period=period)


def put(organization: Organization, *folders: FolderConfiguration, **kwargs) -> RetentionPolicy:
    return settings.put_retention_policy(
        organization=organization, name=kwargs.pop("name", "default"),
        folder_configurations=folders, **kwargs,
    )  # fmt: skip


def configured(organization: Organization) -> list[tuple[str, str, int | None]]:
    policy = settings.get_default_retention_policy(organization=organization)
    rows = policy.folder_configurations.order_by("name")
    return list(rows.values_list("name", "action", "period"))


def test_an_organization_without_a_retention_policy_has_none_to_get(organization):
    with pytest.raises(EntityNotFoundException, match="no retention policy"):
        settings.get_default_retention_policy(organization=organization)


def test_put_retention_policy_writes_each_folders_action_and_days(organization):
    policy = put(
        organization, folder("INBOX", "DELETE", 30), folder("JUNK_EMAIL", "PERMANENTLY_DELETE", 1),
        folder("DRAFTS", "NONE"), description="Keep it tidy",
    )  # fmt: skip
    assert configured(organization) == [
        ("DRAFTS", "NONE", None), ("INBOX", "DELETE", 30), ("JUNK_EMAIL", "PERMANENTLY_DELETE", 1)
    ]  # fmt: skip
    found = settings.get_default_retention_policy(organization=organization)
    assert (found.policy_id, found.name, found.description) == (
        policy.policy_id, "default", "Keep it tidy",
    )  # fmt: skip


def test_putting_again_replaces_the_folders_and_keeps_the_policys_id(organization):
    first = put(organization, folder("INBOX", "DELETE", 30), folder("SENT_ITEMS", "DELETE", 90))
    again = put(organization, folder("INBOX", "PERMANENTLY_DELETE", 730))
    assert again.policy_id == first.policy_id and RetentionPolicy.objects.count() == 1
    assert configured(organization) == [("INBOX", "PERMANENTLY_DELETE", 730)]


def test_put_with_an_id_names_a_new_policy_but_an_organization_has_only_one(organization):
    assert put(organization, folder("INBOX", "DELETE", 5), policy_id="mine-1").policy_id == "mine-1"
    put(organization, folder("INBOX", "DELETE", 6), policy_id="mine-1")
    with pytest.raises(LimitExceededException, match="already has a retention policy"):
        put(organization, folder("INBOX", "DELETE", 7), policy_id="other")
    assert configured(organization) == [("INBOX", "DELETE", 6)]


@pytest.mark.parametrize(
    ("folders", "words"),
    [([folder("INBOX", "DELETE", 0)], "from 1 to 730"),
     ([folder("INBOX", "DELETE", 731)], "from 1 to 730"),
     ([folder("INBOX", "DELETE")], "Enter the number of days"),
     ([folder("OUTBOX", "DELETE", 3)], "A folder is one of"),
     ([folder("INBOX", "ARCHIVE", 3)], "action is one of"),
     ([folder("INBOX", "DELETE", 3), folder("INBOX", "NONE")], "only once")],
)  # fmt: skip
def test_a_folder_configuration_outside_the_rules_is_refused(organization, folders, words):
    with pytest.raises(InvalidParameterException, match=words):
        put(organization, *folders)
    assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "ünï"])
def test_the_policys_name_is_a_short_string(organization, name):
    with pytest.raises(InvalidParameterException, match="name"):
        put(organization, folder("INBOX", "NONE"), name=name)


def test_delete_retention_policy_deletes_it_and_a_gone_one_is_no_error(organization):
    policy = put(organization, folder("INBOX", "DELETE", 30))
    settings.delete_retention_policy(organization=organization, policy_id="someone-else")
    assert RetentionPolicy.objects.exists()
    settings.delete_retention_policy(organization=organization, policy_id=policy.policy_id)
    settings.delete_retention_policy(organization=organization, policy_id=policy.policy_id)
    assert not RetentionPolicy.objects.exists() and not FolderConfiguration.objects.exists()


def test_the_retention_policy_changes_only_while_active_and_is_read_while_inactive(
    organization,
):
    put(organization, folder("INBOX", "DELETE", 30))
    in_state(organization, State.INACTIVE)
    assert configured(organization) == [("INBOX", "DELETE", 30)]
    with pytest.raises(OrganizationStateException, match="It is Inactive"):
        put(organization, folder("INBOX", "DELETE", 40))
    with pytest.raises(OrganizationStateException):
        settings.delete_retention_policy(organization=organization, policy_id="x")
    in_state(organization, State.FAILED)
    with pytest.raises(OrganizationStateException):
        settings.get_default_retention_policy(organization=organization)


# --- Mobile device policy ---------------------------------------------------------------------


def test_the_default_mobile_policy_asks_a_password_of_four_characters_and_ten_attempts(
    organization,
):
    policy = settings.get_mobile_device_policy(organization=organization)
    assert policy.password_required and policy.allow_simple_password
    assert (policy.minimal_password_length, policy.number_of_failed_attempts_allowed) == (4, 10)
    assert not (
        policy.require_encryption_on_device or policy.require_encryption_on_storage_card
        or policy.require_alphanumeric_password
    )  # fmt: skip
    assert policy.password_expiration is policy.enable_screen_lock is None
    assert policy.enforce_password_history is None
    assert not MobileDevicePolicy.objects.exists()  # reading writes nothing


def test_update_mobile_device_policy_changes_the_settings_given(organization):
    settings.update_mobile_device_policy(
        organization=organization, require_encryption_on_device=True, password_expiration=90,
        minimal_password_length=None,
    )  # fmt: skip
    policy = settings.get_mobile_device_policy(organization=organization)
    assert policy.require_encryption_on_device and policy.password_expiration == 90
    assert policy.minimal_password_length is None and policy.number_of_failed_attempts_allowed == 10


@pytest.mark.parametrize(
    ("name", "value"),
    [("minimal_password_length", 0), ("minimal_password_length", 17),
     ("number_of_failed_attempts_allowed", 3), ("password_expiration", 731),
     ("enable_screen_lock", 10000), ("enforce_password_history", 51),
     ("password_required", "yes"), ("minimal_password_length", True), ("wipe_now", True)],
)  # fmt: skip
def test_a_mobile_policy_setting_outside_its_range_is_refused(organization, name, value):
    with pytest.raises(InvalidParameterException):
        settings.update_mobile_device_policy(organization=organization, **{name: value})
    assert not MobileDevicePolicy.objects.exists()


def test_the_mobile_policy_changes_only_while_active(organization):
    in_state(organization, State.INACTIVE)
    assert settings.get_mobile_device_policy(organization=organization).password_required
    with pytest.raises(OrganizationStateException):
        settings.update_mobile_device_policy(organization=organization, password_required=False)
    in_state(organization, State.FAILED)
    with pytest.raises(OrganizationStateException):
        settings.get_mobile_device_policy(organization=organization)
