"""factory_boy factories for the console's models."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from directories.lifecycle import Stage
from directories.models import Directory, DirectorySize, DirectoryType, new_directory_id
from domains.models import MailDomain, VerificationStatus
from domains.records import new_dkim_tokens, new_ownership_token
from keys.models import Key, KeyAlias, KeyManager
from organizations.lifecycle import State
from organizations.models import LifecycleEvent, Organization
from users.models import User as MailUser
from users.models import UserState
from workmail_console import lifecycle
from workmail_console.models import Account, Membership, Role, new_account_id

PASSWORD = "correct-horse-battery-staple"


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    account_id = factory.LazyFunction(new_account_id)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    role = Role.ADMIN


class OrganizationFactory(DjangoModelFactory):
    """An organization written straight to the table: no message is sent for it."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    region = "us-east-1"
    alias = factory.Sequence(lambda n: f"org{n}")
    state = State.REQUESTED

    @factory.post_generation
    def first_event(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            LifecycleEvent.objects.create(
                organization=obj, account_id=obj.account_id, region=obj.region,
                to_state=State.REQUESTED, reason="Creation requested",
            )  # fmt: skip


class DirectoryFactory(DjangoModelFactory):
    """A Simple AD, Active unless told, written with its first event: no message is sent for it."""

    class Meta:
        model = Directory

    account = factory.SubFactory(AccountFactory)
    region = "us-east-1"
    directory_id = factory.LazyFunction(new_directory_id)
    alias = factory.LazyAttribute(lambda directory: directory.directory_id)
    directory_type = DirectoryType.SIMPLE_AD
    name = factory.Sequence(lambda n: f"corp{n}.example.com")
    short_name = "CORP"
    size = DirectorySize.SMALL
    stage = Stage.ACTIVE

    @classmethod
    def _create(cls, model_class: type[Directory], *args: object, **kwargs: object) -> Directory:
        directory = model_class(*args, **kwargs)
        directory.insert(reason="Written by a test")
        return directory


class KeyFactory(DjangoModelFactory):
    """A customer managed KMS key, Enabled, symmetric; `alias="alias/x"` gives it that alias."""

    class Meta:
        model = Key
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    region = "us-east-1"
    key_manager = KeyManager.CUSTOMER

    @factory.post_generation
    def alias(obj, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            KeyAlias.objects.create(
                key=obj, account_id=obj.account_id, region=obj.region, name=extracted
            )


class MailDomainFactory(DjangoModelFactory):
    """A domain of an organization, Pending unless told."""

    class Meta:
        model = MailDomain

    organization = factory.SubFactory(OrganizationFactory)
    region = factory.LazyAttribute(lambda domain: domain.organization.region)
    name = factory.Sequence(lambda n: f"mail{n}.example.com")
    ownership_status = VerificationStatus.PENDING
    ownership_token = factory.LazyFunction(new_ownership_token)
    dkim_tokens = factory.LazyFunction(new_dkim_tokens)


def active_organization(
    *, directory_type: str = DirectoryType.WORKMAIL, **fields: object
) -> Organization:
    """An Active organization as the workflow leaves it: its directory (an Amazon WorkMail
    directory unless told), its verified test domain as the default, no user enabled since now.
    No message is sent for it."""
    fields.setdefault("account", fields.get("account") or AccountFactory())
    fields.setdefault("region", "us-east-1")
    fields.setdefault("alias", f"active{next(_active_numbers)}")
    now = timezone.now()
    directory = DirectoryFactory(
        account=fields["account"], region=fields["region"], alias=fields["alias"],
        directory_type=directory_type,
    )  # fmt: skip
    test_domain = f"{str(fields['alias']).lower()}.awsapps.com"
    organization = OrganizationFactory(
        **{"state": State.ACTIVE, "completed_date": now, "no_enabled_users_since": now,
           "default_mail_domain": test_domain, "directory": directory, **fields},
    )  # fmt: skip
    MailDomainFactory(
        organization=organization, name=test_domain, is_test_domain=True,
        ownership_status=VerificationStatus.VERIFIED,
    )  # fmt: skip
    return organization


_active_numbers = itertools.count()


class MailUserFactory(DjangoModelFactory):
    """A user of a directory (pass `directory=organization.directory`), disabled and without an
    address unless told; its password is USER_PASSWORD, which meets WorkMail's policy."""

    class Meta:
        model = MailUser

    name = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda user: user.name.title())
    password = factory.LazyFunction(lambda: make_password(USER_PASSWORD))
    state = UserState.DISABLED


USER_PASSWORD = "Mailbox-Pass1"


def dns_name(length: int, parent: str = "example.com") -> str:
    """A valid DNS name of exactly `length` characters under `parent`: labels of up to 63."""
    labels, left = [], length - len(parent)
    while left > 0:
        size = min(63, left - 1)
        if left - (size + 1) == 1:  # would leave room for a dot and no label
            size -= 1
        labels.append(chr(ord("a") + len(labels)) * size)
        left -= size + 1
    name = ".".join([*labels, parent])
    assert len(name) == length
    return name


def advance(organization_id: str, state: str) -> str | None:
    """An organization's step for `state`, run in this process as a worker's task runs it."""
    return lifecycle.advance(Organization, organization_id, state)


def advance_directory(directory_id: str, stage: str) -> str | None:
    """A directory's step for `stage`, run in this process as a worker's task runs it."""
    return lifecycle.advance(Directory, directory_id, stage)
