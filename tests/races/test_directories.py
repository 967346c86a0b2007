"""Directories under races: an alias goes to one directory, a move happens once."""

from collections import Counter

import pytest
from django.urls import reverse

from directories.lifecycle import Stage
from directories.models import Directory
from tests.factories import DirectoryFactory
from tests.factories import advance_directory as advance
from tests.races.harness import clients_for, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_directories_asking_for_one_alias_at_once_give_it_to_one(admin) -> None:
    directories = [DirectoryFactory(account=admin.account) for _ in range(20)]
    clients = clients_for(admin)

    def create_alias(i: int):
        url = reverse("directories:alias", args=["us-east-1", directories[i].directory_id])
        return clients[i].post(url, {"alias": "Contested" if i % 2 else "contested"})

    responses = race(create_alias, writes_to=Directory)
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    refused = [r.content.decode() for r in responses if r.status_code == 400]
    assert all("is not available. Enter a different alias." in page for page in refused)
    assert Directory.objects.filter(alias__iexact="contested").count() == 1


def test_twenty_outages_at_once_make_one_move(admin) -> None:
    directory = DirectoryFactory(account=admin.account)
    clients = clients_for(admin)
    responses = race(lambda i: clients[i].post(directory.outage_url), writes_to=Directory)
    assert Counter(r.status_code for r in responses) == {302: 20}
    assert list(directory.events.values_list("from_state", "to_state")) == [
        ("", "Active"),
        ("Active", "Inoperable"),
    ]


def test_twenty_deliveries_of_one_step_at_once_make_one_move() -> None:
    directory = DirectoryFactory(stage=Stage.REQUESTED)
    reached = race(lambda _: advance(directory.pk, Stage.REQUESTED), writes_to=Directory)
    assert Counter(map(str, reached)) == {"Creating": 1, "None": 19}
    assert directory.events.filter(from_state="Requested").count() == 1
