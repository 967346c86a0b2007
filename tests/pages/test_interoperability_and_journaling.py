"""The Interoperability and Journaling tabs of Organization settings: the availability
configurations (listed without a password, Add availability configuration with the EWS or CAP
Lambda fields, Remove after a confirmation) and journaling (status and addresses, Edit, Save).
Admins change, in an Active organization; ops read; an Inactive organization's are read only."""

import pytest
from django.urls import reverse

from organizations import settings_services as settings
from organizations.lifecycle import State
from organizations.models import AvailabilityConfiguration, JournalingConfiguration, Organization
from organizations.settings_services import EwsProvider
from tests.conftest import signed_in
from tests.factories import active_organization
from tests.html import key_values, refused, text, texts

pytestmark = pytest.mark.django_db

SECRET = "Never-Shown-9"
EWS_FORM = {
    "provider_type": "EWS", "domain_name": "partner.example",
    "ews_endpoint": "https://mail.partner.example/EWS/Exchange.asmx",
    "ews_username": "free-busy@partner.example", "ews_password": SECRET,
}  # fmt: skip
LAMBDA_ARN = "arn:aws:lambda:us-east-1:111122223333:function:availability"
JOURNALING_FORM = {
    "journaling_status": "on", "journaling_email_address": "journal@provider.example",
    "report_email_address": "admin@corp.example",
}  # fmt: skip


@pytest.fixture
def organization(admin) -> Organization:
    return active_organization(account=admin.account, alias="corp")


def url(name: str, organization: Organization) -> str:
    return reverse(f"organizations:{name}", args=[organization.region, organization.pk])


def in_state(organization: Organization, state: State) -> None:
    Organization.objects.filter(pk=organization.pk).update(state=state)


def configure(organization: Organization, domain_name: str = "partner.example") -> None:
    settings.create_availability_configuration(
        organization=organization, domain_name=domain_name,
        ews_provider=EwsProvider(EWS_FORM["ews_endpoint"], EWS_FORM["ews_username"], SECRET),
    )  # fmt: skip


# --- Tabs ---------------------------------------------------------------------------------------


def test_organization_settings_has_the_journaling_and_interoperability_tabs(
    admin_client, organization
):
    page = admin_client.get(url("journaling", organization)).content.decode()
    # the guide's order, first after General (other apps' tabs come after)
    assert text(page, "settings-tabs").startswith("General Journaling Interoperability")
    assert 'aria-current="page">Journaling<' in page
    details = admin_client.get(organization.get_absolute_url()).content.decode()
    assert url("interoperability", organization) in details


# --- Interoperability -------------------------------------------------------------------------


def test_without_configurations_it_says_so_and_offers_to_add_one(admin_client, organization):
    page = admin_client.get(url("interoperability", organization)).content.decode()
    assert "No availability configurations" in page
    assert text(page, "configuration-count") == "(0)"
    assert url("add-availability-configuration", organization) in page


def test_add_an_ews_configuration_and_see_it_listed_without_its_password(
    admin_client, organization
):
    form = admin_client.get(url("add-availability-configuration", organization)).content.decode()
    for label in (
        "EWS",
        "CAP Lambda",
        "Domain",
        "EWS URL",
        "User email address",
        "Password",
        "ARN",
    ):
        assert f">{label}</label>" in form
    response = admin_client.post(url("add-availability-configuration", organization), EWS_FORM)
    assert response.status_code == 302 and response.url == url("interoperability", organization)
    page = admin_client.get(response.url).content.decode()
    assert "The availability configuration for partner.example was added." in page
    [row] = texts(page, "configuration")
    assert row.startswith(
        "partner.example EWS https://mail.partner.example/EWS/Exchange.asmx"
        " User: free-busy@partner.example"
    )
    assert SECRET not in page
    assert AvailabilityConfiguration.objects.get().ews_password == SECRET


