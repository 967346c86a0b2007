"""Every console URL, found in the URL resolver so that a new page is covered by itself:

- a member of another account never gets a 200 with this account's data, nor a 500;
- a GET changes nothing; a POST without a CSRF token is refused; ops can't change anything;
- hostile values in the path, the query string or a form never give a 500, and a rejected request
  writes nothing.

"Changes nothing" is checked on the tables a request's statements write to (Watch), not by reading
every table around every request.

The admin site is left out: it is Django's own, staff-only, and tested in test_admin_site.py.
"""

import copy
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from domains.models import MailDomain, VerificationStatus
from keys.models import Key, KeyAlias, KeyState
from keys.services import create_key
from mailflow.models import Direction, EmailFlowRule, SmtpGateway
from organizations.lifecycle import State
from organizations.models import AvailabilityConfiguration, Organization, RetentionPolicy
from route53.models import HostedZone
from route53.services import create_hosted_zone
from tests.conftest import signed_in
from tests.factories import (
    DirectoryFactory,
    MailDomainFactory,
    MailUserFactory,
    MembershipFactory,
    active_organization,
)
from users.models import (
    EmailAlias,
    Group,
    GroupMember,
    MailboxPermission,
    Resource,
    ResourceDelegate,
    UserState,
)
from users.models import User as MailUser
from workmail_console.access_keys import create_access_key
from workmail_console.models import AccessKey, Membership, Role

# Not this account's data: sessions (signing in writes them) and the sign-in throttle's records.
NOT_STATE = {"sessions", "axes", "admin"}
SIGN_IN = {"login", "logout"}


