"""An organization's availability configurations (CreateAvailabilityConfiguration,
UpdateAvailabilityConfiguration, DeleteAvailabilityConfiguration, ListAvailabilityConfigurations:
the model's patterns, exactly one provider, one a domain in any case, up to 100) and its
journaling (both addresses while on, the journaling address outside the organization's domains);
only an Active organization's change, an Inactive one's are read."""

import pytest

from domains.models import MailDomain
from organizations import settings_services as settings
from organizations.lifecycle import State
from organizations.models import AvailabilityConfiguration, JournalingConfiguration, Organization
from organizations.settings_services import EwsProvider, LambdaProvider
from tests.factories import active_organization
from workmail_console.errors import (
    InvalidParameterException,
    LimitExceededException,
    NameAvailabilityException,
    OrganizationStateException,
    ResourceNotFoundException,
)

pytestmark = pytest.mark.django_db

EWS = EwsProvider(
    ews_endpoint="https://mail.partner.example/EWS/Exchange.asmx",
    ews_username="free-busy@partner.example", ews_password="Ews-Secret-1",
)  # fmt: skip
LAMBDA = LambdaProvider(lambda_arn="arn:aws:lambda:us-east-1:111122223333:function:availability")


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp")


def in_state(organization: Organization, state: State) -> Organization:
    Organization.objects.filter(pk=organization.pk).update(state=state)
    organization.refresh_from_db()
    return organization


def create(organization: Organization, domain_name: str = "partner.example", **provider):
    provider = provider or {"ews_provider": EWS}
    return settings.create_availability_configuration(
        organization=organization, domain_name=domain_name, **provider
    )


def listed(organization: Organization) -> list[tuple[str, str]]:
    rows = settings.list_availability_configurations(organization=organization)
    return [(row.domain_name, row.provider_type) for row in rows]


# --- Availability configurations ----------------------------------------------------------------


def test_create_keeps_an_ews_provider_with_its_password(organization):
    configuration = create(organization)
    stored = AvailabilityConfiguration.objects.get()
    assert stored.provider_type == "EWS" and stored.ews_password == "Ews-Secret-1"
    assert stored.ews_endpoint == EWS.ews_endpoint and stored.lambda_arn == ""
    assert configuration.date_created == configuration.date_modified


def test_create_keeps_a_lambda_provider(organization):
    create(organization, "lambda.example", lambda_provider=LAMBDA)
    stored = AvailabilityConfiguration.objects.get()
    assert stored.provider_type == "LAMBDA" and stored.lambda_arn == LAMBDA.lambda_arn
    assert stored.ews_endpoint == stored.ews_username == stored.ews_password == ""


def test_configurations_are_listed_by_domain_in_any_case(organization):
    create(organization, "b.example")
    create(organization, "A.example", lambda_provider=LAMBDA)
    create(organization, "c.example")
    assert listed(organization) == [
        ("A.example", "LAMBDA"), ("b.example", "EWS"), ("c.example", "EWS"),
    ]  # fmt: skip


def test_the_password_is_in_no_repr():
    assert "Ews-Secret-1" not in repr(EWS)
    assert "Ews-Secret-1" not in repr(
        AvailabilityConfiguration(domain_name="a.b", ews_password="Ews-Secret-1")
    )


@pytest.mark.parametrize(
    "providers", [{}, {"ews_provider": EWS, "lambda_provider": LAMBDA}], ids=["none", "both"]
)
def test_exactly_one_provider_is_given(organization, providers):
    with pytest.raises(InvalidParameterException, match="exactly one provider"):
        settings.create_availability_configuration(
            organization=organization, domain_name="partner.example", **providers
        )
    assert not AvailabilityConfiguration.objects.exists()


def test_a_domain_has_one_configuration_in_any_case(organization):
    create(organization, "Partner.Example")
    with pytest.raises(NameAvailabilityException, match="already has an availability") as caught:
        create(organization, "partner.example", lambda_provider=LAMBDA)
    assert caught.value.field == "domain_name"
    assert AvailabilityConfiguration.objects.count() == 1


