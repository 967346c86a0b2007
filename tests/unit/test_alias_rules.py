"""The alias rule: 1-62 characters, letters and digits joined by single hyphens, not d-…, unique."""

import pytest

from organizations import services
from organizations.aliases import validate_alias_format
from tests.factories import OrganizationFactory
from workmail_console.errors import InvalidParameterException, NameAvailabilityException


@pytest.mark.parametrize(
    "alias", ["acme", "a", "my-org", "Acme-2026-mail", "a" * 62, "dx-acme", "Ad-acme"]
)
def test_it_accepts_a_valid_alias(alias: str) -> None:
    assert validate_alias_format(alias) == alias


@pytest.mark.parametrize(
    ("alias", "words"),
    [
        ("", "Enter an alias"),
        ("a" * 63, "up to 62 characters"),
        ("d-acme", "can't begin with d-"),
        ("D-abc", "can't begin with d-"),
        ("my--org", "single hyphens"),
        ("-acme", "single hyphens"),
        ("acme-", "single hyphens"),
        ("my_org", "single hyphens"),
        ("my org", "single hyphens"),
        ("café", "single hyphens"),
        ("ａｃｍｅ", "single hyphens"),  # full-width letters are not ASCII  # noqa: RUF001
        ("acme\n", "single hyphens"),
    ],
)
def test_it_rejects_an_invalid_alias_with_a_reason(alias: str, words: str) -> None:
    with pytest.raises(InvalidParameterException) as caught:
        validate_alias_format(alias)
    assert words in caught.value.message
    assert caught.value.field == "alias"


def test_an_alias_taken_in_another_account_is_unavailable(stranger) -> None:
    OrganizationFactory(account=stranger.account, region="eu-west-1", alias="acme")
    with pytest.raises(NameAvailabilityException) as caught:
        services.check_alias_availability("acme")
    assert "acme is not available" in caught.value.message


def test_availability_ignores_case(db) -> None:
    OrganizationFactory(alias="Acme")
    with pytest.raises(NameAvailabilityException):
        services.check_alias_availability("aCME")


def test_a_deleted_organizations_alias_is_available_again(db) -> None:
    OrganizationFactory(alias="acme", state="Deleted")
    assert services.check_alias_availability("acme") == "acme"
