"""What the organization side asks of directories: directory_problem for each case,
unsupported_reason, delete_directory, and the directory_changed signal once committed; and the
directory actions' own refusal of a malformed directory ID."""

import pytest
from django.db import transaction

from directories import services
from directories.lifecycle import Stage
from directories.models import Directory
from directories.signals import directory_changed
from organizations import health
from organizations.lifecycle import State
from tests.factories import DirectoryFactory, OrganizationFactory
from workmail_console.errors import EntityDoesNotExistException
from workmail_console.lifecycle import InvalidTransition

pytestmark = pytest.mark.django_db


def problem(directory: Directory, **kwargs: str) -> str | None:
    return health.directory_problem(directory, region="us-east-1", **kwargs)


def test_an_active_unused_directory_in_the_region_has_no_problem() -> None:
    assert problem(DirectoryFactory()) is None


@pytest.mark.parametrize("stage", [Stage.REQUESTED, Stage.CREATING, Stage.INOPERABLE])
def test_a_directory_that_is_not_active_is_refused(stage) -> None:
    directory = DirectoryFactory(stage=stage)
    expected = f"The directory {directory.directory_id} is not Active (it is {stage})."
    assert problem(directory) == expected


@pytest.mark.parametrize("where", [{"stage": Stage.DELETED}, {"region": "eu-west-1"}])
def test_a_deleted_directory_or_one_in_another_region_is_unavailable(where) -> None:
    directory = DirectoryFactory(**where)
    assert problem(directory) == (
        f"The directory {directory.directory_id} is unavailable. It might be located in another"
        " Region or deleted."
    )


def test_a_directory_shared_from_another_account_is_refused() -> None:
    directory = DirectoryFactory(
        directory_type="SharedMicrosoftAD", owner_account_id="210987654321"
    )
    assert problem(directory) == (
        f"The directory {directory.directory_id} is shared from AWS account 210987654321. Amazon"
        " WorkMail doesn't currently support managed Microsoft Active Directory services that you"
        " share with multiple accounts."
    )
    assert services.unsupported_reason(directory) == problem(directory)


def test_a_multi_region_directory_is_refused() -> None:
    directory = DirectoryFactory(directory_type="MicrosoftAD", primary_region="eu-central-1")
    assert problem(directory) == (
        f"The directory {directory.directory_id} is a multi-Region directory (primary Region"
        " eu-central-1). Amazon WorkMail does not support multi-Region directories."
    )
    assert services.unsupported_reason(directory) == problem(directory)


@pytest.mark.parametrize("directory_type", ["SimpleAD", "MicrosoftAD", "ADConnector"])
def test_the_supported_kinds_have_no_unsupported_reason(directory_type) -> None:
    assert services.unsupported_reason(DirectoryFactory(directory_type=directory_type)) is None


IN_USE = "is already in use by another WorkMail organization in the same account and Region."


def test_a_directory_used_by_another_live_organization_is_in_use() -> None:
    directory = DirectoryFactory()
    user = OrganizationFactory(account=directory.account, directory=directory, state=State.ACTIVE)
    asking = OrganizationFactory(account=directory.account)
    assert problem(directory) == f"The directory {directory.directory_id} {IN_USE}"
    assert problem(directory, organization_id=asking.pk) == problem(directory)
    assert problem(directory, organization_id=user.pk) is None  # its own directory


def test_the_in_use_check_reads_the_organizations_prefetched(django_assert_num_queries) -> None:
    directory = DirectoryFactory()
    OrganizationFactory(account=directory.account, directory=directory, state=State.ACTIVE)
    fetched = Directory.objects.prefetch_related("organizations").get(pk=directory.pk)
    with django_assert_num_queries(0):  # a batch of checks costs no query per organization
        assert problem(fetched) == f"The directory {directory.directory_id} {IN_USE}"


def test_a_deleted_organization_no_longer_uses_its_directory() -> None:
    directory = DirectoryFactory()
    OrganizationFactory(account=directory.account, directory=directory, state=State.DELETED)
    assert problem(directory) is None


def test_a_workmail_directory_is_active_at_once_with_its_first_event() -> None:
    organization = OrganizationFactory()
    directory = services.create_workmail_directory(
        account_id=organization.account_id,
        region="us-east-1",
        alias=organization.alias,
        idempotency_key=organization.pk,
    )
    assert (directory.stage, directory.directory_type) == ("Active", "VpcDirectory")
    assert list(directory.events.values_list("from_state", "to_state")) == [("", "Active")]


def test_delete_directory_starts_deleting() -> None:
    directory = DirectoryFactory()
    assert services.delete_directory(directory) is None
    directory.refresh_from_db()
    assert directory.stage == Stage.DELETING
    assert directory.events.last().reason == "Deletion requested"


