"""Who may call the API: SigV4 verified against the key's secret, the key's owner's account and
role, and every way a request can be refused, each with AWS's error code and HTTP status."""

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from django.test import Client

from tests.api.clients import client_for
from tests.api.signing import call, post, signed_by_the_book, signed_headers
from tests.factories import active_organization
from tests.pages.test_sign_in import attempt, fail_until_the_limit
from workmail_console.access_keys import create_access_key, set_active
from workmail_console.api import sigv4
from workmail_console.models import AccessKey, Membership
from workmail_console.regions import REGIONS


@pytest.fixture
def key(admin):
    access_key, secret = create_access_key(admin.user)
    return access_key.key_id, secret


def error_code(excinfo) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_signed_call_reads_the_owners_account_in_the_credentials_region(admin, key):
    east = active_organization(account=admin.account, region="us-east-1")
    west = active_organization(account=admin.account, region="us-west-2")

    status, east_list = call(*key, "ListOrganizations", {}, region="us-east-1")
    assert status == 200
    assert [o["OrganizationId"] for o in east_list["OrganizationSummaries"]] == [
        east.organization_id
    ]
    status, west_list = call(*key, "ListOrganizations", {}, region="us-west-2")
    assert [o["OrganizationId"] for o in west_list["OrganizationSummaries"]] == [
        west.organization_id
    ]


def test_an_unknown_key_is_unrecognized(admin):
    status, body = call("AKIA" + "X" * 16, "s" * 40, "ListOrganizations", {})
    assert (status, body["__type"]) == (403, "UnrecognizedClientException")
    assert body["message"] == "The security token included in the request is invalid."


def test_a_wrong_secret_is_an_invalid_signature(admin, key):
    status, body = call(key[0], "wrong" + key[1][5:], "ListOrganizations", {})
    assert (status, body["__type"]) == (403, "InvalidSignatureException")


def test_boto3_with_a_wrong_secret_gets_the_error_as_its_code(admin, key):
    client = client_for(admin, key=(AccessKey.objects.get(key_id=key[0]), "x" * 40))
    with pytest.raises(ClientError) as excinfo:
        client.list_organizations()
    assert error_code(excinfo) == ("InvalidSignatureException", 403)


def test_a_body_changed_after_signing_is_refused(admin, key):
    signed_body = json.dumps({"Alias": "signed"}).encode()
    headers = signed_headers(
        key_id=key[0], secret=key[1], target="WorkMailService.CreateOrganization", body=signed_body
    )
    status, body = post(headers, json.dumps({"Alias": "tampered"}).encode())
    assert (status, body["__type"]) == (403, "InvalidSignatureException")
    assert not admin.account.organizations.exists()


@pytest.mark.parametrize(
    ("header", "value", "refused"),
    [
        ("X-Amz-Target", "WorkMailService.ListUsers", True),
        ("X-Amz-Content-SHA256", "0" * 64, True),
        ("X-Amz-Content-SHA256", hashlib.sha256(b"{}").hexdigest(), False),
        ("User-Agent", "Boto3/1.40 changed by a proxy", False),
    ],
    ids=[
        "a signed header changed",
        "a payload hash claimed that isn't the body's",
        "the body's own payload hash, sent unsigned",
        "a header not signed, changed",
    ],
)
def test_a_header_set_after_signing(admin, key, header, value, refused):
    body = b"{}"
    headers = signed_headers(
        key_id=key[0], secret=key[1], target="WorkMailService.ListOrganizations", body=body
    )
    headers[header] = value
    status, answer = post(headers, body)
    if refused:
        assert (status, answer["__type"]) == (403, "InvalidSignatureException")
    else:
        assert status == 200, answer


