"""The statements written out for the hot paths (workmail_console/db.py) save and load exactly
what the ORM does."""

import pytest
from django.db import connection

from domains.models import MailDomain, VerificationStatus
from domains.services import add_test_domain
from keys.models import Key
from organizations.models import Organization
from tests.factories import KeyFactory, OrganizationFactory
from workmail_console import db as statements

pytestmark = pytest.mark.django_db


def stored(instance) -> dict[str, object]:
    """Every column of the row as the ORM reads it back."""
    row = type(instance).objects.get(pk=instance.pk)
    return {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}


def test_an_insert_written_out_stores_what_the_orm_stores() -> None:
    organization = OrganizationFactory()
    values = dict(
        organization=organization, region="us-east-1", name="written.example.com",
        ownership_status=VerificationStatus.VERIFIED, dkim_tokens=["a" * 32, "b" * 32],
    )  # fmt: skip
    by_orm = MailDomain.objects.create(**values)
    written = MailDomain(**{**values, "name": "written2.example.com"})
    with connection.cursor() as cursor:
        cursor.execute(*statements.insert_sql(written))
    [row] = MailDomain.objects.filter(name="written2.example.com")
    ours, theirs = stored(row), stored(by_orm)
    assert ours.pop("id") != theirs.pop("id")  # the database gave each its key
    assert ours.pop("name") == "written2.example.com"
    theirs.pop("name")
    assert ours.pop("created_date") >= theirs.pop("created_date")
    assert ours == theirs
    assert row.dkim_tokens == ["a" * 32, "b" * 32]  # JSON, not its text


def test_an_insert_ignoring_conflicts_makes_one_row() -> None:
    organization = OrganizationFactory()
    add_test_domain(organization)
    add_test_domain(organization)  # a step run twice
    [domain] = MailDomain.objects.filter(organization=organization)
    assert (domain.name, domain.is_test_domain) == (organization.test_domain, True)
    assert domain.ownership_status == VerificationStatus.VERIFIED


def test_a_database_default_goes_through_the_orm() -> None:
    organization = Organization(account=OrganizationFactory().account, alias="defaults")
    with connection.cursor() as cursor:  # domain_choice and requested_domain: database defaults
        cursor.execute(*statements.insert_sql(organization))
    stored_row = Organization.objects.get(alias="defaults")
    assert (stored_row.domain_choice, stored_row.requested_domain) == ("test", "")


def test_columns_load_a_row_as_the_orm_does() -> None:
    key = KeyFactory(description="Loaded <as> the ORM loads it")
    columns = statements.columns(Key, "k")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql} FROM keys_key k WHERE k.id = %s", [key.pk])
        loaded = columns.load(cursor.fetchone())
    assert stored(loaded) == stored(key)
    assert {f.attname: getattr(loaded, f.attname) for f in Key._meta.concrete_fields} == stored(key)
    assert not loaded._state.adding
    assert columns.load([None] * len(columns.attnames)) is None  # a LEFT JOIN that found nothing
