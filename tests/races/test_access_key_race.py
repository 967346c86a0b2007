"""Access keys under races: a person has at most two, however many creates arrive at once."""

from collections import Counter

import pytest
from django.urls import reverse

from tests.races.harness import clients_for, race
from workmail_console.models import AccessKey

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_creates_at_once_leave_exactly_two_keys(admin) -> None:
    clients = clients_for(admin)
    responses = race(
        lambda i: clients[i].post(reverse("credentials:list"), {"listed": ""}),
        writes_to=AccessKey,
    )
    assert Counter(r.status_code for r in responses) == {201: 2, 302: 18}
    refused = [clients[i] for i, response in enumerate(responses) if response.status_code == 302]
    pages = [client.get(reverse("credentials:list")).content.decode() for client in refused]
    assert all("You can have at most 2 access keys." in page for page in pages)
    slots = AccessKey.objects.filter(user=admin.user).values_list("slot", flat=True)
    assert sorted(slots) == [1, 2]