@dataclass(frozen=True)
class Route:
    name: str
    parts: tuple[str | tuple[str, str], ...]  # text, or (parameter, converter regex)

    @property
    def parameters(self) -> list[str]:
        return [part[0] for part in self.parts if isinstance(part, tuple)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + "".join(
            quote(values[part[0]], safe="") if isinstance(part, tuple) else part
            for part in self.parts
        )

    def __str__(self) -> str:
        return self.name


def _routes(patterns: list, prefix: tuple = (), namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        parts = prefix + _parts(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, parts, inner)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name}", parts)


def _parts(pattern) -> tuple:
    """The route's text and its <converter:parameter> parts, in order."""
    route = str(pattern)
    parts: list = []
    while "<" in route:
        text, _, rest = route.partition("<")
        spec, _, route = rest.partition(">")
        converter, _, name = spec.rpartition(":")
        parts += [text, (name, converter or "str")]
    return (*parts, route)


ROUTES = list(_routes(get_resolver().url_patterns))
# Every field any console form has, with a value an admin's request would be accepted with.
FORM = {
    "email_domain": "test",
    "alias": "newly-made",
    "directory_choice": "create",
    "encryption_choice": "managed",
    "client_token": "generated-test-token",
    "directory": "keep",
    "confirmation": "owned",
    "username": "newcomer",
    "password": "a-long-enough-Secret",
    "repeat_password": "a-long-enough-Secret",
    "display_name": "Newcomer",
    "email": "newcomer",
    "domain": "owned.awsapps.com",
    "action": "disable",
    "role": "admin",
    "region": "eu-west-1",
    "directory_type": "SimpleAD",
    "size": "Small",
    "edition": "Standard",
    "name": "corp.example.com",
    "short_name": "CORP",
    "admin_password": "Str0ng-Passw0rd",
    "confirm_password": "Str0ng-Passw0rd",
    "dns_ip_addrs": "192.0.2.10, 192.0.2.11",
    "service_account_username": "connector",
    "service_account_password": "Str0ng-Passw0rd",
    "owner_account_id": "123456789012",
    "primary_region": "us-east-2",
    "applications": "WorkDocs",
    "key_type": "SYMMETRIC",
    "key_usage": "ENCRYPT_DECRYPT",
    "key_spec": "RSA_2048",
    "alias_name": "alias/made-for-test",
    "description": "A key for the test",
    "administrators": "owner",
    "pending_window_in_days": "7",
    "confirm": "on",
    "zone_type": "public",
    "comment": "A zone for the test",
    "record_name": "www",
    "record_type": "A",
    "ttl": "300",
    "values": "192.0.2.1",
    "domain_name": "added.example.com",
    "mail_domain": "owned.example.com",
    "member": "owned",  # the world's user, by name
    "delegate": "owned",
    "address": "alias@owned.awsapps.com",
    "mailbox_quota": "1024",
    "grantee": "team",  # the world's group
    "send_as": "on",
    "resource_type": "ROOM",
    "show_in_global_address_list": "on",
    "domain_confirmation": "owned.example.com",
    "inbox_action": "DELETE",  # Retention policy > Edit
    "inbox_period": "30",
    "tags-TOTAL_FORMS": "1",  # Manage tags: one row
    "tags-INITIAL_FORMS": "0",
    "tags-0-key": "team",
    "tags-0-value": "sales",
    "rule_id": "0e7d2c1a-5b1f-4c3e-9a2d-6f4b8c9e1a01",  # the inbound and outbound rules' tabs
    "rule_name": "Block spam",
    "rule_action": "DROP",
    "sender_patterns": "spam.example",
    "destination_patterns": "*",
    "sender": "bot@spam.example",  # Test configuration
    "recipient": "someone@owned.example.com",
    "gateway_id": "0e7d2c1a-5b1f-4c3e-9a2d-6f4b8c9e1a02",  # SMTP gateways
    "gateway_name": "relay",
    "gateway_address": "smtp.example.com",
    "port_number": "587",
    "user_name": "relay-user",
    "provider_type": "EWS",  # Add availability configuration, for FORM's domain_name
    "ews_endpoint": "https://mail.added.example.com/EWS/Exchange.asmx",
    "ews_username": "free-busy@added.example.com",
    "ews_password": "an-EWS-Secret",
    "lambda_arn": "arn:aws:lambda:eu-west-1:123456789012:function:availability",
    "journaling_status": "on",  # Journaling > Edit
    "journaling_email_address": "journal@provider.example",
    "report_email_address": "admin@owned.example.com",
}


@dataclass
class World:
    owner: Membership
    ops: Membership
    stranger: Membership
    organization: Organization
    directory: Directory
    key: Key
    user: MailUser  # the organization's, enabled, named as FORM's confirmation
    zone: HostedZone  # the owner's, with only its SOA and NS
    domain: MailDomain  # the organization's, verified, not the default, named as FORM's mail_domain
    group: Group  # the organization's, enabled, without members
    resource: Resource  # the organization's, enabled, without delegates
    access_key: AccessKey  # the owner's, active

    @property
    def values(self) -> dict[str, str]:
        """A value for each URL parameter, naming the owner account's things."""
        return {
            "region": self.organization.region,
            "organization_id": self.organization.organization_id,
            "directory_id": self.directory.directory_id,
            "pk": str(self.ops.pk),
            "key_id": str(self.key.key_id),
            "user_id": str(self.user.user_id),
            "zone_id": self.zone.zone_id,
            "domain_name": self.domain.name,
            "group_id": str(self.group.pk),
            "resource_id": self.resource.pk,
            "access_key_id": self.access_key.key_id,
        }

    def url(self, route: Route) -> str:
        missing = set(route.parameters) - set(self.values)
        assert not missing, f"add a sample value for {missing} of {route} to World.values"
        return route.url(self.values)


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, made once for the module's tests (70 statements, a third of the module's time
    when each test made its own) in a transaction that is rolled back at the end. Each test's own
    transaction is a savepoint inside it, rolled back as usual: every test starts from it."""
    with django_db_blocker.unblock():
        made = transaction.atomic()
        made.__enter__()
        try:
            world = _make_world()
        except BaseException:
            made.__exit__(*sys.exc_info())
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        made.__exit__(None, None, None)


@pytest.fixture
def world(_world: World, db) -> World:
    """The module's world, as a copy: what a test does to its instances stays in the test."""
    return copy.deepcopy(_world)


def _make_world() -> World:
    owner = MembershipFactory(role=Role.ADMIN, user__username=FORM["administrators"])
    organization = active_organization(account=owner.account, alias="owned", region="eu-west-1")
    return World(
        owner=owner,
        ops=MembershipFactory(role=Role.OPS, account=owner.account),
        stranger=MembershipFactory(role=Role.ADMIN),
        organization=organization,
        directory=DirectoryFactory(account=owner.account, region="eu-west-1"),
        key=create_key(account=owner.account, region="eu-west-1", alias_name="alias/owned"),
        user=MailUserFactory(
            directory=organization.directory, name=FORM["confirmation"],
            state=UserState.ENABLED, email=f"someone@{organization.test_domain}",
        ),
        zone=create_hosted_zone(account=owner.account, name="owned-zone.example"),
        domain=MailDomainFactory(
            organization=organization, name=FORM["mail_domain"],
            ownership_status=VerificationStatus.VERIFIED,
        ),
        group=Group.objects.create(
            directory=organization.directory, name="team", state=UserState.ENABLED,
            email=f"team@{organization.test_domain}",
        ),
        resource=Resource.objects.create(
            directory=organization.directory, name="room", state=UserState.ENABLED,
            email=f"room@{organization.test_domain}",
        ),
        access_key=create_access_key(owner.user)[0],
    )  # fmt: skip


