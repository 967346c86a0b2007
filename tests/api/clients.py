"""boto3 clients for the API tests: real boto3 (its serializer, SigV4 signer, parser, paginators
and exception classes), with two ways to reach the server.

- `workmail`: in-process. botocore's `before-send` event hands the signed request to Django's
  test client, which runs the whole stack (middleware, the endpoint, SigV4 verification) inside
  the test's transaction. No process starts, so these run in `make check`.
- `live_workmail`: over HTTP to pytest-django's live server, as boto3 is used for real.
"""

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from django.test import Client

from workmail_console.access_keys import create_access_key
from workmail_console.models import Membership

# One attempt: a 5xx or a ThrottlingException must show, not be retried away.
NO_RETRIES = Config(retries={"total_max_attempts": 1})
IN_PROCESS_ENDPOINT = "http://127.0.0.1"


class _Body:
    """The raw response botocore reads: `stream()` chunks, as urllib3's response has."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        yield self.content


def in_process(request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse:
    """Send a signed request through Django's test client instead of the network."""
    headers = {
        name: value.decode() if isinstance(value, bytes) else value
        for name, value in request.headers.items()
    }
    headers.setdefault("Host", IN_PROCESS_ENDPOINT.removeprefix("http://"))
    content_type = headers.pop("Content-Type", "application/x-amz-json-1.1")
    headers.pop("Content-Length", None)
    response = Client().generic(
        request.method,
        request.url.removeprefix(IN_PROCESS_ENDPOINT) or "/",
        data=request.body or b"",
        content_type=content_type,
        headers=headers,
    )
    return AWSResponse(
        request.url, response.status_code, dict(response.items()), _Body(response.content)
    )


def client_for(
    membership: Membership, *, region: str = "us-east-1", key: tuple | None = None
) -> Any:
    """An in-process boto3 WorkMail client signed with a new key of `membership`'s person."""
    access_key, secret = key or create_access_key(membership.user)
    client = boto3.client(
        "workmail",
        region_name=region,
        endpoint_url=IN_PROCESS_ENDPOINT,
        aws_access_key_id=access_key.key_id,
        aws_secret_access_key=secret,
        config=NO_RETRIES,
    )
    client.meta.events.register("before-send.workmail", in_process)
    return client


@pytest.fixture
def workmail(admin: Membership) -> Any:
    """An admin's boto3 client, in us-east-1."""
    return client_for(admin)


@pytest.fixture
def make_client() -> Callable[..., Any]:
    return client_for


@pytest.fixture
def ops_workmail(ops: Membership) -> Any:
    return client_for(ops)


@pytest.fixture
def stranger_workmail(stranger: Membership) -> Any:
    return client_for(stranger)


@pytest.fixture
def live_workmail(live_server, admin: Membership) -> Any:
    access_key, secret = create_access_key(admin.user)
    return boto3.client(
        "workmail",
        region_name="us-east-1",
        endpoint_url=live_server.url,
        aws_access_key_id=access_key.key_id,
        aws_secret_access_key=secret,
        config=NO_RETRIES,
    )
