"""Create organization's client token (API ClientToken): its format, and what reusing it does."""

import pytest

from directories.models import Directory, DirectoryType
from organizations.forms import CreateOrganizationForm
from organizations.lifecycle import State
from organizations.models import DirectoryChoice, DomainChoice, EncryptionChoice, Organization
from organizations.services import create_organization
from route53.services import create_hosted_zone
from tests.factories import DirectoryFactory, KeyFactory, advance
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


def create(account: Account, **parameters: object) -> Organization:
    """CreateOrganization as acme, with the one client token every request below sends."""
    return create_organization(
        account=account, region="us-east-1", alias="acme", client_token="t", **parameters
    )


def external(name: str) -> dict:
    return {"domain_choice": DomainChoice.EXTERNAL, "domain_name": name}


def existing_directory(account: Account, **fields: object) -> dict:
    # Named as the organization, as CreateOrganization asks (a second one can't be: the first
    # holds the alias, so a retry naming it is refused for its token before its alias).
    alias = "acme" if not Directory.objects.filter(account=account, alias="acme").exists() else ""
    directory = DirectoryFactory(account=account, **({"alias": alias} if alias else {}), **fields)
    return {"directory_choice": DirectoryChoice.EXISTING, "directory_id": directory.directory_id}


def existing_key(account: Account) -> dict:
    return {
        "encryption_choice": EncryptionChoice.EXISTING,
        "kms_key_arn": KeyFactory(account=account).arn,
    }


def existing_zone(account: Account) -> dict:
    """An existing Route 53 domain: the account's zones may be several of one name."""
    zone = create_hosted_zone(account=account, name="zoned.example.com")
    return {"domain_choice": DomainChoice.EXISTING_ROUTE53, "hosted_zone_id": zone.zone_id}


def interoperability(account: Account) -> tuple[dict, dict]:
    connector = existing_directory(account, directory_type=DirectoryType.AD_CONNECTOR)
    return connector, {**connector, "enable_interoperability": True}


# A first request, and a retry with its client token that differs from it in one parameter.
RETRIES = {
    "email-domain": lambda a: (external("one.example.com"), external("two.example.com")),
    "domain-choice": lambda a: (
        external("mail.example.com"),
        {"domain_choice": DomainChoice.NEW_ROUTE53, "domain_name": "mail.example.com"},
    ),
    "hosted-zone": lambda a: (existing_zone(a), existing_zone(a)),
    "directory": lambda a: (existing_directory(a), existing_directory(a)),
    "directory-choice": lambda a: (existing_directory(a), {}),
    "key": lambda a: (existing_key(a), existing_key(a)),
    "key-choice": lambda a: (existing_key(a), {}),
    "interoperability": interoperability,
}


@pytest.mark.parametrize("retry", RETRIES.values(), ids=RETRIES)
def test_the_same_token_with_another_parameter_raises_a_parameter_mismatch(db, retry) -> None:
    account = Account.create()
    first, other = retry(account)
    create(account, **first)
    with pytest.raises(IdempotentParameterMismatchException):
        create(account, **other)
    assert Organization.objects.count() == 1


@pytest.mark.parametrize("retry", RETRIES.values(), ids=RETRIES)
def test_the_same_token_with_each_kind_of_parameter_the_same_returns_the_first_organization(
    db, retry
) -> None:
    account = Account.create()
    first, _ = retry(account)
    made = create(account, **first)
    again = create(account, **first)
    assert again.pk == made.pk