MODELS = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
# Everything the console keeps, by table (not sessions).
STATE = {table for table, model in MODELS.items() if model._meta.app_label not in NOT_STATE}
READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK")  # statements that write no row


class Watch:
    """Before the first statement that may write to a table of STATE, that table's rows (every
    table's, for a statement naming none); `changed` says which differ now. A table no such
    statement named has not changed (the state counts' triggers follow organizations' rows)."""

    def __init__(self) -> None:
        self.before: dict[str, list[tuple]] = {}

    def __call__(self, execute, sql: str, params, many: bool, context: dict):
        if not sql.lstrip().upper().startswith(READS):
            named = set(re.findall(r"\w+", sql)) & MODELS.keys()
            for table in (named & STATE if named else STATE) - self.before.keys():
                self.before[table] = rows(table)
        return execute(sql, params, many, context)

    def changed(self) -> list[str]:
        return sorted(table for table, seen in self.before.items() if rows(table) != seen)


def rows(table: str) -> list[tuple]:
    return list(MODELS[table]._base_manager.order_by("pk").values_list())


@contextmanager
def watching() -> Iterator[Watch]:
    """Watch what the test's requests write (they run on the test's database connection)."""
    watch = Watch()
    with connection.execute_wrapper(watch):
        yield watch


def test_the_resolver_finds_the_console_pages() -> None:
    names = {route.name for route in ROUTES}
    assert {"organizations:list", "organizations:delete", "members", "member-role"} <= names
    assert {"users:list", "users:create", "users:enable", "users:delete"} <= names
    assert {"route53:zones", "route53:zone", "route53:upsert-record", "route53:register"} <= names


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_another_accounts_member_never_sees_this_accounts_data(world: World, route: Route) -> None:
    client = signed_in(world.stranger)
    with watching() as watch:
        responses = (client.get(world.url(route)), client.post(world.url(route), FORM))
    for response in responses:
        assert response.status_code != 500
        if response.status_code == 200:
            page = response.content.decode()
            assert world.organization.organization_id not in page
            assert world.directory.directory_id not in page
            assert world.owner.account.account_id not in page
            assert world.ops.user.username not in page
            assert str(world.key.key_id) not in page
            assert str(world.user.user_id) not in page and str(world.group.pk) not in page
            assert world.resource.pk not in page
            assert world.access_key.key_id not in page
            assert world.zone.zone_id not in page and world.zone.name not in page
    world.organization.refresh_from_db()
    assert world.organization.state == State.ACTIVE
    world.user.refresh_from_db()
    assert world.user.state == UserState.ENABLED
    world.key.refresh_from_db()
    assert world.key.key_state == KeyState.ENABLED
    assert Membership.objects.filter(account=world.owner.account).count() == 2
    assert HostedZone.objects.filter(pk=world.zone.pk).exists()
    assert AccessKey.objects.filter(pk=world.access_key.pk, active=True).exists()
    # Those make the stranger's own.
    makes_their_own = {
        "organizations:create", "members", "directories:setup", "keys:create",
        "route53:create-zone", "route53:register", "credentials:list",
    }  # fmt: skip
    if route.name not in makes_their_own:
        assert watch.changed() == []


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_get_changes_nothing(world: World, route: Route) -> None:
    for member in (world.owner, world.ops, world.stranger):
        client = signed_in(member)
        with watching() as watch:
            response = client.get(world.url(route), FORM)
        assert response.status_code != 500
        assert watch.changed() == [], f"GET {route} as {member.role} changed the database"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_without_a_csrf_token_is_refused(world: World, route: Route) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner.user)
    with watching() as watch:
        response = client.post(world.url(route), FORM)
    assert response.status_code in (403, 405), f"POST {route} without a CSRF token was accepted"
    assert watch.changed() == []


def _stuck(world: World) -> None:
    Organization.objects.filter(pk=world.organization.pk).update(
        state=State.CREATING, state_changed_at=timezone.now() - timedelta(hours=1)
    )


