"""A user beyond create: aliases and the primary address (for groups and resources too),
UpdateUser's personal data, the mailbox quota and mailbox permissions."""

import pytest

from organizations.models import Organization
from tests.factories import MailDomainFactory, active_organization
from users import addresses, groups, mailboxes, resources, services
from users.models import EmailAlias, MailboxPermission, User, UserState
from workmail_console.errors import (
    EmailAddressInUseException,
    EntityNotFoundException,
    EntityStateException,
    InvalidParameterException,
    LimitExceededException,
    MailDomainStateException,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
def organization() -> Organization:
    return active_organization(alias="corp")


def at(organization: Organization, local: str) -> str:
    return f"{local}@{organization.test_domain}"


def user(organization: Organization, name: str = "jane", enabled: bool = True) -> User:
    return services.create_user(
        organization=organization, name=name, display_name=name.title(), password=PASSWORD,
        email=at(organization, name) if enabled else None,
    )  # fmt: skip


# --- Aliases and the primary address --------------------------------------------------------


def test_aliases_are_addresses_no_other_entity_has(organization):
    jane, bob = user(organization, "jane"), user(organization, "bob")
    addresses.create_alias(organization=organization, entity=jane, alias=at(organization, "j"))
    assert addresses.list_aliases(jane) == [at(organization, "j")]
    for taken in (at(organization, "J"), bob.email, jane.email):
        with pytest.raises((EmailAddressInUseException, InvalidParameterException)):
            addresses.create_alias(organization=organization, entity=jane, alias=taken)
    with pytest.raises(EmailAddressInUseException, match="already an alias"):
        services.create_user(
            organization=organization, name="jo", display_name="Jo", password=PASSWORD,
            email=at(organization, "j"),
        )  # fmt: skip
    with pytest.raises(EmailAddressInUseException, match="already an alias"):
        groups.create_group(organization=organization, name="g", email=at(organization, "J"))
    MailDomainFactory(organization=organization, name="pending.example")
    with pytest.raises(MailDomainStateException):
        addresses.create_alias(organization=organization, entity=jane, alias="j@pending.example")
    assert EmailAlias.objects.count() == 1


def test_a_hundred_aliases_at_most(organization):
    jane = user(organization, "jane")
    EmailAlias.objects.bulk_create(
        EmailAlias(directory=organization.directory, user=jane, address=at(organization, f"a{n}"))
        for n in range(addresses.ALIASES_MAX)
    )
    with pytest.raises(LimitExceededException):
        addresses.create_alias(organization=organization, entity=jane, alias=at(organization, "x"))


def test_the_primary_address_swaps_with_an_alias_or_moves_into_them(organization):
    jane = user(organization, "jane")
    old = jane.email
    addresses.create_alias(organization=organization, entity=jane, alias=at(organization, "j"))
    addresses.update_primary_email_address(
        organization=organization, entity=jane, email=at(organization, "j")
    )
    stored = User.objects.get(pk=jane.pk)
    assert stored.email == at(organization, "j") and addresses.list_aliases(stored) == [old]
    addresses.update_primary_email_address(
        organization=organization, entity=stored, email=at(organization, "new")
    )
    assert sorted(addresses.list_aliases(stored)) == sorted([old, at(organization, "j")])
    with pytest.raises(InvalidParameterException, match="primary"):
        addresses.delete_alias(
            organization=organization, entity=stored, alias=at(organization, "new")
        )
    addresses.delete_alias(organization=organization, entity=stored, alias=old.upper())
    with pytest.raises(EntityNotFoundException):
        addresses.delete_alias(organization=organization, entity=stored, alias=old)
    bob = user(organization, "bob")
    with pytest.raises(EmailAddressInUseException):
        addresses.update_primary_email_address(
            organization=organization, entity=bob, email=at(organization, "j")
        )


def test_a_disabled_entitys_addresses_stay_but_can_not_change(organization):
    jane = user(organization, "jane")
    addresses.create_alias(organization=organization, entity=jane, alias=at(organization, "j"))
    services.disable_user(organization=organization, user_id=jane.user_id)
    with pytest.raises(EntityStateException, match="Enable it"):
        addresses.create_alias(organization=organization, entity=jane, alias=at(organization, "k"))
    with pytest.raises(EmailAddressInUseException):
        user(organization, "j")  # the alias is still jane's
    services.delete_user(organization=organization, user_id=jane.user_id)
    assert user(organization, "j").email == at(organization, "j")  # free once deleted


def test_groups_and_resources_have_aliases_too(organization):
    sales = groups.create_group(
        organization=organization, name="sales", email=at(organization, "s")
    )
    room = resources.create_resource(
        organization=organization, name="room", resource_type="ROOM", email=at(organization, "r")
    )
    addresses.create_alias(organization=organization, entity=sales, alias=at(organization, "x"))
    with pytest.raises(EmailAddressInUseException):
        addresses.create_alias(organization=organization, entity=room, alias=at(organization, "X"))
    addresses.create_alias(organization=organization, entity=room, alias=at(organization, "y"))
    assert addresses.list_aliases(room) == [at(organization, "y")]


# --- UpdateUser, quota, permissions ----------------------------------------------------------


def test_update_user_changes_what_is_given_and_never_the_name(organization):
    jane = user(organization, "jane")
    mailboxes.update_user(
        organization=organization, user=jane, display_name="Jane Doe", job_title="CTO",
        hidden_from_global_address_list=True,
    )  # fmt: skip
    stored = User.objects.get(pk=jane.pk)
    assert (stored.name, stored.display_name, stored.job_title) == ("jane", "Jane Doe", "CTO")
    assert stored.hidden_from_global_address_list
    with pytest.raises(InvalidParameterException):
        mailboxes.update_user(organization=organization, user=jane, display_name=" ")
    with pytest.raises(InvalidParameterException):
        mailboxes.update_user(organization=organization, user=jane, city="x" * 257)
    assert User.objects.get(pk=jane.pk).display_name == "Jane Doe"


@pytest.mark.parametrize("quota", [0, 51201, -5])
def test_a_quota_is_1_to_51200_mb(organization, quota):
    jane = user(organization, "jane")
    with pytest.raises(InvalidParameterException, match="from 1 to 51200"):
        mailboxes.update_mailbox_quota(organization=organization, user=jane, mailbox_quota=quota)
    assert User.objects.get(pk=jane.pk).mailbox_quota == 51200


def test_only_an_enabled_users_mailbox_has_a_quota(organization):
    jane = user(organization, "jane")
    mailboxes.update_mailbox_quota(organization=organization, user=jane, mailbox_quota=1024)
    assert mailboxes.mailbox_details(User.objects.get(pk=jane.pk)) == {
        "mailbox_quota": 1024,
        "mailbox_size": 0.0,
    }
    services.disable_user(organization=organization, user_id=jane.user_id)
    with pytest.raises(EntityStateException, match="no mailbox"):
        mailboxes.update_mailbox_quota(organization=organization, user=jane, mailbox_quota=10)


def test_mailbox_permissions_replace_and_a_group_never_has_full_access(organization):
    jane, bob = user(organization, "jane"), user(organization, "bob")
    groups.create_group(organization=organization, name="team", email=at(organization, "t"))

    def put(grantee: str, *values: str):
        return mailboxes.put_mailbox_permissions(
            organization=organization, user=jane, grantee_id=grantee,
            permission_values=list(values),
        )  # fmt: skip

    put("bob", "FULL_ACCESS", "SEND_AS")
    put("bob", "SEND_ON_BEHALF")  # replaces
    put("team", "SEND_AS")
    listed = mailboxes.list_mailbox_permissions(jane)
    assert [(p.grantee.name, p.grantee_type, p.values) for p in listed] == [
        ("bob", "USER", ["SEND_ON_BEHALF"]),
        ("team", "GROUP", ["SEND_AS"]),
    ]
    with pytest.raises(InvalidParameterException, match="full access"):
        put("team", "FULL_ACCESS")
    with pytest.raises(InvalidParameterException, match="owns this mailbox"):
        put("jane", "SEND_AS")
    with pytest.raises(InvalidParameterException):
        put("bob", "READ_ONLY")
    put("bob")  # None: the grantee goes
    mailboxes.delete_mailbox_permissions(organization=organization, user=jane, grantee_id="team")
    with pytest.raises(EntityNotFoundException):
        mailboxes.delete_mailbox_permissions(
            organization=organization, user=jane, grantee_id="team"
        )
    assert not MailboxPermission.objects.exists()
    assert bob.state == UserState.ENABLED