def test_every_header_the_client_signed_is_verified_as_it_arrived(admin, key):
    # Signed as AWS documents it, by a signer that isn't botocore's, over headers botocore would
    # leave out (User-Agent, the payload's hash) and a value with runs of spaces (trimmed).
    active_organization(account=admin.account, alias="signed-by-the-book")
    body = b"{}"
    extra = {"User-Agent": "aws-sdk-java/1.12  (other  SDK)"}
    headers = signed_by_the_book(
        key_id=key[0], secret=key[1], target="WorkMailService.ListOrganizations", body=body,
        extra=extra,
    )  # fmt: skip
    assert "user-agent" in headers["Authorization"]
    status, answer = post(headers, body)
    assert status == 200, answer
    assert [o["Alias"] for o in answer["OrganizationSummaries"]] == ["signed-by-the-book"]

    headers["User-Agent"] = "aws-sdk-java/1.12 (changed after signing)"
    status, answer = post(headers, body)
    assert (status, answer["__type"]) == (403, "InvalidSignatureException")


@pytest.mark.parametrize("minutes", [-16, 16])
def test_a_request_signed_more_than_15_minutes_away_is_refused(admin, key, minutes):
    at = datetime.now(UTC) + timedelta(minutes=minutes)
    status, body = call(*key, "ListOrganizations", {}, at=at)
    assert (status, body["__type"]) == (403, "InvalidSignatureException")
    assert "Signature expired" in body["message"] or "not yet current" in body["message"]


def test_a_request_signed_14_minutes_ago_is_accepted(admin, key):
    status, _ = call(*key, "ListOrganizations", {}, at=datetime.now(UTC) - timedelta(minutes=14))
    assert status == 200


def test_the_scope_must_name_workmail_and_a_workmail_region(admin, key):
    status, body = call(*key, "ListOrganizations", {}, service="kms")
    assert (status, body["__type"]) == (403, "InvalidSignatureException")
    assert "workmail" in body["message"]
    assert "ap-south-2" not in REGIONS
    status, body = call(*key, "ListOrganizations", {}, region="ap-south-2")
    assert (status, body["__type"]) == (403, "InvalidSignatureException")
    assert "ap-south-2" in body["message"]


def test_no_authorization_header_is_a_missing_token(admin):
    status, body = post({"X-Amz-Target": "WorkMailService.ListOrganizations"}, b"{}")
    assert (status, body["__type"]) == (403, "MissingAuthenticationTokenException")


def test_a_garbled_authorization_header_is_an_incomplete_signature(admin, key):
    headers = signed_headers(
        key_id=key[0], secret=key[1], target="WorkMailService.ListOrganizations", body=b"{}"
    )
    headers["Authorization"] = headers["Authorization"].replace("Signature=", "Sig=")
    status, body = post(headers, b"{}")
    assert (status, body["__type"]) == (403, "IncompleteSignatureException")


def test_an_inactive_key_is_unrecognized_until_activated_again(admin, key):
    set_active(admin.user, key[0], active=False)
    status, body = call(*key, "ListOrganizations", {})
    assert (status, body["__type"]) == (403, "UnrecognizedClientException")
    set_active(admin.user, key[0], active=True)
    assert call(*key, "ListOrganizations", {})[0] == 200


def test_a_deleted_key_is_unrecognized(admin, key):
    AccessKey.objects.filter(key_id=key[0]).delete()
    status, body = call(*key, "ListOrganizations", {})
    assert (status, body["__type"]) == (403, "UnrecognizedClientException")


def test_an_ops_key_reads_but_cannot_write(ops):
    organization = active_organization(account=ops.account)
    client = client_for(ops)
    described = client.describe_organization(OrganizationId=organization.organization_id)
    assert described["Alias"] == organization.alias
    with pytest.raises(ClientError) as excinfo:
        client.create_organization(Alias="opswrite")
    assert error_code(excinfo) == ("AccessDeniedException", 403)
    with pytest.raises(ClientError) as excinfo:
        client.delete_organization(
            OrganizationId=organization.organization_id, DeleteDirectory=False
        )
    assert error_code(excinfo) == ("AccessDeniedException", 403)
    organization.refresh_from_db()
    assert organization.state == "Active"
    assert list(ops.account.organizations.values_list("alias", flat=True)) == [organization.alias]


