"""SigV4 verification: the canonical request is botocore's own, recomputed from what arrived.

The request is rebuilt from the headers the client says it signed (exactly those, never the
others), the body's own hash (a claimed x-amz-content-sha256 must match it), and the credential
scope's date, Region and service; botocore's SigV4Auth then computes the canonical request and
the string to sign as the client did, from which the signature the secret would have made, and
the two are compared in constant time.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest
from django.http.request import HttpHeaders
from django.utils import timezone

from workmail_console import db
from workmail_console.access_keys import KEY_ID_PATTERN, decrypt
from workmail_console.api import registry
from workmail_console.errors import WorkMailError
from workmail_console.models import AccessKey, Account, Membership
from workmail_console.regions import REGIONS

SERVICE = "workmail"
ALLOWED_SKEW = timedelta(minutes=15)
# Failed signatures a key may make in a window before its calls answer ThrottlingException.
FAILURES_ALLOWED = 10
FAILURE_WINDOW = timedelta(minutes=1)

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+"
    r"Credential=(?P<key_id>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)"
    r"/aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9;\-]+),\s*Signature=(?P<signature>[0-9a-f]{64})"
)


# X-Amz-Date: ISO 8601's basic format, in UTC.
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")


class AuthError(WorkMailError):
    status = 403


class MissingAuthenticationTokenException(AuthError):
    code = "MissingAuthenticationTokenException"


class IncompleteSignatureException(AuthError):
    code = "IncompleteSignatureException"


class UnrecognizedClientException(AuthError):
    code = "UnrecognizedClientException"


class InvalidSignatureException(AuthError):
    code = "InvalidSignatureException"


class ThrottlingException(WorkMailError):
    code = "ThrottlingException"
    status = 400


@dataclass(frozen=True)
class Signed:
    """A verified call: the key that signed it and the Region of its credential scope."""

    key: AccessKey
    region: str
    membership: Membership | None  # the key's owner's place, None if they left their account
    named: dict[str, models.Model | None]  # what the call named, found with the key (registry)


def header_of(request: HttpRequest, name: str) -> str | None:
    """A request header, read from the WSGI environ: request.headers would parse every header of
    the request first, for the few a call reads."""
    return request.META.get(HttpHeaders.to_wsgi_name(name))


def verify(request: HttpRequest, naming: str | None = None) -> Signed:
    """The call's key, checked against its signature; with it, the row the call's input names
    (`naming`, the value of registry.named()'s member), found in the same statement."""
    header = header_of(request, "Authorization")
    if not header:
        raise MissingAuthenticationTokenException("Missing Authentication Token")
    match = _AUTHORIZATION.fullmatch(header.strip())
    if match is None:
        raise IncompleteSignatureException(
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"
            " for AWS4-HMAC-SHA256."
        )
    key, membership, named = _key_and_owner(match["key_id"], match["region"], naming)
    if key is None or not key.active or not key.user.is_active:
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    if _throttled(key):
        raise ThrottlingException("Rate exceeded: too many requests with a wrong signature.")
    try:
        region = _check_scope_and_time(request, match)
        _check_signature(request, key, match, region)
    except InvalidSignatureException:
        _count_failure(key)
        raise
    return Signed(key=key, region=region, membership=membership, named=named)


# What a call reads of its key and its owner (the rest is deferred, read if ever asked for).
KEY_FIELDS = (
    "key_id", "user", "encrypted_secret", "active", "last_used", "last_used_operation",
    "last_used_region", "failed_signatures", "failures_since",
)  # fmt: skip
OWNER_FIELDS = ("username", "is_active")


@cache
def _owner_statement(
    vendor: str, named: registry.Named | None
) -> tuple[str, tuple[db.Columns, ...], db.Parts]:
    """The key, its owner and the owner's membership; with `named`, the row the call names in
    the membership's account (LEFT JOINs: found or not, the key's row comes back)."""
    tables = (
        db.columns(AccessKey, "k", KEY_FIELDS),
        db.columns(get_user_model(), "u", OWNER_FIELDS),
        db.columns(Membership, "m"),
    )
    q = db.quote
    selected, joins, parts = [table.sql for table in tables], "", ()
    if named is not None:
        named_columns, relation_joins, parts = db.related(named.model, named.relations, outer=True)
        meta = named.model._meta
        selected.append(named_columns)
        joins = (
            f" LEFT OUTER JOIN {q(meta.db_table)} t0"
            f" ON t0.{q(meta.get_field('account').column)} = m.account_id"
            f" AND t0.{q(meta.get_field('region').column)} = %s"
            f" AND t0.{q(meta.get_field(named.field).column)} = %s {relation_joins}"
        )
    sql = (
        f"SELECT {', '.join(selected)}"
        f" FROM {q(AccessKey._meta.db_table)} k"
        f" JOIN {q(get_user_model()._meta.db_table)} u ON u.id = k.user_id"
        f" LEFT OUTER JOIN {q(Membership._meta.db_table)} m ON m.user_id = u.id"
        f"{joins} WHERE k.key_id = %s"
    )
    return sql, tables, parts


def _key_and_owner(
    key_id: str, region: str, naming: str | None
) -> tuple[AccessKey | None, Membership | None, dict[str, models.Model | None]]:
    """The key, its owner and the owner's membership and account, and the row `naming` names
    there (registry.named()), in one statement written out once (workmail_console.db), which is
    the request's connection check too (db.fetch_first): every call starts here. Only what could
    be a key ID, a WorkMail Region and the row's name reaches it: a NUL alone would fail it."""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        return None, None, {}
    named = registry.named()
    if named is None or naming is None or region not in REGIONS or not named.valid(naming):
        named = None
    sql, tables, parts = _owner_statement(connection.vendor, named)
    row = db.fetch_first(sql, [key_id] if named is None else [region, naming, key_id])
    if row is None:
        return None, None, {}
    key, user, membership = db.load_tables(tables, row)
    key.user = user
    if membership is not None:
        # The account's key is all a call reads of it: no join for the rest.
        account = db.instance(Account, ("account_id",), (membership.account_id,))
        membership.user, membership.account = user, account
    if named is None:
        return key, membership, {}
    width = sum(len(table.attnames) for table in tables)
    return key, membership, {naming: db.load_joined(parts, row[width:])}


def _check_scope_and_time(request: HttpRequest, match: re.Match[str]) -> str:
    if match["service"] != SERVICE:
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{SERVICE}'."
        )
    region = match["region"]
    if region not in REGIONS:
        raise InvalidSignatureException(
            f"Credential should be scoped to a valid region, not '{region[:32]}'."
        )
    amz_date = header_of(request, "X-Amz-Date") or ""
    try:
        if not _AMZ_DATE.fullmatch(amz_date):
            raise ValueError(amz_date)
        signed_at = datetime.fromisoformat(amz_date)  # a time in UTC: it ends in Z
    except ValueError:
        raise IncompleteSignatureException(
            "The request must carry an X-Amz-Date header in ISO 8601 basic format."
        ) from None
    if amz_date[:8] != match["date"]:
        raise InvalidSignatureException(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date"
            f" from HTTP: '{match['date']}' != '{amz_date[:8]}', from '{amz_date}'."
        )
    now = timezone.now()
    if not now - ALLOWED_SKEW <= signed_at <= now + ALLOWED_SKEW:
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        raise InvalidSignatureException(
            f"Signature expired: {amz_date} is now earlier than"
            f" {(now - ALLOWED_SKEW).strftime('%Y%m%dT%H%M%SZ')} ({stamp} - 15 min.)"
            if signed_at < now
            else f"Signature not yet current: {amz_date} is still later than"
            f" {(now + ALLOWED_SKEW).strftime('%Y%m%dT%H%M%SZ')} ({stamp} + 15 min.)"
        )
    return region


