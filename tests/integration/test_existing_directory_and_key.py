"""CreateOrganization with an existing directory and KMS key, through a real worker: what WorkMail
supports becomes Active on them, and each combination it does not support goes Failed with the
reason as the organization's error message."""

from collections.abc import Callable

import pytest

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from keys.models import KeyState
from organizations import services
from organizations.lifecycle import State
from organizations.models import DirectoryChoice, EncryptionChoice, Organization
from tests.factories import DirectoryFactory, KeyFactory
from tests.waiting import wait_for
from workmail_console.errors import (
    DirectoryInUseException,
    DirectoryUnavailableException,
    InvalidParameterException,
)
from workmail_console.tasks import enqueue

pytestmark = pytest.mark.django_db(transaction=True)


def create(admin, alias: str, directory=None, key=None, **extra) -> Organization:
    return services.create_organization(
        account=admin.account,
        region="us-east-1",
        alias=alias,
        directory_choice=DirectoryChoice.EXISTING if directory else DirectoryChoice.CREATE,
        directory_id=directory.directory_id if directory else None,
        encryption_choice=EncryptionChoice.EXISTING if key else EncryptionChoice.MANAGED,
        kms_key_arn=key.arn if key else None,
        **extra,
    )


def settles(organization: Organization) -> Organization:
    def probe() -> Organization | None:
        fresh = Organization.objects.select_related("directory", "encryption_key").get(
            pk=organization.pk
        )
        return fresh if fresh.state in (State.ACTIVE, State.FAILED) else None

    probe.__doc__ = f"{organization.alias} to become Active or Failed"
    return wait_for(probe)


def test_an_organization_on_an_existing_directory_and_key_becomes_active(
    celery_worker, admin
) -> None:
    directory = DirectoryFactory(account=admin.account, alias="corp")
    key = KeyFactory(account=admin.account)
    organization = settles(create(admin, "corp", directory, key))
    assert organization.state == State.ACTIVE
    assert (organization.directory, organization.encryption_key) == (directory, key)


