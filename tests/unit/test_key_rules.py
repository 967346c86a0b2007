"""KMS's rules, as the keys services apply them: alias names, the waiting period, key specs and
usages, and why a key can't encrypt an organization's mailboxes."""

import uuid

import pytest

from keys.errors import InvalidAliasNameException, ValidationException
from keys.forms import AliasForm
from keys.models import Key, KeyManager, KeySpec, KeyState, KeyUsage
from keys.services import (
    key_problem,
    validate_alias_name,
    validate_key_spec,
    validate_waiting_period,
)


@pytest.mark.parametrize(
    "name",
    ["alias/x", "alias/my-key", "alias/team/app_1", "alias/" + "a" * 250, "alias/AWS-lookalike"],
)
def test_it_accepts_a_kms_alias_name(name: str) -> None:
    assert validate_alias_name(name) == name


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("alias/", "must begin with alias/"),
        ("x", "must begin with alias/"),
        ("Alias/x", "must begin with alias/"),
        ("alias/a b", "only alphanumeric characters"),
        ("alias/a.b", "only alphanumeric characters"),
        ("alias/a:b", "only alphanumeric characters"),
        ("alias/café", "only alphanumeric characters"),
        ("alias/x\n", "only alphanumeric characters"),
        ("alias/" + "a" * 251, "at most 256 characters"),
        ("alias/aws/workmail", "reserved for AWS managed keys"),
        ("alias/aws/mine", "reserved for AWS managed keys"),
    ],
)
def test_it_refuses_an_alias_name_kms_refuses(name: str, words: str) -> None:
    with pytest.raises(InvalidAliasNameException, match=words) as raised:
        validate_alias_name(name)
    assert raised.value.field == "alias_name"


@pytest.mark.parametrize(("typed", "name"), [("mine", "alias/mine"), ("alias/mine", "alias/mine")])
def test_the_alias_field_takes_the_name_with_or_without_its_prefix(typed: str, name: str) -> None:
    form = AliasForm({"alias_name": f"  {typed} "})
    assert form.is_valid()
    assert form.cleaned_data["alias_name"] == name


@pytest.mark.parametrize(("days", "expected"), [(7, 7), ("7", 7), (30, 30), ("19", 19)])
def test_the_waiting_period_is_7_to_30_days(days: object, expected: int) -> None:
    assert validate_waiting_period(days) == expected


@pytest.mark.parametrize("days", [6, 31, 0, -7, "", "seven", "7.5", None, "1e1"])
def test_a_waiting_period_outside_7_to_30_days_is_refused(days: object) -> None:
    with pytest.raises(ValidationException, match="between 7 and 30 days"):
        validate_waiting_period(days)


@pytest.mark.parametrize(
    ("spec", "usage"),
    [
        (KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT),
        (KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT),
        (KeySpec.RSA_4096, KeyUsage.SIGN_VERIFY),
        (KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY),
    ],
)
def test_a_spec_takes_the_usages_kms_allows(spec: str, usage: str) -> None:
    validate_key_spec(spec, usage)


@pytest.mark.parametrize(
    ("spec", "usage", "field"),
    [
        (KeySpec.SYMMETRIC_DEFAULT, KeyUsage.SIGN_VERIFY, "key_usage"),
        (KeySpec.ECC_NIST_P384, KeyUsage.ENCRYPT_DECRYPT, "key_usage"),
        ("RSA_1024", KeyUsage.ENCRYPT_DECRYPT, "key_spec"),
        (KeySpec.RSA_2048, "GENERATE_VERIFY_MAC", "key_usage"),
    ],
)
def test_a_spec_refuses_other_usages(spec: str, usage: str, field: str) -> None:
    with pytest.raises(ValidationException) as raised:
        validate_key_spec(spec, usage)
    assert raised.value.field == field


def a_key(**fields: object) -> Key:
    values = {
        "key_id": uuid.UUID("1234abcd-12ab-34cd-56ef-1234567890ab"),
        "account_id": "111122223333",
        "region": "us-east-1",
        "key_manager": KeyManager.CUSTOMER,
        **fields,
    }
    return Key(**values)


ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_an_enabled_symmetric_key_of_the_region_has_no_problem() -> None:
    assert a_key().arn == ARN
    assert key_problem(a_key(), region="us-east-1") is None


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"key_state": KeyState.DELETED}, "does not exist."),
        ({"key_state": KeyState.PENDING_DELETION}, "is pending deletion."),
        ({"key_state": KeyState.DISABLED}, "is disabled."),
        ({"key_spec": KeySpec.RSA_2048}, "is not a symmetric encryption key."),
        (
            {"key_spec": KeySpec.ECC_NIST_P256, "key_usage": KeyUsage.SIGN_VERIFY},
            "is not a symmetric encryption key.",
        ),
        ({"key_usage": KeyUsage.SIGN_VERIFY}, "is not a symmetric encryption key."),
        ({"region": "eu-west-1"}, "is in another Region."),
    ],
)
def test_a_key_workmail_cant_use_says_why_naming_its_arn(fields: dict, problem: str) -> None:
    key = a_key(**fields)
    assert key_problem(key, region="us-east-1") == f"The KMS key {key.arn} {problem}"