def test_another_organization_may_configure_the_same_domain(organization):
    create(organization)
    create(active_organization(alias="other"))
    assert AvailabilityConfiguration.objects.count() == 2


def test_an_organization_has_at_most_a_hundred_configurations(organization):
    AvailabilityConfiguration.objects.bulk_create(
        AvailabilityConfiguration(
            organization=organization, domain_name=f"d{i}.example", provider_type="LAMBDA",
            lambda_arn=LAMBDA.lambda_arn,
        )
        for i in range(settings.AVAILABILITY_CONFIGURATIONS_MAX)
    )  # fmt: skip
    with pytest.raises(LimitExceededException, match="100 availability configurations"):
        create(organization, "one-more.example")
    settings.delete_availability_configuration(organization=organization, domain_name="d0.example")
    create(organization, "one-more.example")


@pytest.mark.parametrize(
    ("domain_name", "words"),
    [("", "Enter a domain."), ("ab", "3 to 255"), ("a" * 256, "3 to 255"),
     ("part ner.example", "only letters"), ("bücher.example", "only letters"),
     ("a.example\n", "only letters")],
)  # fmt: skip
def test_the_domain_follows_the_model(organization, domain_name, words):
    with pytest.raises(InvalidParameterException, match=words) as caught:
        create(organization, domain_name)
    assert caught.value.field == "domain_name"


def test_the_longest_domain_is_taken(organization):
    create(organization, "a" * 251 + ".com")
    assert AvailabilityConfiguration.objects.get().domain_name.endswith(".com")


@pytest.mark.parametrize(
    ("endpoint", "accepted"),
    [("https://mail.example.com/EWS/Exchange.asmx", True), ("http://10.0.0.1:8080/", True),
     ("https://mail.example.com", False), ("ftp://mail.example.com/x", False),
     ("https://user@mail.example.com/x", False), ("https://mail.example.com/\nx", False),
     ("https://mail_x.example.com/x", False), ("https://m.example/" + "x" * 240, False),
     ("", False)],
)  # fmt: skip
def test_the_ews_url_follows_the_model(organization, endpoint, accepted):
    provider = EwsProvider(ews_endpoint=endpoint, ews_username="u", ews_password="p")
    if accepted:
        create(organization, ews_provider=provider)
        return
    with pytest.raises(InvalidParameterException, match="EWS URL") as caught:
        create(organization, ews_provider=provider)
    assert caught.value.field == "ews_endpoint"


@pytest.mark.parametrize(
    ("member", "value", "words"),
    [("ews_username", "", "Enter the user email address."),
     ("ews_username", "x" * 257, "up to 256"), ("ews_username", "tab\there", "Latin-1"),
     ("ews_password", "", "Enter the password."), ("ews_password", "€uro", "Latin-1"),
     ("ews_password", "p" * 257, "up to 256")],
)  # fmt: skip
def test_the_ews_user_and_password_follow_the_model(organization, member, value, words):
    provider = EwsProvider(**{"ews_endpoint": EWS.ews_endpoint, "ews_username": "u",
                              "ews_password": "p", member: value})  # fmt: skip
    with pytest.raises(InvalidParameterException, match=words) as caught:
        create(organization, ews_provider=provider)
    assert caught.value.field == member


def test_a_latin_1_password_with_spaces_is_taken(organization):
    create(organization, ews_provider=EwsProvider(EWS.ews_endpoint, "Ünïcode user", "pass wörd"))
    assert AvailabilityConfiguration.objects.get().ews_password == "pass wörd"