UNSUPPORTED: list[tuple[str, Callable, Callable, str]] = [
    (
        "shared",
        lambda a: DirectoryFactory(
            account=a, alias="shared", directory_type=DirectoryType.SHARED_MICROSOFT_AD,
            owner_account_id="111122223333",
        ),
        lambda a: None,
        "shared from AWS account 111122223333",
    ),
    (
        "multiregion",
        lambda a: DirectoryFactory(
            account=a, alias="multiregion", directory_type=DirectoryType.MICROSOFT_AD,
            primary_region="eu-west-1",
        ),
        lambda a: None,
        "does not support multi-Region directories",
    ),
    (
        "notyet",
        lambda a: DirectoryFactory(account=a, alias="notyet", stage=Stage.CREATING),
        lambda a: None,
        "is not Active",
    ),
    ("disabled", lambda a: None, lambda a: KeyFactory(account=a, key_state=KeyState.DISABLED),
     "is disabled"),
    ("asymmetric", lambda a: None,
     lambda a: KeyFactory(account=a, key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT"),
     "symmetric"),
    ("pending", lambda a: None,
     lambda a: KeyFactory(account=a, key_state=KeyState.PENDING_DELETION), "pending deletion"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("alias", "directory", "key", "reason"), UNSUPPORTED, ids=[c[0] for c in UNSUPPORTED]
)
def test_each_unsupported_combination_fails_with_its_reason(
    celery_worker, admin, alias, directory, key, reason
) -> None:
    organization = settles(create(admin, alias, directory(admin.account), key(admin.account)))
    assert organization.state == State.FAILED
    assert reason in organization.error_message
    assert organization.events.order_by("-at", "-pk").first().reason == "Validation failed"


def test_a_directory_in_use_is_refused_and_fails_if_it_slips_through(celery_worker, admin):
    directory = DirectoryFactory(account=admin.account, alias="used")
    first = settles(create(admin, "used", directory))
    assert first.state == State.ACTIVE
    with pytest.raises(DirectoryInUseException):
        create(admin, "used", directory)  # refused before its alias is found taken
    # Two creates at once both pass the check before either is written: Validating catches it.
    second = Organization(
        account=admin.account, region="us-east-1", alias="used3", directory=directory,
        directory_choice=DirectoryChoice.EXISTING,
    )  # fmt: skip
    second.insert(reason="Creation requested")
    enqueue("organization", second.pk, State.REQUESTED)
    failed = settles(second)
    assert failed.state == State.FAILED
    assert "already in use by another WorkMail organization" in failed.error_message


def test_interoperability_needs_an_ad_connector(admin) -> None:
    simple = DirectoryFactory(account=admin.account, alias="simple")
    with pytest.raises(InvalidParameterException, match="AD Connector"):
        create(admin, "simple", simple, enable_interoperability=True)
    connector = DirectoryFactory(
        account=admin.account, alias="connected", directory_type=DirectoryType.AD_CONNECTOR
    )
    organization = create(admin, "connected", connector, enable_interoperability=True)
    assert organization.interoperability_enabled is True


def test_another_accounts_directory_or_key_can_not_be_used(admin) -> None:
    theirs = DirectoryFactory(alias="theirs")  # another account's, same Region
    with pytest.raises(DirectoryUnavailableException, match="unavailable"):
        create(admin, "theirs", theirs)
    with pytest.raises(InvalidParameterException, match="does not exist"):
        create(admin, "keyless", key=KeyFactory())
    assert not Organization.objects.filter(account=admin.account).exists()


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:kms:us-east-1:999999999999:key/{key_id}",  # another account
        "arn:aws:kms:eu-west-1:{account_id}:key/{key_id}",  # another Region
    ],
    ids=["another-account", "another-region"],
)
def test_an_arn_naming_another_account_or_region_can_not_use_the_callers_key(admin, arn) -> None:
    key = KeyFactory(account=admin.account)
    arn = arn.format(account_id=admin.account.account_id, key_id=key.key_id)
    with pytest.raises(InvalidParameterException, match="does not exist") as refused:
        services.create_organization(
            account=admin.account, region="us-east-1", alias="keyless",
            encryption_choice=EncryptionChoice.EXISTING, kms_key_arn=arn,
        )  # fmt: skip
    assert refused.value.field == "kms_key_arn"
    assert not Organization.objects.filter(account=admin.account).exists()


@pytest.mark.parametrize("directory_id", ["d-\x00bcdef012", "d-" + "a" * 5000, "D-ABCDEF0123"])
def test_a_malformed_directory_id_is_unavailable_and_nothing_is_made(admin, directory_id) -> None:
    with pytest.raises(DirectoryUnavailableException) as refused:
        services.create_organization(
            account=admin.account, region="us-east-1", alias="malformed",
            directory_choice=DirectoryChoice.EXISTING, directory_id=directory_id,
        )  # fmt: skip
    assert refused.value.field == "directory_id" and "\x00" not in refused.value.message
    assert not Organization.objects.exists()


def test_a_directory_whose_alias_does_not_match_is_refused_at_once(admin) -> None:
    directory = DirectoryFactory(account=admin.account, alias="other-name")
    with pytest.raises(InvalidParameterException) as refused:
        create(admin, "mismatch", directory)
    assert refused.value.field == "directory_id"
    assert refused.value.message == (
        "The organization alias mismatch must match the directory alias other-name of"
        f" {directory.directory_id}."
    )
    assert not Organization.objects.exists()


def test_a_directory_alias_changed_after_the_request_fails_validating(celery_worker, admin):
    directory = DirectoryFactory(account=admin.account, alias="renamed")
    with celery_worker.stopped():
        organization = create(admin, "renamed", directory)
        Directory.objects.filter(pk=directory.pk).update(alias="other-name")
    failed = settles(organization)
    assert failed.state == State.FAILED
    assert "must match the directory alias other-name" in failed.error_message