def _inoperable(world: World) -> None:
    Directory.objects.filter(pk=world.directory.pk).update(stage=Stage.INOPERABLE)


def _own_directory_inoperable(world: World) -> None:
    Directory.objects.filter(pk=world.organization.directory_id).update(stage=Stage.INOPERABLE)


def _key_in(state: KeyState) -> Callable[[World], None]:
    return lambda world: Key.objects.filter(pk=world.key.pk).update(key_state=state)


def _user_disabled(world: World) -> None:
    MailUser.objects.filter(pk=world.user.pk).update(state=UserState.DISABLED)


def _group_disabled(world: World) -> None:
    Group.objects.filter(pk=world.group.pk).update(state=UserState.DISABLED)


def _group_to_delete(world: World) -> None:
    """Disabled, and named as FORM's confirmation (the user who had the name is deleted)."""
    MailUser.objects.filter(pk=world.user.pk).update(state=UserState.DELETED)
    Group.objects.filter(pk=world.group.pk).update(
        state=UserState.DISABLED, name=FORM["confirmation"]
    )


def _resource_disabled(world: World) -> None:
    Resource.objects.filter(pk=world.resource.pk).update(state=UserState.DISABLED)


def _resource_to_delete(world: World) -> None:
    """Disabled, and named as FORM's confirmation (the user who had the name is deleted)."""
    MailUser.objects.filter(pk=world.user.pk).update(state=UserState.DELETED)
    Resource.objects.filter(pk=world.resource.pk).update(
        state=UserState.DISABLED, name=FORM["confirmation"]
    )


def _user_delegate(world: World) -> None:
    ResourceDelegate.objects.create(resource=world.resource, user=world.user)


def _user_alias(world: World) -> None:
    EmailAlias.objects.create(
        directory=world.organization.directory, user=world.user, address=FORM["address"]
    )


def _group_alias(world: World) -> None:
    EmailAlias.objects.create(
        directory=world.organization.directory, group=world.group, address=FORM["address"]
    )


def _resource_alias(world: World) -> None:
    EmailAlias.objects.create(
        directory=world.organization.directory, resource=world.resource, address=FORM["address"]
    )


def _group_granted(world: World) -> None:
    MailboxPermission.objects.create(owner=world.user, group=world.group, send_as=True)


def _user_in_group(world: World) -> None:
    GroupMember.objects.create(group=world.group, user=world.user)


def _on_premises(world: World) -> None:
    Directory.objects.filter(pk=world.directory.pk).update(
        directory_type=DirectoryType.AD_CONNECTOR
    )


def _alias_to_delete(world: World) -> None:
    KeyAlias.objects.create(
        key=world.key, account=world.owner.account, region=world.key.region,
        name=FORM["alias_name"],
    )  # fmt: skip


def _record_to_delete(world: World) -> None:
    world.zone.record_sets.create(
        name=f"{FORM['record_name']}.{world.zone.name}", type=FORM["record_type"], ttl=300,
        values=[FORM["values"]],
    )  # fmt: skip


def _retention_policy(world: World) -> None:
    RetentionPolicy.objects.create(organization=world.organization, policy_id="p", name="default")


def _availability_configuration(world: World) -> None:
    AvailabilityConfiguration.objects.create(
        organization=world.organization, domain_name=FORM["domain_name"], provider_type="LAMBDA",
        lambda_arn=FORM["lambda_arn"],
    )  # fmt: skip


def _domain_in_a_zone(world: World) -> None:
    zone = create_hosted_zone(account=world.owner.account, name=world.domain.name)
    MailDomain.objects.filter(pk=world.domain.pk).update(hosted_zone=zone)


def _email_flow_rule(direction: str) -> Callable[[World], None]:
    """A rule of the tab with FORM's rule_id, unlike FORM's (so that Save changes it)."""
    return lambda world: EmailFlowRule.objects.create(
        rule_id=FORM["rule_id"], organization=world.organization, direction=direction,
        rule_name="Old name", action="BOUNCE", sender_patterns=["old.example"],
        destination_patterns=["*"],
    )  # fmt: skip


def _smtp_gateway(world: World) -> None:
    SmtpGateway.objects.create(
        gateway_id=FORM["gateway_id"], organization=world.organization, gateway_name="old",
        gateway_address="smtp.old.example", port_number=25, user_name="u", password="p",
    )  # fmt: skip