@pytest.mark.parametrize(
    ("arn", "accepted"),
    [("arn:aws:lambda:eu-west-1:111122223333:function:free-busy_1.a", True),
     ("arn:aws:lambda:us-east-1:111122223333:function:availability:$LATEST", True),
     ("arn:aws:lambda:us-east-1:111122223333:function:availability:prod", True),
     ("arn:aws:lambda:us-east-1:111122223333:function:f", False),  # 48 characters
     ("arn:aws:lambda:us-east-1:11112222333:function:availability", False),
     ("arn:aws:s3:us-east-1:111122223333:function:availability", False),
     ("arn:aws:lambda:us-east-1:111122223333:function:availability:", False),
     ("arn:aws:lambda:us-east-1:111122223333:function:" + "a" * 210, False), ("", False)],
)  # fmt: skip
def test_the_lambda_arn_follows_the_model(organization, arn, accepted):
    if accepted:
        create(organization, lambda_provider=LambdaProvider(arn))
        return
    with pytest.raises(InvalidParameterException, match="Lambda function") as caught:
        create(organization, lambda_provider=LambdaProvider(arn))
    assert caught.value.field == "lambda_arn"


def test_update_swaps_the_provider_and_moves_the_date_modified(organization):
    created = create(organization, "Partner.example")
    settings.update_availability_configuration(
        organization=organization, domain_name="partner.EXAMPLE", lambda_provider=LAMBDA
    )
    stored = AvailabilityConfiguration.objects.get()
    assert stored.provider_type == "LAMBDA" and stored.lambda_arn == LAMBDA.lambda_arn
    assert stored.ews_password == "" and stored.domain_name == "Partner.example"
    assert stored.date_modified > created.date_modified == stored.date_created


def test_update_of_a_domain_without_one_is_resource_not_found(organization):
    with pytest.raises(ResourceNotFoundException, match="has no availability configuration"):
        settings.update_availability_configuration(
            organization=organization, domain_name="partner.example", ews_provider=EWS
        )


def test_update_checks_its_provider_as_create_does(organization):
    create(organization)
    with pytest.raises(InvalidParameterException, match="exactly one provider"):
        settings.update_availability_configuration(
            organization=organization, domain_name="partner.example"
        )
    bad = EwsProvider("https://x.example", "u", "p")
    with pytest.raises(InvalidParameterException, match="EWS URL"):
        settings.update_availability_configuration(
            organization=organization, domain_name="partner.example", ews_provider=bad
        )
    assert AvailabilityConfiguration.objects.get().ews_endpoint == EWS.ews_endpoint


def test_delete_removes_the_domains_configuration_in_any_case(organization):
    create(organization, "partner.example")
    create(organization, "keep.example")
    settings.delete_availability_configuration(
        organization=organization, domain_name="PARTNER.example"
    )
    assert listed(organization) == [("keep.example", "EWS")]
    # a domain without one is no error
    settings.delete_availability_configuration(
        organization=organization, domain_name="partner.example"
    )


def test_delete_checks_the_domain(organization):
    with pytest.raises(InvalidParameterException, match="only letters"):
        settings.delete_availability_configuration(organization=organization, domain_name="a\x00b")


def test_find_is_none_for_a_name_no_domain_has(organization):
    create(organization)
    found = settings.find_availability_configuration(
        organization=organization, domain_name="PARTNER.example"
    )
    assert found is not None and found.domain_name == "partner.example"
    for name in ("other.example", "a\x00b", "x" * 5000):
        assert settings.find_availability_configuration(
            organization=organization, domain_name=name
        ) is None  # fmt: skip


@pytest.mark.parametrize("state", [State.INACTIVE, State.FAILED, State.IMPAIRED])
def test_only_an_active_organization_changes_them(organization, state):
    create(organization)
    in_state(organization, state)
    changes = [
        lambda: create(organization, "new.example"),
        lambda: settings.update_availability_configuration(
            organization=organization, domain_name="partner.example", lambda_provider=LAMBDA
        ),
        lambda: settings.delete_availability_configuration(
            organization=organization, domain_name="partner.example"
        ),
    ]
    for change in changes:
        with pytest.raises(OrganizationStateException, match="not Active"):
            change()
    assert listed(in_state(organization, State.ACTIVE)) == [("partner.example", "EWS")]