def test_a_superusers_key_sees_only_its_own_account(admin, stranger):
    admin.user.is_superuser = admin.user.is_staff = True
    admin.user.save()
    theirs = active_organization(account=stranger.account)
    client = client_for(admin)
    with pytest.raises(client.exceptions.OrganizationNotFoundException):
        client.describe_organization(OrganizationId=theirs.organization_id)
    assert client.list_organizations()["OrganizationSummaries"] == []


def test_a_key_whose_owner_left_the_account_is_denied(admin, key):
    Membership.objects.filter(pk=admin.pk).delete()
    status, body = call(*key, "ListOrganizations", {})
    assert (status, body["__type"]) == (403, "AccessDeniedException")


def test_an_unknown_operation_and_an_unimplemented_one(admin, key):
    status, body = call(*key, "MakeCoffee", {})
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, body = call(*key, "ListImpersonationRoles", {"OrganizationId": "m-" + "a" * 32})
    assert (status, body["__type"]) == (400, "UnsupportedOperationException")
    assert "ListImpersonationRoles is not implemented in this emulator" in body["Message"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"', b'{"Alias": 5}', b'{"Alias": ["x"]}', b"[" * 100_000],
)
def test_a_body_that_is_not_the_shape_is_a_serialization_error(admin, key, body):
    status, answer = call(*key, "CreateOrganization", body)
    assert (status, answer["__type"]) == (400, "SerializationException")
    assert not admin.account.organizations.exists()


def test_constraints_boto3_leaves_to_the_server_are_checked(admin, key):
    status, body = call(*key, "ListOrganizations", {"MaxResults": 500})
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    assert "Member must have value less than or equal to 100" in body["Message"]
    status, body = call(*key, "CreateOrganization", {"Alias": "d-notallowed"})
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    status, body = call(*key, "CreateOrganization", {"Alias": "nul\x00byte"})
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    status, body = call(*key, "CreateOrganization", {})
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    assert "Member must not be null" in body["Message"]
    assert not admin.account.organizations.exists()


def test_csrf_does_not_apply_to_signed_calls(admin, key):
    headers = signed_headers(
        key_id=key[0], secret=key[1], target="WorkMailService.ListOrganizations", body=b"{}"
    )
    status, _ = post(headers, b"{}", client=Client(enforce_csrf_checks=True))
    assert status == 200


def test_failed_signatures_are_rate_limited_per_key(admin, key, monkeypatch):
    monkeypatch.setattr(sigv4, "FAILURES_ALLOWED", 3)
    for _ in range(3):
        assert call(key[0], "x" * 40, "ListOrganizations", {})[1]["__type"] == (
            "InvalidSignatureException"
        )
    status, body = call(*key, "ListOrganizations", {})  # even the right secret, for a while
    assert (status, body["__type"]) == (400, "ThrottlingException")
    other, other_secret = create_access_key(admin.user)
    assert call(other.key_id, other_secret, "ListOrganizations", {})[0] == 200


def test_the_rate_limit_window_passes(admin, key, monkeypatch):
    monkeypatch.setattr(sigv4, "FAILURES_ALLOWED", 2)
    for _ in range(2):
        call(key[0], "x" * 40, "ListOrganizations", {})
    AccessKey.objects.filter(key_id=key[0]).update(
        failures_since=datetime.now(UTC) - sigv4.FAILURE_WINDOW - timedelta(seconds=1)
    )
    assert call(*key, "ListOrganizations", {})[0] == 200


def test_the_key_notes_its_last_use(admin, key):
    assert call(*key, "ListOrganizations", {}, region="eu-west-1")[0] == 200
    used = AccessKey.objects.get(key_id=key[0])
    assert (used.last_used_operation, used.last_used_region) == ("ListOrganizations", "eu-west-1")
    assert used.last_used is not None


def test_the_secret_is_stored_encrypted_and_never_logged(admin, caplog):
    caplog.set_level(logging.DEBUG)
    access_key, secret = create_access_key(admin.user)
    call(access_key.key_id, secret, "ListOrganizations", {})
    call(access_key.key_id, "y" * 40, "ListOrganizations", {})
    assert secret.encode() not in bytes(AccessKey.objects.get(pk=access_key.pk).encrypted_secret)
    assert secret not in caplog.text


def test_a_nul_byte_is_refused_even_where_the_pattern_allows_it(admin, key):
    # HostedZoneId's pattern, [^/\\]*, lets a NUL through; PostgreSQL would not.
    domains = [{"DomainName": "example.com", "HostedZoneId": "Z\x00"}]
    status, body = call(*key, "CreateOrganization", {"Alias": "nulzone", "Domains": domains})
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    assert "NUL" in body["Message"]
    assert not admin.account.organizations.exists()


def test_a_person_locked_out_of_signing_in_still_calls_the_api_with_their_key(admin, key):
    fail_until_the_limit(admin.user.username, address="127.0.0.1")
    assert attempt(admin.user.username, "wrong", address="127.0.0.1").status_code == 429
    # The sign-in throttle is for passwords; a signed call proves the secret instead.
    assert call(*key, "ListOrganizations", {})[0] == 200


@pytest.mark.parametrize(
    "amz_date",
    [
        "2026-12-04T16:15:00Z",  # ISO 8601's extended format: SigV4 takes the basic one only
        "20261204T161500",  # no Z: not said to be UTC
        "20261204T161500+0000",
        "\u0662\u0660\u0662\u0666\u0661\u0662\u0660\u0664T161500Z",  # Arabic-Indic digits
        "20261304T161500Z",  # no 13th month
    ],
)
def test_an_x_amz_date_not_in_sigv4s_format_is_an_incomplete_signature(admin, key, amz_date):
    headers = signed_headers(
        key_id=key[0], secret=key[1], target="WorkMailService.ListOrganizations", body=b"{}"
    )
    headers["X-Amz-Date"] = amz_date
    status, body = post(headers, b"{}")
    assert (status, body["__type"]) == (403, "IncompleteSignatureException")
    assert "X-Amz-Date" in body["message"]


def test_a_key_stored_under_another_secret_key_is_unrecognized(admin, key, settings):
    assert call(*key, "ListOrganizations", {})[0] == 200  # its signing key is kept for the day
    settings.SECRET_KEY = "another secret key, as after a rotation"
    status, body = call(*key, "ListOrganizations", {})
    assert (status, body["__type"]) == (403, "UnrecognizedClientException")


def test_a_body_too_large_to_read_is_refused_with_413(admin, key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"Alias": "big", "ClientToken": "x" * 2000}).encode()
    status, answer = call(*key, "CreateOrganization", body)
    assert (status, answer["__type"]) == (413, "SerializationException")
    assert "at most 1,000 bytes" in answer["message"]
    assert not admin.account.organizations.exists()


def test_a_nul_in_the_credential_is_refused_like_any_bad_credential(admin, key):
    organization = active_organization(account=admin.account)
    body = json.dumps({"OrganizationId": organization.organization_id}).encode()
    target = "WorkMailService.DescribeOrganization"
    headers = signed_headers(key_id=key[0] + "\x00", secret=key[1], target=target, body=body)
    status, answer = post(headers, body)
    assert (status, answer["__type"]) == (403, "UnrecognizedClientException")
    headers = signed_headers(
        key_id=key[0], secret=key[1], target=target, body=body, region="us-east-1\x00"
    )
    status, answer = post(headers, body)
    assert (status, answer["__type"]) == (403, "InvalidSignatureException")
