"""Random and malformed bodies sent to every implemented operation (hypothesis): the answer is
never a 5xx, and a refused call leaves the database exactly as it found it.

Bodies are drawn from each operation's own input shape in WorkMail's model: members of the right
type and of the wrong one, values that meet the patterns and values that don't (NUL bytes, markup,
overlong strings, another Region's organization), identifiers that exist and ones that don't;
and now and then a body that is not the shape at all.
"""

import contextlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import Shape
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.signing import call, post
from tests.factories import MailUserFactory, active_organization
from users.groups import create_group
from users.resources import create_resource
from workmail_console.access_keys import create_access_key
from workmail_console.api.registry import OPERATIONS
from workmail_console.api.shapes import service_model

IDENTIFIER = re.compile(r"(Organization|Entity|User|Group|Resource|Member|Grantee|Delegate)Id$")
HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "\u202e\ufeff",
    "m-" + "0" * 32,
    "../../etc/passwd",
]
# Tables the API never writes, or writes outside the call's transaction on purpose.
UNWATCHED = ("django_session", "axes_", "django_admin_log", "workmail_console_accesskey")


def values_for(
    shape: Shape, ids: dict[str, list[str]], depth: int = 0, *, fitting_only: bool = False
) -> st.SearchStrategy:
    """Values for `shape`: nine times in ten one that meets it, else a hostile one or one of
    another type (a body of several members has a wrong one often enough)."""
    wrong_type = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.lists(st.none())
    )
    kind = shape.type_name
    hostile = st.sampled_from(HOSTILE)
    if kind == "string":
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max") or 64
        fitting = [
            st.text(st.characters(codec="ascii", min_codepoint=33), min_size=low, max_size=high)
        ]
        if shape.enum:
            fitting = [st.sampled_from(shape.enum)]
        elif pattern := shape.metadata.get("pattern"):
            # hypothesis draws from most patterns once their lookaheads are left out; a pattern
            # it can't draw from keeps the plain text above.
            with contextlib.suppress(Exception):
                drawable = re.sub(r"\(\?!.*?\)", "", pattern)
                fitting = [
                    st.from_regex(drawable, fullmatch=True).filter(lambda v: low <= len(v) <= high)
                ]
        own, bad = st.one_of(*fitting), st.one_of(hostile, st.text(max_size=high + 2))
    elif kind in ("integer", "long"):
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 2**31)
        own, bad = st.integers(low, high), st.integers(-(2**40), 2**40)
    elif kind == "boolean":
        own, bad = st.booleans(), hostile
    elif kind == "list":
        own = (
            st.lists(
                values_for(shape.member, ids, depth + 1, fitting_only=fitting_only), max_size=3
            )
            if depth < 3
            else st.just([])
        )
        bad = st.lists(hostile, max_size=3)
    elif kind == "structure":
        own = (
            structures(shape, ids, depth + 1, fitting_only=fitting_only)
            if depth < 3
            else st.just({})
        )
        bad = st.dictionaries(st.text(max_size=5), hostile, max_size=3)
    else:
        own = st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
        bad = hostile
    if fitting_only:
        return own
    return st.one_of(*[own] * 18, bad, wrong_type)


def structures(
    shape: Shape, ids: dict[str, list[str]], depth: int = 0, *, fitting_only: bool = False
) -> st.SearchStrategy:
    required, optional = {}, {}
    for name, member in shape.members.items():
        strategy = values_for(member, ids, depth, fitting_only=fitting_only)
        if IDENTIFIER.search(name) and ids.get(name):
            existing = st.sampled_from(ids[name])
            strategy = existing if fitting_only else st.one_of(existing, strategy)
        (required if name in shape.required_members else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def bodies(operation: str, ids: dict[str, list[str]], *, fitting_only: bool) -> st.SearchStrategy:
    shape = service_model().operation_model(operation).input_shape
    shaped = structures(shape, ids, fitting_only=fitting_only).map(
        lambda body: json.dumps(body).encode()
    )
    if fitting_only:
        return shaped
    junk = st.one_of(
        st.binary(max_size=64),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=8), inner, max_size=3)
            ),
            max_leaves=10,
        ).map(lambda value: json.dumps(value).encode()),
    )
    return st.one_of(shaped, shaped, shaped, shaped, junk)