def test_add_a_lambda_configuration_ignores_the_ews_fields(admin_client, organization):
    response = admin_client.post(
        url("add-availability-configuration", organization),
        {**EWS_FORM, "provider_type": "LAMBDA", "ews_endpoint": "not a url",
         "lambda_arn": LAMBDA_ARN},
    )  # fmt: skip
    assert response.status_code == 302
    page = admin_client.get(response.url).content.decode()
    assert texts(page, "configuration")[0].startswith(f"partner.example Lambda {LAMBDA_ARN}")
    stored = AvailabilityConfiguration.objects.get()
    assert stored.ews_password == "" and stored.lambda_arn == LAMBDA_ARN


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [({"domain_name": ""}, "domain_name", "Enter a domain."),
     ({"domain_name": "part ner"}, "domain_name", "can contain only letters"),
     ({"ews_endpoint": "mail.partner.example"}, "ews_endpoint", "Enter an EWS URL such as"),
     ({"ews_username": ""}, "ews_username", "Enter the user email address."),
     ({"ews_password": ""}, "ews_password", "Enter the password."),
     ({"provider_type": "LAMBDA", "lambda_arn": "arn:aws:lambda:x"}, "lambda_arn",
      "Enter the ARN of a Lambda function"),
     ({"provider_type": "SMTP"}, "provider_type", "Select a valid choice.")],
)  # fmt: skip
def test_add_says_what_is_wrong_under_the_field(admin_client, organization, changes, field, words):
    response = admin_client.post(
        url("add-availability-configuration", organization), {**EWS_FORM, **changes}
    )
    refused(response, field, words)
    assert not AvailabilityConfiguration.objects.exists()


def test_a_refused_form_never_shows_the_password_again(admin_client, organization):
    response = admin_client.post(
        url("add-availability-configuration", organization), {**EWS_FORM, "domain_name": "x"}
    )
    assert response.status_code == 400 and SECRET not in response.content.decode()


def test_a_domain_configured_already_is_refused_in_any_case(admin_client, organization):
    configure(organization)
    response = admin_client.post(
        url("add-availability-configuration", organization),
        {**EWS_FORM, "domain_name": "Partner.EXAMPLE"},
    )
    refused(response, "domain_name", "already has an availability configuration")
    assert AvailabilityConfiguration.objects.count() == 1


def test_remove_asks_first_then_removes(admin_client, organization):
    configure(organization)
    configure(organization, "keep.example")
    page = admin_client.get(url("interoperability", organization)).content.decode()
    assert 'name="domain_name" value="partner.example"' in page and ">Remove</button>" in page
    confirm = admin_client.get(
        url("remove-availability-configuration", organization), {"domain_name": "partner.example"}
    )
    assert confirm.status_code == 200
    assert text(confirm.content.decode(), "remove-domain") == "partner.example"
    assert AvailabilityConfiguration.objects.count() == 2
    response = admin_client.post(
        url("remove-availability-configuration", organization), {"domain_name": "partner.example"}
    )
    assert response.url == url("interoperability", organization)
    after = admin_client.get(response.url).content.decode()
    assert "The availability configuration for partner.example was removed." in after
    assert [row.split()[0] for row in texts(after, "configuration")] == ["keep.example"]


def test_remove_without_a_selection_goes_back_to_the_list(admin_client, organization):
    for query in ({}, {"domain_name": "nowhere.example"}, {"domain_name": "a\x00b"}):
        response = admin_client.get(url("remove-availability-configuration", organization), query)
        assert response.status_code == 302
        assert response.url == url("interoperability", organization)
    page = admin_client.get(url("interoperability", organization)).content.decode()
    assert "Select an availability configuration." in page


def test_remove_of_a_bad_name_says_why(admin_client, organization):
    response = admin_client.post(
        url("remove-availability-configuration", organization), {"domain_name": "a b"}
    )
    page = admin_client.get(response.url).content.decode()
    assert "The domain can contain only letters" in page


def test_ops_read_the_configurations_but_can_not_change_them(ops, organization):
    configure(organization)
    client = signed_in(ops)
    page = client.get(url("interoperability", organization)).content.decode()
    assert "partner.example" in page and SECRET not in page
    assert url("add-availability-configuration", organization) not in page
    assert 'type="radio"' not in page
    assert (
        client.post(url("add-availability-configuration", organization), EWS_FORM).status_code
        == 403
    )
    remove = url("remove-availability-configuration", organization)
    assert client.post(remove, {"domain_name": "partner.example"}).status_code == 403
    assert AvailabilityConfiguration.objects.count() == 1


