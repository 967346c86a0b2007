"""Create user under races: a user name is one user in its directory, and an address one user in
its organization, however many admins ask at the same moment."""

from collections import Counter

import pytest
from django.urls import reverse

from tests.factories import active_organization
from tests.html import text
from tests.races.harness import clients_for, race
from users.models import User as MailUser

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Str0ng-Passw0rd"


def _create(admin, fields) -> list:
    organization = active_organization(account=admin.account)
    clients = clients_for(admin)
    url = reverse("users:create", args=[organization.region, organization.organization_id])

    def post(i: int):
        name, local_part = fields(i)
        return clients[i].post(url, {
            "name": name, "display_name": name, "email": local_part,
            "domain": organization.test_domain, "password": PASSWORD,
            "repeat_password": PASSWORD,
        })  # fmt: skip

    return race(post, writes_to=MailUser)


def test_twenty_creates_of_one_name_with_different_addresses_make_one_user(admin) -> None:
    responses = _create(admin, lambda i: ("racer" if i % 2 else "RACER", f"racer{i}"))
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    refused = [text(r.content.decode(), "name-error") for r in responses if r.status_code == 400]
    assert all("is already used in this organization's directory" in e for e in refused)
    assert MailUser.objects.count() == 1


def test_twenty_creates_of_one_address_with_different_names_make_one_user(admin) -> None:
    responses = _create(admin, lambda i: (f"racer{i}", "same" if i % 2 else "SAME"))
    assert Counter(r.status_code for r in responses) == {302: 1, 400: 19}
    refused = [text(r.content.decode(), "email-error") for r in responses if r.status_code == 400]
    assert all("is already used by another user" in e for e in refused)
    assert MailUser.objects.count() == 1
