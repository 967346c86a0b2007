"""KMS keys under races: an alias names one key in its account and Region, and the Amazon
WorkMail managed key is made once, however many ask at the same moment."""

from collections import Counter

import pytest
from django.urls import reverse

from keys.models import Key, KeyAlias, KeyManager
from keys.services import workmail_managed_key
from tests.factories import KeyFactory
from tests.races.harness import clients_for, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_creates_of_one_alias_make_one_key(admin) -> None:
    clients = clients_for(admin)
    url = reverse("keys:create", args=["us-east-1"])
    responses = race(
        lambda i: clients[i].post(url, {"key_type": "SYMMETRIC", "alias_name": "racer"}),
        writes_to=Key,
    )
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    refused = [r.content.decode() for r in responses if r.status_code == 400]
    assert all("An alias with the name alias/racer already exists" in page for page in refused)
    assert Key.objects.count() == 1
    assert KeyAlias.objects.get().key == Key.objects.get()


def test_twenty_adds_of_one_alias_to_twenty_keys_give_it_to_one(admin) -> None:
    keys = [KeyFactory(account=admin.account) for _ in range(20)]
    clients = clients_for(admin)
    responses = race(
        lambda i: clients[i].post(
            reverse("keys:create-alias", args=["us-east-1", keys[i].key_id]), {"alias_name": "one"}
        ),
        writes_to=KeyAlias,
    )
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    assert KeyAlias.objects.filter(name="alias/one").count() == 1


def test_twenty_first_uses_of_the_managed_key_make_one(admin) -> None:
    keys = race(
        lambda i: workmail_managed_key(account_id=admin.account_id, region="eu-west-1"),
        writes_to=Key,
    )
    assert {key.pk for key in keys} == {Key.objects.get(key_manager=KeyManager.AWS).pk}
    assert KeyAlias.objects.get().name == "alias/aws/workmail"
