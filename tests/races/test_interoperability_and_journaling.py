"""An organization's availability configurations and journaling under races: twenty admins adding
one domain at once make one configuration (the unique constraint on the domain in any case);
twenty adding different domains to an organization with room for five make five (the
organization's lock serializes the count); twenty first saves of journaling make one row, and
none fails."""

from collections import Counter

import pytest

from organizations import settings_services as settings
from organizations.models import AvailabilityConfiguration, JournalingConfiguration
from organizations.settings_services import LambdaProvider
from tests.factories import active_organization
from tests.races.harness import COUNT, race
from workmail_console.errors import WorkMailError

pytestmark = pytest.mark.django_db(transaction=True)

LAMBDA = LambdaProvider("arn:aws:lambda:us-east-1:111122223333:function:availability")


def adding(organization, name):
    def add(i: int) -> str:
        try:
            settings.create_availability_configuration(
                organization=organization, domain_name=name(i), lambda_provider=LAMBDA
            )
        except WorkMailError as error:
            return error.code
        return "added"

    return add


def test_twenty_adds_of_one_domain_at_once_make_one_configuration(admin) -> None:
    organization = active_organization(account=admin.account)
    # the same domain, in twenty ways of writing it
    add = adding(organization, lambda i: "partner.example".upper()[:i] + "partner.example"[i:])
    results = race(add, writes_to=AvailabilityConfiguration)
    assert Counter(results) == {"added": 1, "NameAvailabilityException": COUNT - 1}
    assert AvailabilityConfiguration.objects.filter(organization=organization).count() == 1


def test_twenty_adds_at_once_leave_at_most_a_hundred(admin) -> None:
    organization = active_organization(account=admin.account)
    room = 5
    AvailabilityConfiguration.objects.bulk_create(
        AvailabilityConfiguration(
            organization=organization, domain_name=f"existing{i}.example", provider_type="LAMBDA",
            lambda_arn=LAMBDA.lambda_arn,
        )
        for i in range(settings.AVAILABILITY_CONFIGURATIONS_MAX - room)
    )  # fmt: skip
    results = race(
        adding(organization, lambda i: f"racer{i}.example"), writes_to=AvailabilityConfiguration
    )
    assert Counter(results) == {"added": room, "LimitExceededException": COUNT - room}
    count = AvailabilityConfiguration.objects.filter(organization=organization).count()
    assert count == settings.AVAILABILITY_CONFIGURATIONS_MAX


def test_twenty_first_saves_of_journaling_at_once_make_one_row(admin) -> None:
    organization = active_organization(account=admin.account)

    def save(i: int) -> str:
        try:
            settings.update_journaling_configuration(
                organization=organization, enabled=True,
                journaling_email_address=f"journal{i}@provider.example",
                report_email_address="admin@corp.example",
            )  # fmt: skip
        except WorkMailError as error:
            return error.code
        return "saved"

    results = race(save, writes_to=JournalingConfiguration)
    assert Counter(results) == {"saved": COUNT}
    saved = JournalingConfiguration.objects.get(organization=organization)
    assert saved.enabled and saved.journaling_email_address.startswith("journal")
