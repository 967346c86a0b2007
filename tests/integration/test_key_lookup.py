"""Finding a key to use (DescribeKey's KeyId, as Use existing KMS key will): by key ID, key ARN,
alias name or alias ARN, in the caller's own account and Region only."""

import pytest

from keys.errors import NotFoundException
from keys.models import Key, KeyState
from keys.services import describe_key
from tests.factories import AccountFactory, KeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key() -> Key:
    return KeyFactory(region="eu-west-1", alias="alias/mailboxes")


def references(key: Key) -> list[str]:
    return [
        str(key.key_id),
        key.arn,
        "alias/mailboxes",
        f"arn:aws:kms:eu-west-1:{key.account_id}:alias/mailboxes",
    ]


def test_a_key_is_found_by_id_arn_alias_and_alias_arn(key: Key) -> None:
    for reference in references(key):
        assert describe_key(account=key.account, region="eu-west-1", key_id=reference) == key


def test_another_account_can_not_use_it_by_any_name(key: Key) -> None:
    stranger = AccountFactory()
    for reference in references(key):
        with pytest.raises(NotFoundException):
            describe_key(account=stranger, region="eu-west-1", key_id=reference)


def test_it_is_not_found_in_another_region(key: Key) -> None:
    for reference in references(key):
        with pytest.raises(NotFoundException):
            describe_key(account=key.account, region="us-east-1", key_id=reference)


def test_a_deleted_key_is_not_found(key: Key) -> None:
    Key.objects.filter(pk=key.pk).update(key_state=KeyState.DELETED)
    with pytest.raises(NotFoundException, match="does not exist"):
        describe_key(account=key.account, region="eu-west-1", key_id=key.arn)


@pytest.mark.parametrize(
    "reference", ["", "not-a-key", "arn:aws:kms:eu-west-1", "alias/unknown", "arn:aws:s3:::x"]
)
def test_a_malformed_or_unknown_reference_is_not_found(key: Key, reference: str) -> None:
    with pytest.raises(NotFoundException):
        describe_key(account=key.account, region="eu-west-1", key_id=reference)


def elsewhere(key: Key, *, account_id: str | None = None, region: str | None = None) -> list[str]:
    """The key's ARN and its alias ARN, naming another account or Region but this key's ID."""
    place = f"arn:aws:kms:{region or key.region}:{account_id or key.account_id}"
    return [f"{place}:key/{key.key_id}", f"{place}:alias/mailboxes"]


def test_an_arn_naming_another_account_does_not_reach_the_callers_own_key(key: Key) -> None:
    for reference in elsewhere(key, account_id=AccountFactory().account_id):
        with pytest.raises(NotFoundException, match="does not exist"):
            describe_key(account=key.account, region="eu-west-1", key_id=reference)


def test_an_arn_naming_another_region_does_not_reach_the_callers_own_key(key: Key) -> None:
    for reference in elsewhere(key, region="us-east-1"):
        with pytest.raises(NotFoundException, match="does not exist"):
            describe_key(account=key.account, region="eu-west-1", key_id=reference)