def test_an_inactive_organizations_are_read_a_failed_ones_are_not(organization):
    create(organization)
    assert listed(in_state(organization, State.INACTIVE)) == [("partner.example", "EWS")]
    with pytest.raises(OrganizationStateException, match="It is Failed"):
        listed(in_state(organization, State.FAILED))


# --- Journaling -------------------------------------------------------------------------------


def journal(organization: Organization, **fields) -> JournalingConfiguration:
    fields = {
        "enabled": True, "journaling_email_address": "journal@provider.example",
        "report_email_address": "admin@corp.example", **fields,
    }  # fmt: skip
    return settings.update_journaling_configuration(organization=organization, **fields)


def test_journaling_is_off_until_it_is_saved(organization):
    shown = settings.get_journaling_configuration(organization=organization)
    assert shown.enabled is False and shown.journaling_email_address == ""
    assert not JournalingConfiguration.objects.exists()


def test_saving_turns_journaling_on_with_its_two_addresses(organization):
    journal(organization)
    saved = settings.get_journaling_configuration(organization=organization)
    assert saved.enabled is True
    assert saved.journaling_email_address == "journal@provider.example"
    assert saved.report_email_address == "admin@corp.example"


def test_the_organization_has_one_journaling_row_whatever_the_saves(organization):
    journal(organization)
    journal(organization, enabled=False, journaling_email_address="", report_email_address="")
    assert JournalingConfiguration.objects.count() == 1
    assert settings.get_journaling_configuration(organization=organization).enabled is False


@pytest.mark.parametrize("field", ["journaling_email_address", "report_email_address"])
def test_journaling_that_is_on_needs_both_addresses(organization, field):
    with pytest.raises(InvalidParameterException, match="needs both addresses") as caught:
        journal(organization, **{field: ""})
    assert caught.value.field == field
    assert not JournalingConfiguration.objects.exists()


def test_journaling_that_is_off_keeps_what_addresses_it_is_given(organization):
    journal(organization, enabled=False, report_email_address="")
    saved = JournalingConfiguration.objects.get()
    assert saved.journaling_email_address == "journal@provider.example"


@pytest.mark.parametrize(
    "address",
    ["journal", "journal@provider", "jour nal@provider.example", "@provider.example",
     "a" * 65 + "@provider.example", "j@" + "p" * 250 + ".example", "j@provider.example\n"],
)  # fmt: skip
@pytest.mark.parametrize("field", ["journaling_email_address", "report_email_address"])
def test_an_address_is_an_email_address(organization, address, field):
    with pytest.raises(InvalidParameterException, match=r"name@example\.com") as caught:
        journal(organization, enabled=False, **{field: address})
    assert caught.value.field == field


def test_the_journaling_address_is_not_at_the_organizations_domains(organization):
    MailDomain.objects.create(organization=organization, region="us-east-1", name="corp.example")
    for address in ("journal@corp.example", "journal@CORP.awsapps.com"):
        with pytest.raises(InvalidParameterException, match="a domain of this organization"):
            journal(organization, journaling_email_address=address)
    journal(organization, report_email_address="admin@corp.example")  # the admin's may be


def test_the_report_address_is_not_the_reserved_sender(organization):
    with pytest.raises(InvalidParameterException, match="has no mailbox") as caught:
        journal(organization, report_email_address="AmazonJournaling@corp.awsapps.com")
    assert caught.value.field == "report_email_address"
    assert settings.journaling_sender(organization) == "amazonjournaling@corp.awsapps.com"


@pytest.mark.parametrize("state", [State.INACTIVE, State.FAILED])
def test_only_an_active_organizations_journaling_changes(organization, state):
    in_state(organization, state)
    with pytest.raises(OrganizationStateException, match="not Active"):
        journal(organization)
    assert not JournalingConfiguration.objects.exists()


def test_an_inactive_organizations_journaling_is_read(organization):
    journal(organization)
    in_state(organization, State.INACTIVE)
    assert settings.get_journaling_configuration(organization=organization).enabled is True
    with pytest.raises(OrganizationStateException):
        settings.get_journaling_configuration(organization=in_state(organization, State.FAILED))
