"""Hand-made API requests, signed by botocore's SigV4 with every part under the test's control:
the time, the Region, the service, the body after signing. boto3 itself can't be told to send a
stale or tampered request."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.test import Client

HOST = "127.0.0.1"


def signed_headers(
    *,
    key_id: str,
    secret: str,
    target: str,
    body: bytes,
    region: str = "us-east-1",
    service: str = "workmail",
    at: datetime | None = None,
) -> dict[str, str]:
    """The headers boto3 would send for this call, signed at `at` (now by default)."""
    headers = {
        "Host": HOST,
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": target,
        "X-Amz-Date": (at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ"),
    }
    request = AWSRequest(method="POST", url=f"http://{HOST}/", headers=headers, data=body)
    request.context["timestamp"] = headers["X-Amz-Date"]
    signer = SigV4Auth(Credentials(key_id, secret), service, region)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    scope = f"{key_id}/{headers['X-Amz-Date'][:8]}/{region}/{service}/aws4_request"
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={scope},"
        f" SignedHeaders={signer.signed_headers(signer.headers_to_sign(request))},"
        f" Signature={signature}"
    )
    return headers


def signed_by_the_book(
    *, key_id: str, secret: str, target: str, body: bytes, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Headers signed by AWS's published SigV4 steps, written out here without botocore, over
    every header sent, as other SDKs sign them (User-Agent and the payload's hash among them,
    which botocore itself never signs)."""
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = hashlib.sha256(body).hexdigest()
    headers = {
        "Host": HOST,
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": target,
        "X-Amz-Date": now,
        "X-Amz-Content-SHA256": payload,
        **(extra or {}),
    }
    canonical = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    names = sorted(canonical)
    entries = [f"{name}:{canonical[name]}" for name in names]
    canonical_request = "\n".join(["POST", "/", "", *entries, "", ";".join(names), payload])
    scope = f"{now[:8]}/us-east-1/workmail/aws4_request"
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", now, scope, digest])
    signing_key = f"AWS4{secret}".encode()
    for part in scope.split("/"):
        signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key_id}/{scope},"
        f" SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return headers


def post(
    headers: dict[str, str], body: bytes, *, client: Client | None = None
) -> tuple[int, dict[str, Any]]:
    """POST / with exactly these headers and body; the status and the parsed JSON answer."""
    headers = dict(headers)
    content_type = headers.pop("Content-Type", "application/x-amz-json-1.1")
    response = (client or Client()).generic(
        "POST", "/", data=body, content_type=content_type, headers=headers
    )
    return response.status_code, json.loads(response.content)


def call(
    key_id: str,
    secret: str,
    operation: str,
    parameters: dict[str, Any] | bytes,
    **signing: Any,
) -> tuple[int, dict[str, Any]]:
    body = parameters if isinstance(parameters, bytes) else json.dumps(parameters).encode()
    headers = signed_headers(
        key_id=key_id,
        secret=secret,
        target=f"WorkMailService.{operation}",
        body=body,
        **signing,
    )
    return post(headers, body)