# What a route needs of the world for an admin's request to do something.
PREPARE = {
    "ops:retry": _stuck,  # Retry now acts on a stuck organization only
    "directories:recover": _inoperable,  # Recover acts on an Inoperable directory only
    "organizations:directory-recover": _own_directory_inoperable,  # and the emulator's too
    "keys:enable": _key_in(KeyState.DISABLED),
    "keys:cancel-deletion": _key_in(KeyState.PENDING_DELETION),
    "keys:delete-alias": _alias_to_delete,
    "users:enable": _user_disabled,  # Enable acts on a disabled user only
    "users:delete": _user_disabled,  # and Delete too
    "groups:enable": _group_disabled,
    "groups:delete": _group_to_delete,
    "groups:remove-member": _user_in_group,
    "users:remove-alias": _user_alias,
    "users:make-primary": _user_alias,
    "groups:remove-alias": _group_alias,  # Remove and Make primary act on an alias it has
    "groups:make-primary": _group_alias,
    "resources:remove-alias": _resource_alias,
    "resources:make-primary": _resource_alias,
    "users:remove-permission": _group_granted,
    "resources:enable": _resource_disabled,
    "resources:delete": _resource_to_delete,
    "resources:remove-delegate": _user_delegate,
    "resources:booking": _user_delegate,  # Save turns auto-accept off: a delegate must be there
    "directory-users:add": _on_premises,  # an AD Connector's users are added on its page
    "route53:delete-record": _record_to_delete,
    "domains:update-route53": _domain_in_a_zone,  # only with the account's hosted zone
    "organizations:delete-retention-policy": _retention_policy,  # Delete needs one to delete
    "mailflow:edit-inbound-rule": _email_flow_rule(Direction.INBOUND),  # Edit and Remove need one
    "mailflow:remove-inbound-rule": _email_flow_rule(Direction.INBOUND),
    "mailflow:edit-outbound-rule": _email_flow_rule(Direction.OUTBOUND),
    "mailflow:remove-outbound-rule": _email_flow_rule(Direction.OUTBOUND),
    "mailflow:remove-smtp-gateway": _smtp_gateway,
    "organizations:remove-availability-configuration": _availability_configuration,
}


# Every member manages their own access keys, ops too (tests/pages/test_security_credentials.py).
OWN = {"credentials:list", "credentials:deactivate", "credentials:activate", "credentials:delete"}
# A POST to / is the WorkMail API: SigV4-signed, never a session's (tests/api/); ops keys read.
API = {"home"}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in SIGN_IN | OWN | API], ids=str)
def test_ops_can_not_change_anything(
    world: World, route: Route, published_tasks: list[tuple[str, list]]
) -> None:
    PREPARE.get(route.name, lambda world: None)(world)
    ops, owner = signed_in(world.ops), signed_in(world.owner)
    with watching() as by_ops:
        response = ops.post(world.url(route), FORM)
    assert response.status_code in (403, 405)
    assert by_ops.changed() == [] and published_tasks == []
    if response.status_code == 403:  # the same request from an admin does change something
        with watching() as by_the_owner:
            owner.post(world.url(route), FORM)
        changed = by_the_owner.changed() or published_tasks
        assert changed, f"{route}: the test's request changes nothing even for an admin"


NASTY = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../etc/passwd",
    "%00%2e%2e%2f",
    "' OR 1=1 --",
    "ｗｏｒｋｍａｉｌ",  # noqa: RUF001
    "\u202eevil",
    "d-abc",
    "x" * 5000,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",  # noqa: RUF001
    "",
    " ",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
    st.text(min_size=300, max_size=3000),
)


@pytest.mark.slow  # a fuzzer: left to `make test`, as tests/api/test_hostile_bodies.py
@pytest.mark.parametrize("route", ROUTES, ids=str)
@settings(  # as many examples as the Hypothesis profile says (tests/conftest.py)
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=hostile, field=st.sampled_from(sorted(FORM)), in_path=st.booleans())
def test_hostile_values_never_give_a_500_and_a_rejection_writes_nothing(
    world: World, route: Route, value: str, field: str, in_path: bool
) -> None:
    values = dict(world.values)
    if in_path and route.parameters:
        values[route.parameters[0]] = value
    url = route.url(values)
    data = {**FORM, field: value}
    client = signed_in(world.owner)
    for send in (client.get, client.post):
        with watching() as watch:
            response = send(url, data)
        assert response.status_code != 500, f"{send.__name__.upper()} {url} with {field}={value!r}"
        if response.status_code >= 400:
            changed = watch.changed()
            assert changed == [], f"a rejected {send.__name__.upper()} {url} wrote to {changed}"
