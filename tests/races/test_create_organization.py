"""Create organization under races: the per-Region quota holds, and one form submitted twenty
times makes one organization."""

from collections import Counter

import pytest
from django.urls import reverse

from organizations.models import Organization
from tests.races.harness import clients_for, race

pytestmark = pytest.mark.django_db(transaction=True)


def create_url() -> str:
    return reverse("organizations:create", kwargs={"region": "us-east-1"})


def form(alias: str, client_token: str) -> dict[str, str]:
    return {
        "email_domain": "test",
        "alias": alias,
        "directory_choice": "create",
        "encryption_choice": "managed",
        "client_token": client_token,
    }


def test_twenty_creates_at_once_stay_within_the_quota(admin, settings) -> None:
    settings.WORKMAIL_ORGANIZATIONS_PER_REGION = 5
    clients = clients_for(admin)
    responses = race(
        lambda i: clients[i].post(create_url(), form(f"quota{i}", f"token-{i}")),
        writes_to=Organization,
    )
    assert Counter(r.status_code for r in responses) == {302: 5, 400: 15}
    assert all("maximum number of" in r.content.decode() for r in responses if r.status_code == 400)
    assert Organization.objects.in_scope(admin.account, "us-east-1").live().count() == 5


def test_one_form_submitted_twenty_times_at_once_makes_one_organization(admin) -> None:
    clients = clients_for(admin)
    responses = race(
        lambda i: clients[i].post(create_url(), form("twice", "one-token")), writes_to=Organization
    )
    assert Counter(r.status_code for r in responses) == {302: 20}
    assert Organization.objects.count() == 1