def test_an_inactive_organizations_configurations_are_read_only(admin_client, organization):
    configure(organization)
    in_state(organization, State.INACTIVE)
    page = admin_client.get(url("interoperability", organization)).content.decode()
    assert "partner.example" in page and "It is Inactive" in text(page, "not-active")
    assert url("add-availability-configuration", organization) not in page
    for name in ("add-availability-configuration", "remove-availability-configuration"):
        response = admin_client.post(url(name, organization), EWS_FORM)
        assert response.status_code == 400 and "It is Inactive" in text(
            response.content.decode(), "unavailable"
        )
    assert AvailabilityConfiguration.objects.count() == 1


def test_a_failed_organization_has_no_interoperability_tab(admin_client, organization):
    in_state(organization, State.FAILED)
    page = admin_client.get(url("interoperability", organization)).content.decode()
    assert "It is Failed." in text(page, "unavailable")


# --- Journaling -------------------------------------------------------------------------------


def test_journaling_is_off_until_it_is_edited(admin_client, organization):
    page = admin_client.get(url("journaling", organization)).content.decode()
    assert key_values(page) == {
        "Journaling status": "Off", "Journaling email address": "-", "Report email address": "-",
    }  # fmt: skip
    assert "amazonjournaling@corp.awsapps.com" in text(page, "journaling-sender")
    assert url("edit-journaling", organization) in page


def test_edit_turns_journaling_on_with_both_addresses(admin_client, organization):
    form = admin_client.get(url("edit-journaling", organization)).content.decode()
    assert ">Journaling status</label>" in form and 'role="switch"' in form
    response = admin_client.post(url("edit-journaling", organization), JOURNALING_FORM)
    assert response.status_code == 302 and response.url == url("journaling", organization)
    page = admin_client.get(response.url).content.decode()
    assert "The changes apply immediately." in page
    assert key_values(page) == {
        "Journaling status": "On",
        "Journaling email address": "journal@provider.example",
        "Report email address": "admin@corp.example",
    }


def test_edit_shows_journaling_as_saved_and_turns_it_off(admin_client, organization):
    admin_client.post(url("edit-journaling", organization), JOURNALING_FORM)
    form = admin_client.get(url("edit-journaling", organization)).content.decode()
    assert "checked" in form and 'value="journal@provider.example"' in form
    off = {key: value for key, value in JOURNALING_FORM.items() if key != "journaling_status"}
    admin_client.post(url("edit-journaling", organization), off)
    assert JournalingConfiguration.objects.get().enabled is False


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [({"journaling_email_address": ""}, "journaling_email_address", "needs both addresses"),
     ({"report_email_address": ""}, "report_email_address", "needs both addresses"),
     ({"report_email_address": "admin"}, "report_email_address", "as name@example.com"),
     ({"journaling_email_address": "j@corp.awsapps.com"}, "journaling_email_address",
      "a domain of this organization"),
     ({"report_email_address": "amazonjournaling@corp.awsapps.com"}, "report_email_address",
      "has no mailbox"),
     ({"report_email_address": "a" * 255}, "report_email_address", "at most 254")],
)  # fmt: skip
def test_edit_says_what_is_wrong_under_the_field(admin_client, organization, changes, field, words):
    response = admin_client.post(
        url("edit-journaling", organization), {**JOURNALING_FORM, **changes}
    )
    refused(response, field, words)
    assert not JournalingConfiguration.objects.exists()


def test_ops_read_journaling_but_can_not_change_it(ops, organization):
    client = signed_in(ops)
    page = client.get(url("journaling", organization)).content.decode()
    assert "Journaling status" in page and url("edit-journaling", organization) not in page
    assert client.get(url("edit-journaling", organization)).status_code == 403
    assert client.post(url("edit-journaling", organization), JOURNALING_FORM).status_code == 403
    assert not JournalingConfiguration.objects.exists()


def test_an_inactive_organizations_journaling_is_read_only(admin_client, organization):
    in_state(organization, State.INACTIVE)
    page = admin_client.get(url("journaling", organization)).content.decode()
    assert "It is Inactive" in text(page, "not-active")
    assert url("edit-journaling", organization) not in page
    refused_post = admin_client.post(url("edit-journaling", organization), JOURNALING_FORM)
    assert refused_post.status_code == 400 and not JournalingConfiguration.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["interoperability", "add-availability-configuration", "remove-availability-configuration",
     "journaling", "edit-journaling"],
)  # fmt: skip
def test_another_accounts_organization_is_not_found(stranger, organization, name):
    client = signed_in(stranger)
    assert client.get(url(name, organization)).status_code == 404
    assert client.post(url(name, organization), {}).status_code in (404, 405)