def _check_signature(
    request: HttpRequest, key: AccessKey, match: re.Match[str], region: str
) -> None:
    signed = match["signed"].split(";")
    if "host" not in signed:
        raise InvalidSignatureException("'Host' must be a signed header.")
    body_hash = hashlib.sha256(request.body).hexdigest()
    claimed = header_of(request, "X-Amz-Content-SHA256")
    if claimed is not None and claimed != body_hash:
        raise InvalidSignatureException(
            "The provided x-amz-content-sha256 does not match the body."
        )
    headers = {}
    for name in signed:
        value = header_of(request, name)
        if value is None:
            raise InvalidSignatureException(f"The signed header '{name}' is missing.")
        headers[name] = value
    signing_key = _signing_key(
        bytes(key.encrypted_secret), settings.SECRET_KEY, match["date"], region
    )
    if signing_key is None:  # stored under another SECRET_KEY: the key can't be checked any more
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    rebuilt = AWSRequest(
        method=request.method, url=f"http://{headers['host']}{request.get_full_path()}"
    )
    rebuilt.headers = _SignedHeaders(headers)
    rebuilt.context["timestamp"] = header_of(request, "X-Amz-Date")
    signer = _Verifier(Credentials(key.key_id, ""), region, body_hash)
    string_to_sign = signer.string_to_sign(rebuilt, signer.canonical_request(rebuilt))
    expected = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match["signature"]):
        raise InvalidSignatureException(
            "The request signature we calculated does not match the signature you provided."
            " Check your AWS Secret Access Key and signing method."
        )


