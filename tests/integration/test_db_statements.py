"""The statements written out for the hot paths (workmail_console/db.py) save and load exactly
what the ORM does."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.signals import post_init

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


def loaded_only(key: Key, only: tuple[str, ...]) -> Key:
    columns = statements.columns(Key, "k", only)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql} FROM keys_key k WHERE k.id = %s", [key.pk])
        return columns.load(cursor.fetchone())


def test_an_instance_loaded_with_some_columns_is_the_orms_only(
    django_assert_num_queries,
) -> None:
    key = KeyFactory(description="Deferred until asked for")
    loaded = loaded_only(key, ("region", "key_state"))
    by_orm = Key.objects.only("region", "key_state").get(pk=key.pk)
    assert {**loaded.__dict__, "_state": None} == {**by_orm.__dict__, "_state": None}
    assert loaded.get_deferred_fields() == by_orm.get_deferred_fields() != set()
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    with django_assert_num_queries(1):  # a deferred field is read when asked for, as the ORM's
        assert loaded.description == "Deferred until asked for"
    loaded.description = "Saved from a loaded row"
    loaded.save(update_fields=["description"])
    assert Key.objects.get(pk=key.pk).description == "Saved from a loaded row"


def test_a_model_with_init_receivers_is_made_by_its_init() -> None:
    """pre_init and post_init receivers see every instance, as they would with the ORM."""
    key, seen = KeyFactory(), []

    def receiver(sender, instance, **kwargs) -> None:
        seen.append(instance.region)

    post_init.connect(receiver, sender=Key, weak=False)
    try:
        loaded = loaded_only(key, ("region",))
    finally:
        post_init.disconnect(receiver, sender=Key)
    assert seen == [key.region] and loaded.region == key.region
    assert loaded.get_deferred_fields() == Key.objects.only("region").get().get_deferred_fields()


def test_a_column_named_that_the_model_lacks_is_an_error_not_a_deferred_field() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Key has no columns \['alias_name'\]"):
        statements.columns(Key, "k", ("region", "alias_name"))