def fingerprint() -> dict[str, str]:
    """Every watched table's content, as one digest per table, in one statement."""
    tables = [
        name for name in connection.introspection.table_names() if not name.startswith(UNWATCHED)
    ]
    sql = " UNION ALL ".join(
        f"SELECT '{name}', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
        f' FROM "{name}" t'
        for name in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


@pytest.fixture
def world(admin, stranger) -> dict[str, Any]:
    """An Active organization with a user, a group and a resource to aim at, and another
    account's and another Region's organizations."""
    organization = active_organization(account=admin.account)
    user = MailUserFactory(directory=organization.directory)
    group = create_group(organization=organization, name="hostiles")
    resource = create_resource(organization=organization, name="hostileroom", resource_type="ROOM")
    theirs = active_organization(account=stranger.account)
    west = active_organization(account=admin.account, region="us-west-2")
    entities = [str(user.pk), str(group.pk), str(resource.pk)]
    key, secret = create_access_key(admin.user)
    return {
        "key": (key.key_id, secret),
        "ids": {
            # Mostly the caller's own: that is where the services get to work.
            "OrganizationId": [organization.organization_id] * 4
            + [theirs.organization_id, west.organization_id],
            "EntityId": entities,
            "UserId": [str(user.pk)],
            "GroupId": [str(group.pk)],
            "ResourceId": [str(resource.pk)],
            "MemberId": entities,
            "GranteeId": entities,
            "DelegateId": entities,
        },
    }


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("fitting_only", [False, True], ids=["any", "fitting"])
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_no_body_breaks_an_operation_or_leaves_a_trace(world, operation, fitting_only, data):
    """`any`: bodies of every sort; `fitting`: bodies whose members all meet the model, which
    reach the services (hostile values that meet a pattern, ids that exist or not)."""
    body = data.draw(bodies(operation, world["ids"], fitting_only=fitting_only), label="body")
    before = fingerprint()
    status, answer = call(*world["key"], operation, body)
    print(
        "STAT",
        operation,
        status,
        answer.get("__type", ""),
        answer.get("message", "")[:80],
        body[:150],
    )
    assert status < 500, answer
    assert answer.get("__type") != "InternalFailure"
    if status >= 400:
        assert fingerprint() == before, f"{operation} refused with {answer} but wrote"


HOSTILE = ["\x00", "<b>markup</b>", "é", "'; --", " ", "/", ",", "x" * 300]


def _credential_part(real: str) -> st.SearchStrategy[str]:
    """The real value; the real value with something hostile added; something hostile; any text."""
    anything = st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(), max_size=24))
    return st.one_of(st.just(real), anything.map(lambda extra: real + extra), anything)


# Cheap calls (no write, one statement at most): more examples than the profile's.
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=200
)
@given(data=st.data())
def test_no_credential_breaks_the_endpoint(world, data):
    """Every part of the credential, the date and the organization named, hostile or not: the
    key's statement takes only what could be a key ID, a Region and an organization ID."""
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    key_id = data.draw(_credential_part(world["key"][0]), label="key id")
    day = data.draw(_credential_part(now[:8]), label="scope date")
    region = data.draw(_credential_part("us-east-1"), label="region")
    service = data.draw(_credential_part("workmail"), label="service")
    amz_date = data.draw(_credential_part(now), label="X-Amz-Date")
    named = data.draw(_credential_part(world["ids"]["OrganizationId"][0]), label="organization")
    body = json.dumps({"OrganizationId": named}).encode()
    headers = {
        "Host": "127.0.0.1",
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "WorkMailService.DescribeOrganization",
        "X-Amz-Date": amz_date,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key_id}/{day}/{region}/{service}"
        f"/aws4_request, SignedHeaders=host;x-amz-date, Signature={'0' * 64}",
    }
    status, answer = post(headers, body)
    assert status in (400, 403), answer
    assert answer.get("__type") != "InternalFailure"
