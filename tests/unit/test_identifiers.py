"""Identifier and ARN formats as the WorkMail API models them."""

import re

from directories import services as directories
from directories.models import new_directory_id
from organizations.models import new_organization_id
from tests.factories import OrganizationFactory
from workmail_console.models import Account


def test_organization_ids_are_m_and_32_lowercase_hex() -> None:
    ids = {new_organization_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"m-[0-9a-f]{32}", i) for i in ids)


def test_directory_ids_are_d_and_10_hex() -> None:
    assert all(re.fullmatch(r"d-[0-9a-f]{10}", new_directory_id()) for _ in range(200))


def test_a_directory_id_collision_draws_another_id(db, monkeypatch) -> None:
    account = Account.create()
    where = {"account_id": account.account_id, "region": "us-east-1", "alias": "acme"}
    taken = directories.create_workmail_directory(**where, idempotency_key="m-first")
    drawn = iter([taken.directory_id, "d-0123456789"])
    monkeypatch.setattr(directories, "new_directory_id", lambda: next(drawn))
    second = directories.create_workmail_directory(**where, idempotency_key="m-second")
    assert second.directory_id == "d-0123456789"


def test_account_ids_have_12_digits(db) -> None:
    assert all(re.fullmatch(r"\d{12}", Account.create().account_id) for _ in range(20))


def test_the_arn_names_region_account_and_organization(db) -> None:
    organization = OrganizationFactory(region="eu-west-1")
    assert organization.arn == (
        f"arn:aws:workmail:eu-west-1:{organization.account.account_id}"
        f":organization/{organization.organization_id}"
    )


def test_the_login_url_is_on_the_test_domain(db) -> None:
    organization = OrganizationFactory(alias="Acme")
    assert organization.login_url == "https://acme.awsapps.com/mail"
    assert organization.test_domain == "acme.awsapps.com"
