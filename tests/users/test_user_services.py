"""The users' services: what each console action does to a user and to its organization."""

import pytest
from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction

from directories.lifecycle import Stage
from directories.models import DirectoryType
from organizations import services as organization_services
from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import (
    DirectoryFactory,
    MailDomainFactory,
    MailUserFactory,
    active_organization,
)
from users import services
from users.models import User as MailUser
from users.models import UserState
from workmail_console.errors import (
    DirectoryUnavailableException,
    EmailAddressInUseException,
    EntityStateException,
    MailDomainNotFoundException,
    MailDomainStateException,
    NameAvailabilityException,
    OrganizationStateException,
    UnsupportedOperationException,
    WorkMailError,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


def create(organization: Organization, name: str = "jane", **fields: object):
    values = {"display_name": name.title(), "password": PASSWORD,
              "email": f"{name}@{organization.test_domain}", **fields}  # fmt: skip
    return services.create_user(organization=organization, name=name, **values)


def refreshed(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def test_create_user_enables_it_with_a_hashed_password_and_stops_the_inactive_clock():
    organization = active_organization()
    user = create(organization)
    assert user.state == UserState.ENABLED and user.enabled_date is not None
    assert user.email == f"jane@{organization.test_domain}"
    assert user.password != PASSWORD and check_password(PASSWORD, user.password)
    assert refreshed(organization).no_enabled_users_since is None


def test_user_names_are_unique_in_the_directory_whatever_the_case():
    organization = active_organization()
    create(organization, "jane")
    with pytest.raises(NameAvailabilityException):
        create(organization, "JANE", email=f"other@{organization.test_domain}")


def test_addresses_are_unique_in_the_organization():
    organization = active_organization()
    create(organization, "jane")
    with pytest.raises(EmailAddressInUseException):
        create(organization, "john", email=f"JANE@{organization.test_domain}")


def test_the_address_must_be_on_a_verified_domain_of_the_organization():
    organization = active_organization()
    MailDomainFactory(organization=organization, name="pending.example.com")
    with pytest.raises(MailDomainStateException):
        create(organization, email="jane@pending.example.com")
    with pytest.raises(MailDomainNotFoundException):
        create(organization, email="jane@elsewhere.example.com")
    assert not services.users_of(organization).exists()


def test_only_a_disabled_user_can_be_deleted_and_its_name_is_free_again():
    organization = active_organization()
    user = create(organization)
    with pytest.raises(EntityStateException):
        services.delete_user(organization=organization, user_id=user.pk)
    services.disable_user(organization=organization, user_id=user.pk)
    assert refreshed(organization).no_enabled_users_since is not None
    services.delete_user(organization=organization, user_id=user.pk)
    again = create(organization)
    assert again.pk != user.pk


def test_each_move_of_a_user_stamps_when_its_state_changed():
    organization = active_organization()
    user = create(organization)
    stamps = [MailUser.objects.get(pk=user.pk).state_changed_at]
    for act in (services.disable_user, services.enable_user, services.disable_user):
        extra = {"email": user.email} if act is services.enable_user else {}
        act(organization=organization, user_id=user.pk, **extra)
        stored = MailUser.objects.get(pk=user.pk)
        assert stored.state_changed_at > stamps[-1]
        stamps.append(stored.state_changed_at)
    services.disable_user(organization=organization, user_id=user.pk)  # no move: no new stamp
    assert MailUser.objects.get(pk=user.pk).state_changed_at == stamps[-1]
    services.delete_user(organization=organization, user_id=user.pk)
    stored = MailUser.objects.get(pk=user.pk)
    assert stored.state == UserState.DELETED and stored.state_changed_at > stamps[-1]
    assert (stored.lifecycle.badge(stored.state), stored.lifecycle.label(stored.state)) == (
        "stopped",
        "Deleted",
    )


def test_users_of_an_organization_that_is_not_active_cannot_be_created():
    organization = active_organization(state=State.IMPAIRED)
    with pytest.raises(OrganizationStateException, match="not Active"):
        create(organization)


def test_create_user_refuses_an_organization_deleted_since_it_was_read():
    organization = active_organization()
    read_before = Organization.objects.get(pk=organization.pk)
    organization_services.delete_organization(
        account=organization.account, region=organization.region,
        organization_id=organization.organization_id, delete_directory=False,
    )  # fmt: skip
    with pytest.raises(OrganizationStateException, match="It is Deleting"):
        create(read_before)
    assert not services.users_of(organization).exists()


def deleted_since_read(organization: Organization) -> Organization:
    """The organization as read before someone deleted it (it is Deleting now)."""
    read_before = Organization.objects.get(pk=organization.pk)
    organization_services.delete_organization(
        account=organization.account, region=organization.region,
        organization_id=organization.organization_id, delete_directory=False,
    )  # fmt: skip
    return read_before


def test_delete_user_refuses_an_organization_deleted_since_it_was_read():
    organization = active_organization()
    user = create(organization)
    services.disable_user(organization=organization, user_id=user.user_id)
    with pytest.raises(OrganizationStateException, match="It is Deleting"):
        services.delete_user(organization=deleted_since_read(organization), user_id=user.user_id)
    assert MailUser.objects.get(pk=user.pk).state == UserState.DISABLED


def test_reset_password_refuses_an_organization_deleted_since_it_was_read():
    organization = active_organization()
    user = create(organization)
    with pytest.raises(OrganizationStateException, match="It is Deleting"):
        services.reset_password(
            organization=deleted_since_read(organization), user_id=user.user_id,
            password="An0ther-Passw0rd",
        )  # fmt: skip
    assert check_password(PASSWORD, MailUser.objects.get(pk=user.pk).password)


def test_ad_connector_users_come_from_the_directory_and_can_only_be_enabled_or_disabled():
    organization = active_organization(directory_type=DirectoryType.AD_CONNECTOR)
    with pytest.raises(UnsupportedOperationException):
        create(organization)
    user = services.add_directory_user(
        directory=organization.directory, name="jdoe", display_name="J Doe"
    )
    enabled = services.enable_user(
        organization=organization, user_id="jdoe", email=f"jdoe@{organization.test_domain}"
    )
    assert enabled.pk == user.pk and enabled.state == UserState.ENABLED
    with pytest.raises(UnsupportedOperationException):
        services.reset_password(organization=organization, user_id=user.pk, password=PASSWORD)
    services.disable_user(organization=organization, user_id=user.pk)
    with pytest.raises(UnsupportedOperationException):
        services.delete_user(organization=organization, user_id=user.pk)


def test_enabling_a_user_of_an_inactive_organization_makes_it_active_again():
    organization = active_organization(state=State.INACTIVE)
    organization.mail_domains.all().delete()
    Organization.objects.filter(pk=organization.pk).update(
        alias_released_at=organization.created_date
    )
    user = MailUserFactory(directory=organization.directory)
    services.enable_user(
        organization=organization, user_id=user.pk, email=f"x@{organization.test_domain}"
    )
    back = refreshed(organization)
    assert (back.state, back.alias_released_at) == (State.ACTIVE, None)
    assert back.mail_domains.filter(is_test_domain=True, name=back.test_domain).exists()


def test_reset_password_applies_the_policy_and_stores_a_hash():
    organization = active_organization()
    user = create(organization)
    services.reset_password(organization=organization, user_id=user.pk, password="N3w-Password")
    user.refresh_from_db()
    assert check_password("N3w-Password", user.password)


def test_the_list_search_takes_what_a_database_cannot_store_or_nobody_types():
    organization = active_organization()
    create(organization, "jane")
    assert [u.name for u in services.list_users(organization=organization, search="ja\x00ne")] == [
        "jane"
    ]
    assert list(services.list_users(organization=organization, search="j" * 10_000)) == []


def test_the_users_of_an_organization_that_is_not_active_or_inactive_are_not_listed():
    with pytest.raises(OrganizationStateException, match="It is Creating"):
        services.list_users(organization=active_organization(state=State.CREATING))
    assert not services.list_users(organization=active_organization(state=State.INACTIVE))


def test_a_deleted_user_is_already_deleted():
    organization = active_organization()
    user = create(organization)
    services.disable_user(organization=organization, user_id=user.pk)
    services.delete_user(organization=organization, user_id=user.pk)
    with pytest.raises(EntityStateException, match="already deleted"):
        services.delete_user(organization=organization, user_id=user.pk)


def test_only_an_ad_connector_directory_that_is_not_deleted_gets_users_added_to_it():
    simple_ad = DirectoryFactory(directory_type=DirectoryType.SIMPLE_AD)
    with pytest.raises(UnsupportedOperationException):
        services.add_directory_user(directory=simple_ad, name="jdoe", display_name="J Doe")
    gone = DirectoryFactory(directory_type=DirectoryType.AD_CONNECTOR, stage=Stage.DELETED)
    with pytest.raises(DirectoryUnavailableException):
        services.add_directory_user(directory=gone, name="jdoe", display_name="J Doe")
    assert not MailUser.objects.exists()


def _act(organization: Organization, user: MailUser, action: str) -> None:
    email = f"{user.name}@{organization.test_domain}"
    calls = {
        "enable": lambda: services.enable_user(
            organization=organization, user_id=user.pk, email=email
        ),
        "disable": lambda: services.disable_user(organization=organization, user_id=user.pk),
        "reset-password": lambda: services.reset_password(
            organization=organization, user_id=user.pk, password="An0ther-Secret"
        ),
        "delete": lambda: services.delete_user(organization=organization, user_id=user.pk),
    }
    calls[action]()


@pytest.mark.parametrize("action", ["enable", "disable", "reset-password", "delete"])
@pytest.mark.parametrize("user_state", list(UserState))
@pytest.mark.parametrize("directory_type", [DirectoryType.WORKMAIL, DirectoryType.AD_CONNECTOR])
@pytest.mark.parametrize("state", [State.ACTIVE, State.INACTIVE, State.IMPAIRED])
def test_the_page_offers_exactly_the_actions_the_services_carry_out(
    state: State, directory_type: str, user_state: UserState, action: str
):
    organization = active_organization(state=state, directory_type=directory_type)
    email = f"someone@{organization.test_domain}" if user_state != UserState.DISABLED else None
    user = MailUserFactory(directory=organization.directory, state=user_state, email=email)
    before = MailUser.objects.values().get(pk=user.pk)
    offered = action in services.available_actions(organization, user)
    try:
        _act(organization, user, action)
    except WorkMailError as error:
        assert not offered, f"offered, but refused: {error.message}"
        assert services.action_problem(organization, action, user) is not None
    else:
        changed = MailUser.objects.values().get(pk=user.pk) != before
        assert changed == offered


def test_the_database_holds_the_name_and_address_rules_without_the_checks():
    """The constraints behind NameAvailabilityException and EmailAddressInUseException, which a
    request that skipped the checks (or raced past them) still meets."""
    organization = active_organization()
    directory, domain = organization.directory, organization.test_domain
    MailUserFactory(
        directory=directory, name="jane", state=UserState.ENABLED, email=f"jane@{domain}"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MailUserFactory(directory=directory, name="JANE")
    with pytest.raises(IntegrityError), transaction.atomic():
        MailUserFactory(directory=directory, name="john", email=f"JANE@{domain}")
    other = active_organization()
    with pytest.raises(IntegrityError), transaction.atomic():  # one mailbox per address anywhere
        MailUserFactory(directory=other.directory, state=UserState.ENABLED, email=f"jane@{domain}")
    MailUserFactory(directory=directory, name="gone", state=UserState.DELETED)
    MailUserFactory(directory=directory, name="GONE")  # a deleted user's name is free
