"""Members under races: one user per name whatever its case, and an account never loses its
last admin."""

from collections import Counter
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import MembershipFactory
from tests.races.harness import clients_for, race
from workmail_console.members import membership_for
from workmail_console.models import Account, Membership, Role

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
    assert all("is already taken." in r.content.decode() for r in responses if r.status_code == 400)
    assert User.objects.filter(username__iexact="racer").count() == 1


def test_two_admins_demoting_and_removing_each_other_at_once_leave_an_admin(admin) -> None:
    other = MembershipFactory(account=admin.account, role=Role.ADMIN)
    pairs = [(admin, other), (other, admin)]  # who acts, on whom
    clients = {actor.pk: clients_for(actor, 10) for actor, _ in pairs}

    def act(i: int):
        actor, target = pairs[i % 2]
        client = clients[actor.pk][i // 2]
        if i % 4 < 2:
            return client.post(reverse("member-role", args=[target.pk]), {"role": "ops"})
        return client.post(reverse("member-remove", args=[target.pk]))

    responses = race(act, writes_to=Membership)
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    assert Membership.objects.filter(account=admin.account, role=Role.ADMIN).exists()


def test_a_superuser_given_an_account_twice_at_once_gets_one() -> None:
    """Sign-ins of one name are taken one at a time, but `ensure_superuser` and a sign-in, or two
    processes, may still ask at the same moment."""
    root = User.objects.create_superuser("root", password="root-password-123")
    memberships = race(lambda i: membership_for(root), writes_to=Membership)
    assert {membership.pk for membership in memberships} == {Membership.objects.get(user=root).pk}
    assert Account.objects.count() == 1
