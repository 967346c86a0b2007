"""Create organization's client token (API ClientToken): its format, and what reusing it does."""

import pytest

from directories.models import DirectoryType
from organizations.forms import CreateOrganizationForm
from organizations.lifecycle import State
from organizations.models import Organization
from organizations.services import create_organization
from organizations.workflow import advance
from tests.factories import DirectoryFactory, KeyFactory
from workmail_console.errors import IdempotentParameterMismatchException, InvalidParameterException
from workmail_console.models import Account

BAD_TOKENS = ["", "x" * 129, "with space", "naïve", "nul\x00", "line\n"]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_the_service_refuses_a_token_outside_1_to_128_printable_ascii(token: str) -> None:
    with pytest.raises(InvalidParameterException) as refused:
        create_organization(account=Account(), region="us-east-1", alias="acme", client_token=token)
    assert refused.value.field == "client_token"


@pytest.mark.parametrize("token", ["x" * 129, "with space", "naïve", "line\n"])
def test_the_form_refuses_a_token_outside_1_to_128_printable_ascii(token: str) -> None:
    form = CreateOrganizationForm(
        {"email_domain": "test", "alias": "acme", "directory_choice": "create",
         "encryption_choice": "managed", "client_token": token},
        account=Account(account_id="123456789012"), region="us-east-1",
    )  # fmt: skip
    assert not form.is_valid()
    assert "The client token must be" in form.non_field_errors()[0]


def test_the_same_token_with_another_alias_raises_a_parameter_mismatch(db) -> None:
    account = Account.create()
    create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    with pytest.raises(IdempotentParameterMismatchException) as refused:
        create_organization(account=account, region="us-east-1", alias="other", client_token="t")
    assert refused.value.code == "IdempotentParameterMismatchException"


def test_the_same_token_with_the_same_parameters_returns_the_first_organization(db) -> None:
    account = Account.create()
    first = create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    again = create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    assert again.pk == first.pk


def test_the_same_token_after_the_workflow_made_the_directory_and_key_is_the_same_request(
    db,
) -> None:
    """A retry that arrives once Creating has made the directory and chosen the managed key."""
    account = Account.create()
    first = create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    Organization.objects.filter(pk=first.pk).update(
        state=State.CREATING,
        directory=DirectoryFactory(account=account, directory_type=DirectoryType.WORKMAIL),
        encryption_key=KeyFactory(account=account),
    )
    again = create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    assert again.pk == first.pk


def test_the_same_token_once_the_organization_is_active_returns_it(db) -> None:
    """Creating gave it a new directory and the managed key, which the request did not name."""
    account = Account.create()
    first = create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    for state in (State.REQUESTED, State.CREATING, State.VALIDATING):
        advance(first.pk, state)
    again = create_organization(account=account, region="us-east-1", alias="acme", client_token="t")
    assert (again.pk, again.state) == (first.pk, State.ACTIVE)
    assert again.directory_id is not None and again.encryption_key_id is not None