@pytest.mark.parametrize("applications", [["WorkDocs"], ["WorkSpaces"]])
def test_delete_directory_keeps_one_other_applications_use(applications) -> None:
    directory = DirectoryFactory(applications=applications)
    reason = services.delete_directory(directory)
    assert reason.endswith(
        "In order to delete the directory, it can't have any other AWS applications enabled."
    )
    directory.refresh_from_db()
    assert directory.stage == Stage.ACTIVE


@pytest.mark.parametrize("stage", [Stage.DELETING, Stage.DELETED])
def test_delete_directory_again_is_no_refusal_and_no_event(stage) -> None:
    directory = DirectoryFactory(stage=stage)
    assert services.delete_directory(directory) is None
    assert directory.events.count() == 1


def test_delete_directory_reads_the_stage_afresh() -> None:
    directory = DirectoryFactory()
    Directory.objects.filter(pk=directory.pk).update(stage=Stage.INOPERABLE)  # behind its back
    assert services.delete_directory(directory) is None
    assert list(directory.events.values_list("from_state", "to_state"))[-1] == (
        "Inoperable",
        "Deleting",
    )


def test_a_move_not_in_the_table_is_refused() -> None:
    directory = DirectoryFactory(stage=Stage.DELETED)
    with pytest.raises(InvalidTransition):
        directory.transition(Stage.ACTIVE, reason="back from the dead")


def test_a_move_from_a_stage_already_left_changes_nothing() -> None:
    directory = DirectoryFactory()
    stale = Directory.objects.get(pk=directory.pk)
    assert directory.transition(Stage.INOPERABLE, reason="first")
    assert not stale.transition(Stage.INOPERABLE, reason="second")  # still reads Active
    assert directory.events.count() == 2


@pytest.fixture
def heard() -> list[tuple[str, str]]:
    heard: list[tuple[str, str]] = []

    def listen(sender: type, directory: Directory, **kwargs: object) -> None:
        heard.append((directory.directory_id, directory.stage))

    directory_changed.connect(listen)
    yield heard
    directory_changed.disconnect(listen)


def test_directory_changed_is_sent_once_the_move_is_committed(
    heard, django_capture_on_commit_callbacks
) -> None:
    directory = DirectoryFactory()
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        directory.transition(Stage.INOPERABLE, reason="down")
        assert heard == []  # not before the commit
    assert heard == [(directory.directory_id, "Inoperable")]


def test_directory_changed_is_not_sent_for_a_move_rolled_back(
    heard, django_capture_on_commit_callbacks
) -> None:
    directory = DirectoryFactory()
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                directory.transition(Stage.INOPERABLE, reason="down")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and heard == []
    assert Directory.objects.get(pk=directory.pk).stage == Stage.ACTIVE


def test_a_failing_listener_does_not_stop_the_others(
    django_capture_on_commit_callbacks, caplog
) -> None:
    heard: list[str] = []

    def broken(**kwargs: object) -> None:
        raise RuntimeError("listener broke")

    def listen(directory: Directory, **kwargs: object) -> None:
        heard.append(directory.stage)

    directory = DirectoryFactory()
    directory_changed.connect(broken)  # first: the next one must still hear
    directory_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            directory.transition(Stage.INOPERABLE, reason="down")
    finally:
        directory_changed.disconnect(broken)
        directory_changed.disconnect(listen)
    assert heard == ["Inoperable"]
    assert "listener broke" in caplog.text


MALFORMED_IDS = [
    "s-0123456789",  # wrong prefix
    "d-012345678",  # too short
    "d-0123456789a",  # too long
    "d-01234567\x0089",  # NUL
    "d-0123456789\n",  # a trailing newline, which `$` would let through
    "D-0123456789",  # upper case
    "d-" + "0" * 10_000,  # overlong
    "eu-west-1",  # a Region, not an ID
]


@pytest.mark.parametrize("directory_id", MALFORMED_IDS)
def test_a_malformed_directory_id_is_not_found_without_a_query(
    directory_id, django_assert_num_queries
) -> None:
    account = DirectoryFactory().account
    with django_assert_num_queries(0), pytest.raises(EntityDoesNotExistException):
        services.get_directory(account=account, region="us-east-1", directory_id=directory_id)


def create_alias(**where: str) -> Directory:
    return services.create_alias(alias="corp", **where)


@pytest.mark.parametrize(
    "action",
    [services.simulate_outage, services.recover, services.request_directory_deletion, create_alias],
)
def test_the_directory_actions_refuse_a_malformed_id_as_not_found(action) -> None:
    account = DirectoryFactory().account
    with pytest.raises(EntityDoesNotExistException, match="was not found in us-east-1"):
        action(account=account, region="us-east-1", directory_id="d-01234567\x0089")