class _SignedHeaders(dict[str, str]):
    """The headers the client signed, by lower-case name, as botocore's SigV4Auth reads a
    request's headers (`in` and `[]` by any case, `get_all`): a plain dict where botocore's own
    HTTPHeaders is an email.message.Message, whose parsing was half of a call's canonical
    request."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def get_all(self, name: str) -> list[str]:
        return [self[name]]


class _Verifier(SigV4Auth):
    """botocore's SigV4 (canonical request, string to sign) over a request as it arrived: the
    headers signed are exactly those the client lists in SignedHeaders (botocore, signing,
    chooses them itself and leaves out a few, such as User-Agent, that a verifier must take if
    another client signed them), and the payload's hash is the body's, computed once."""

    def __init__(self, credentials: Credentials, region: str, body_hash: str) -> None:
        super().__init__(credentials, SERVICE, region)
        self.body_hash = body_hash

    def headers_to_sign(self, request: AWSRequest) -> _SignedHeaders:
        return request.headers

    def payload(self, request: AWSRequest) -> str:
        return self.body_hash


@lru_cache(maxsize=1024)
def _signing_key(encrypted: bytes, secret_key: str, date: str, region: str) -> bytes | None:
    """SigV4's signing key for one secret, day and Region (kSigning, derived as AWS derives it):
    kept for the day, as AWS's own verifiers keep it, so that a call decrypts no secret and
    derives nothing; the secret itself is not kept. None when the secret can't be decrypted
    under this SECRET_KEY (`secret_key`, part of the cache's key only)."""
    secret = decrypt(encrypted)
    if secret is None:
        return None
    signing_key = f"AWS4{secret}".encode()
    for part in (date, region, SERVICE, "aws4_request"):
        signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
    return signing_key


def _throttled(key: AccessKey) -> bool:
    return (
        key.failed_signatures >= FAILURES_ALLOWED
        and key.failures_since is not None
        and key.failures_since > timezone.now() - FAILURE_WINDOW
    )


def _count_failure(key: AccessKey) -> None:
    """One statement: a new window when the last one is over, else one more in it."""
    now = timezone.now()
    new_window = Q(failures_since__isnull=True) | Q(failures_since__lte=now - FAILURE_WINDOW)
    AccessKey.objects.filter(pk=key.pk).update(
        failed_signatures=Case(When(new_window, then=Value(1)), default=F("failed_signatures") + 1),
        failures_since=Case(When(new_window, then=Value(now)), default=F("failures_since")),
    )
