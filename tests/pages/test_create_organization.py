"""Create organization page: the guide's steps, inline errors, and one organization per submit."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from directories.models import DirectoryType
from organizations.models import LifecycleEvent, Organization
from tests.conftest import signed_in
from tests.factories import DirectoryFactory, KeyFactory, OrganizationFactory
from tests.html import texts

URL = reverse("organizations:create", args=["us-east-1"])


def form(**overrides: str) -> dict[str, str]:
    data = {
        "email_domain": "test",
        "alias": "acme",
        "directory_choice": "create",
        "encryption_choice": "managed",
        "client_token": "token-1",
    }
    data.update(overrides)
    return data


def test_the_form_uses_the_guides_labels(admin_client: Client) -> None:
    page = admin_client.get(URL).content.decode()
    for words in [
        "Email domain",
        "Free test domain",
        "Existing Route 53 domain",
        "New Route 53 domain",
        "External domain",
        '<label for="id_alias">Alias</label>',
        "Advanced settings",
        "User directory",
        "Create new Amazon WorkMail directory",
        "Encryption",
        "Use an Amazon WorkMail managed key",
        "Create organization",
    ]:
        assert words in page


def test_it_creates_a_requested_organization_and_returns_to_the_list(admin_client, admin) -> None:
    response = admin_client.post(URL, form(), follow=True)
    organization = Organization.objects.get()
    assert (organization.alias, organization.state) == ("acme", "Requested")
    assert organization.account == admin.account
    assert organization.region == "us-east-1"
    assert response.redirect_chain[-1][0] == reverse("organizations:list", args=["us-east-1"])
    assert "Organization acme is being created." in response.content.decode()


def test_creating_sends_the_organization_to_the_workers_once_committed(
    admin_client, published_tasks, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(URL, form())
    organization = Organization.objects.get()
    assert published_tasks == [
        ("workmail_console.tasks.advance", ["organization", organization.pk, "Requested"])
    ]


def test_a_double_submit_creates_one_organization(admin_client: Client) -> None:
    admin_client.post(URL, form())
    second = admin_client.post(URL, form())
    assert second.status_code == 302
    assert Organization.objects.count() == 1
    assert LifecycleEvent.objects.count() == 1


def test_the_same_client_token_with_another_alias_is_refused(admin_client: Client) -> None:
    admin_client.post(URL, form())
    response = admin_client.post(URL, form(alias="other"))
    assert response.status_code == 400
    assert (
        "A request with this client token already created organization acme with other settings."
        in response.content.decode()
    )
    assert list(Organization.objects.values_list("alias", flat=True)) == ["acme"]


def test_a_refused_client_token_is_replaced_by_a_fresh_one(admin_client: Client) -> None:
    admin_client.post(URL, form())
    refused = admin_client.post(URL, form(alias="other"))
    fresh = refused.context["form"]["client_token"].value()
    assert fresh != "token-1"
    assert f'value="{fresh}"' in refused.content.decode()
    assert admin_client.post(URL, form(alias="other", client_token=fresh)).status_code == 302
    assert Organization.objects.filter(alias="other").exists()


@pytest.mark.parametrize("token", ["x" * 129, "x" * 200, "with space", "naïve", "tab\there"])
def test_a_client_token_outside_the_apis_rule_is_refused(admin_client: Client, token: str) -> None:
    response = admin_client.post(URL, form(client_token=token))
    assert response.status_code == 400
    assert (
        "The client token must be 1 to 128 printable ASCII characters" in response.content.decode()
    )
    assert not Organization.objects.exists()


def test_each_rendered_form_carries_a_fresh_client_token(admin_client: Client) -> None:
    first = admin_client.get(URL).context["form"].initial["client_token"]
    second = admin_client.get(URL).context["form"].initial["client_token"]
    assert first != second


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("", "Enter an alias for your organization."),
        ("d-acme", "The alias can&#x27;t begin with d-."),
        ("my--org", "single hyphens (-)"),
        ("x" * 63, "The alias can be up to 62 characters long."),
    ],
)
def test_an_invalid_alias_shows_an_inline_error_and_writes_nothing(
    admin_client: Client, alias: str, message: str
) -> None:
    response = admin_client.post(URL, form(alias=alias))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Organization.objects.exists()


def test_a_taken_alias_is_refused_even_in_another_account(admin_client, stranger) -> None:
    OrganizationFactory(account=stranger.account, alias="acme", region="eu-west-1")
    response = admin_client.post(URL, form())
    assert response.status_code == 400
    assert "The alias acme is not available." in response.content.decode()
    assert Organization.objects.count() == 1


def test_an_external_domain_needs_its_name(admin_client) -> None:
    response = admin_client.post(URL, form(email_domain="external"))
    assert response.status_code == 400
    assert "Enter a domain name." in response.content.decode()
    assert not Organization.objects.exists()


def test_use_existing_directory_lists_the_regions_directories_with_unsupported_ones_disabled(
    admin, admin_client
) -> None:
    simple = DirectoryFactory(account=admin.account, alias="corp")
    shared = DirectoryFactory(
        account=admin.account, alias="shared", directory_type=DirectoryType.SHARED_MICROSOFT_AD,
        owner_account_id="111122223333",
    )  # fmt: skip
    elsewhere = DirectoryFactory(account=admin.account, region="eu-west-1")
    strangers = DirectoryFactory()
    html = admin_client.get(URL).content.decode()
    listed = texts(html, "existing-directories")[0]
    assert simple.directory_id in listed and shared.directory_id in listed
    assert elsewhere.directory_id not in html and strangers.directory_id not in html
    assert f'value="{shared.directory_id}" disabled' in html
    assert f'value="{simple.directory_id}" disabled' not in html
    reasons = texts(html, "unavailable-reason")
    assert (
        sum("doesn't currently support managed Microsoft Active Directory" in r for r in reasons)
        == 1
    )
    assert "Enable interoperability" not in html  # no AD Connector here


def test_choosing_existing_without_a_directory_or_key_says_so(admin_client) -> None:
    response = admin_client.post(
        URL, form(directory_choice="existing", encryption_choice="existing")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a directory." in page and "Choose a KMS key." in page
    assert not Organization.objects.exists()


def test_an_unsupported_directory_posted_anyway_is_refused_with_its_reason(
    admin, admin_client
) -> None:
    multi = DirectoryFactory(
        account=admin.account, alias="multi", directory_type=DirectoryType.MICROSOFT_AD,
        primary_region="eu-west-1",
    )  # fmt: skip
    response = admin_client.post(
        URL, form(alias="multi", directory_choice="existing", directory_id=multi.directory_id)
    )
    assert response.status_code == 400
    assert "does not support multi-Region directories" in response.content.decode()
    assert not Organization.objects.exists()


def test_an_organization_on_an_existing_directory_and_key(admin, admin_client) -> None:
    directory = DirectoryFactory(account=admin.account, alias="corp")
    key = KeyFactory(account=admin.account, alias="alias/mail")
    html = admin_client.get(URL).content.decode()
    assert "alias/mail" in texts(html, "existing-keys")[0]
    response = admin_client.post(
        URL,
        form(
            alias="corp", directory_choice="existing", directory_id=directory.directory_id,
            encryption_choice="existing", kms_key_arn=key.arn,
        ),
    )  # fmt: skip
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert (organization.directory, organization.encryption_key) == (directory, key)


def test_interoperability_is_offered_with_an_ad_connector_only(admin, admin_client) -> None:
    connector = DirectoryFactory(
        account=admin.account, alias="onprem", directory_type=DirectoryType.AD_CONNECTOR
    )
    simple = DirectoryFactory(account=admin.account, alias="simple")
    assert "Enable interoperability" in admin_client.get(URL).content.decode()
    refused = admin_client.post(
        URL,
        form(alias="simple", directory_choice="existing", directory_id=simple.directory_id,
             enable_interoperability="on"),
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Interoperability can be enabled only with an AD Connector directory." in (
        refused.content.decode()
    )
    made = admin_client.post(
        URL,
        form(alias="onprem", directory_choice="existing", directory_id=connector.directory_id,
             enable_interoperability="on", client_token="token-2"),
    )  # fmt: skip
    assert made.status_code == 302
    assert Organization.objects.get(alias="onprem").interoperability_enabled is True


def test_alias_availability_is_checked_as_you_type(admin_client: Client) -> None:
    OrganizationFactory(alias="taken")
    url = reverse("organizations:alias-availability", args=["us-east-1"])
    assert (
        "free.awsapps.com is available."
        in admin_client.get(url, {"alias": "free"}).content.decode()
    )
    assert (
        "The alias TAKEN is not available."
        in admin_client.get(url, {"alias": "TAKEN"}).content.decode()
    )
    assert "can&#x27;t begin with d-" in admin_client.get(url, {"alias": "d-x"}).content.decode()


def test_the_form_is_csrf_protected(admin) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    assert client.post(URL, form()).status_code == 403
    assert not Organization.objects.exists()


def test_ops_members_can_not_create(ops) -> None:
    client = signed_in(ops)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form()).status_code == 403
    assert not Organization.objects.exists()


def test_the_limit_per_region_is_enforced(admin_client, admin, settings) -> None:
    settings.WORKMAIL_ORGANIZATIONS_PER_REGION = 2
    OrganizationFactory.create_batch(2, account=admin.account)
    response = admin_client.post(URL, form())
    assert response.status_code == 400
    assert "maximum number of organizations" in response.content.decode()


def test_the_limit_ignores_other_regions(admin_client, admin, settings) -> None:
    settings.WORKMAIL_ORGANIZATIONS_PER_REGION = 2
    OrganizationFactory.create_batch(2, account=admin.account, region="eu-west-1")
    assert admin_client.post(URL, form()).status_code == 302


def test_the_limit_ignores_other_accounts(admin_client, stranger, settings) -> None:
    settings.WORKMAIL_ORGANIZATIONS_PER_REGION = 2
    OrganizationFactory.create_batch(2, account=stranger.account)
    assert admin_client.post(URL, form()).status_code == 302


def test_the_limit_ignores_deleted_organizations(admin_client, admin, settings) -> None:
    settings.WORKMAIL_ORGANIZATIONS_PER_REGION = 2
    OrganizationFactory.create_batch(2, account=admin.account, state="Deleted")
    assert admin_client.post(URL, form()).status_code == 302


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:kms:us-east-1:999999999999:key/{key_id}",  # another account
        "arn:aws:kms:eu-west-1:{account_id}:key/{key_id}",  # another Region
    ],
    ids=["another-account", "another-region"],
)
def test_a_key_arn_naming_another_account_or_region_is_refused(admin, admin_client, arn) -> None:
    key = KeyFactory(account=admin.account)
    arn = arn.format(account_id=admin.account.account_id, key_id=key.key_id)
    response = admin_client.post(URL, form(encryption_choice="existing", kms_key_arn=arn))
    assert response.status_code == 400
    assert "Choose a KMS key." in response.content.decode()
    assert not Organization.objects.exists()


def test_a_directory_whose_alias_differs_is_refused_on_submit(admin, admin_client) -> None:
    directory = DirectoryFactory(account=admin.account, alias="corp")
    response = admin_client.post(
        URL, form(alias="other", directory_choice="existing", directory_id=directory.directory_id)
    )
    assert response.status_code == 400
    assert texts(response.content.decode(), "directory_id-error") == [
        "The organization alias other must match the directory alias corp of"
        f" {directory.directory_id}."
    ]
    assert not Organization.objects.exists()


def test_each_choices_own_fields_say_which_choice_they_belong_to(admin, admin_client) -> None:
    DirectoryFactory(account=admin.account, alias="corp")
    KeyFactory(account=admin.account, alias="alias/mail")
    page = admin_client.get(URL).content.decode()
    shown_with = dict(
        re.findall(r'data-shown-with="([^"]+)" data-testid="([^"]+)"', page)[i][::-1]
        for i in range(4)
    )
    assert shown_with == {
        "hosted-zone-field": "email_domain-existing-route53",
        "domain-name-field": "email_domain-new-route53 email_domain-external",
        "existing-directories": "directory_choice-existing",
        "existing-keys": "encryption_choice-existing",
    }
    for ids in shown_with.values():  # every id names a radio button of the form
        for radio in ids.split():
            assert f'id="{radio}"' in page
    # The directory and key lists are selects with nothing chosen for the person.
    assert '<option value="">Choose a directory</option>' in page
    assert '<option value="">Choose a KMS key</option>' in page


def test_the_flash_says_the_creation_is_in_progress_with_its_icon(admin_client) -> None:
    response = admin_client.post(URL, form(), follow=True)
    page = response.content.decode()
    [flash] = re.findall(r'<div class="flash ([^"]+)" role="status" data-testid="flash">', page)
    assert flash == "flash-in-progress"  # work that goes on, not a success yet
    assert '<span class="flash-icon" aria-hidden="true"></span>' in page
    assert "Organization acme is being created." in texts(page, "flash")[0]
