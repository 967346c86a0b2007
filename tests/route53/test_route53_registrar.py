"""The emulated registrar: a name is registered once in the emulator; a real worker makes its
public hosted zone and marks the registration Successful."""

import pytest

from route53.models import DomainRegistration, HostedZone, RegistrationStatus, ResourceRecordSet
from route53.registrar import DomainNotAvailable, complete_registration, register_domain
from route53.services import (
    Action,
    Change,
    InvalidChangeBatch,
    InvalidInput,
    RecordSet,
    change_record_sets,
    create_hosted_zone,
)
from tests.factories import AccountFactory
from tests.races.harness import race
from tests.waiting import wait_for


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "bad_name.com", "\x00x.com", "a" * 64 + ".com", "ü.de"])
def test_a_malformed_name_is_refused(name) -> None:
    with pytest.raises(InvalidInput) as refused:
        register_domain(account=AccountFactory(), name=name)
    assert refused.value.field == "name"
    assert not DomainRegistration.objects.exists()


@pytest.mark.django_db
def test_a_registered_name_is_not_available_to_anyone(django_capture_on_commit_callbacks) -> None:
    first = AccountFactory()
    register_domain(account=first, name="taken.com")
    for account in (first, AccountFactory()):
        with pytest.raises(DomainNotAvailable, match=r"taken\.com is not available"):
            register_domain(account=account, name="TAKEN.com.")
    assert DomainRegistration.objects.count() == 1


@pytest.mark.django_db
def test_another_accounts_public_zone_makes_the_name_unavailable() -> None:
    create_hosted_zone(account=AccountFactory(), name="zoned.com")
    with pytest.raises(DomainNotAvailable):
        register_domain(account=AccountFactory(), name="zoned.com")


@pytest.mark.django_db
def test_registering_sends_the_task_once_committed(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        registration = register_domain(account=AccountFactory(), name="new.com")
    assert registration.status == RegistrationStatus.IN_PROGRESS
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_the_task_makes_the_zone_once_however_often_it_is_delivered() -> None:
    registration = register_domain(account=AccountFactory(), name="twice.com")
    assert complete_registration(registration.pk) == RegistrationStatus.SUCCESSFUL
    assert complete_registration(registration.pk) == RegistrationStatus.SUCCESSFUL
    registration.refresh_from_db()
    zone = HostedZone.objects.get()
    assert (zone.name, zone.account, zone.private) == ("twice.com", registration.account, False)
    assert registration.zone == zone and registration.status == RegistrationStatus.SUCCESSFUL


@pytest.mark.django_db
def test_a_late_second_delivery_does_not_bring_back_a_deleted_zone() -> None:
    registration = register_domain(account=AccountFactory(), name="late.com")
    complete_registration(registration.pk)
    HostedZone.objects.all().delete()  # the owner deleted it (it had only its SOA and NS)
    complete_registration(registration.pk)
    assert not HostedZone.objects.exists()


@pytest.mark.django_db
def test_the_task_adopts_the_accounts_own_zone_of_the_name() -> None:
    account = AccountFactory()
    zone = create_hosted_zone(account=account, name="mine.com")
    registration = register_domain(account=account, name="mine.com")
    complete_registration(registration.pk)
    registration.refresh_from_db()
    assert registration.zone == zone and HostedZone.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_completes_the_registration(celery_worker) -> None:
    registration = register_domain(account=AccountFactory(), name="worker-made.com")

    def done() -> DomainRegistration | None:
        fresh = DomainRegistration.objects.get(pk=registration.pk)
        return fresh if fresh.status == RegistrationStatus.SUCCESSFUL else None

    done.__doc__ = "the registration to be Successful"
    fresh = wait_for(done)
    assert fresh.zone.name == "worker-made.com"
    assert fresh.zone.record_sets.filter(type__in=["SOA", "NS"]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_registrations_of_one_name_make_one() -> None:
    accounts = [AccountFactory() for _ in range(20)]

    def attempt(index: int) -> str:
        try:
            register_domain(account=accounts[index], name="racer.com")
        except DomainNotAvailable:
            return "refused"
        return "registered"

    outcomes = race(attempt, writes_to=DomainRegistration)
    assert sorted(outcomes).count("registered") == 1
    assert outcomes.count("refused") == 19
    assert DomainRegistration.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_record_changes_at_one_name_never_put_a_cname_beside_another_type() -> None:
    zone = create_hosted_zone(account=AccountFactory(), name="race.com")

    def attempt(index: int) -> str:
        rtype, value = ("CNAME", "target.example.net") if index % 2 else ("TXT", f'"t{index}"')
        record_set = RecordSet("x.race.com", rtype, 300, (value,))
        try:
            change_record_sets(zone, [Change(Action.CREATE, record_set)])
        except InvalidChangeBatch:
            return "refused"
        return rtype

    outcomes = race(attempt, writes_to=ResourceRecordSet)
    assert outcomes.count("refused") == 19
    assert ResourceRecordSet.objects.filter(name="x.race.com").count() == 1
