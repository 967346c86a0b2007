"""One ClientToken sent twenty times at once through the API: one organization, one answer."""

from collections import Counter

import pytest

from domains.models import MailDomain
from organizations.models import Organization
from tests.api.signing import call
from tests.factories import active_organization
from tests.races.harness import race
from workmail_console.access_keys import create_access_key
from workmail_console.models import IdempotentCall

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_creates_with_one_token_make_one_organization(admin) -> None:
    key, secret = create_access_key(admin.user)
    answers = race(
        lambda i: call(
            key.key_id, secret, "CreateOrganization", {"Alias": "raced", "ClientToken": "same"}
        ),
        writes_to=IdempotentCall,
    )
    assert Counter(status for status, _ in answers) == {200: 20}
    assert len({body["OrganizationId"] for _, body in answers}) == 1
    assert Organization.objects.count() == 1
    assert IdempotentCall.objects.count() == 1


def test_twenty_creates_with_one_token_and_other_aliases_make_one_organization(admin) -> None:
    key, secret = create_access_key(admin.user)
    answers = race(
        lambda i: call(
            key.key_id, secret, "CreateOrganization", {"Alias": f"raced{i}", "ClientToken": "one"}
        ),
        writes_to=IdempotentCall,
    )
    codes = Counter(body.get("__type", status) for status, body in answers)
    assert codes == {200: 1, "IdempotentParameterMismatchException": 19}
    assert Organization.objects.count() == 1


def test_twenty_domain_registrations_with_one_token_all_answer_as_the_first(admin) -> None:
    organization = active_organization(account=admin.account)
    key, secret = create_access_key(admin.user)
    parameters = {
        "OrganizationId": organization.organization_id,
        "DomainName": "raced.example.com",
        "ClientToken": "register-once",
    }
    answers = race(
        lambda i: call(key.key_id, secret, "RegisterMailDomain", parameters),
        writes_to=IdempotentCall,
    )
    # Without the stored answer, the nineteen late calls would find the domain registered.
    assert Counter(status for status, _ in answers) == {200: 20}
    assert MailDomain.objects.filter(name="raced.example.com").count() == 1
