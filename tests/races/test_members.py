"""Members under races: one user per name whatever its case, and an account never loses its
last admin."""

from collections import Counter
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.races.harness import clients_for, race

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def test_one_name_added_twenty_times_in_different_cases_makes_one_user(admin) -> None:
    names = ["".join(letters) for letters in product(*[(c, c.upper()) for c in "racer"])]
    clients = clients_for(admin)
    responses = race(
        lambda i: clients[i].post(
            reverse("members"),
            {"username": names[i], "password": "a-long-enough-secret", "role": "ops"},
        ),
        writes_to=User,
    )
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    assert User.objects.filter(username__iexact="racer").count() == 1
