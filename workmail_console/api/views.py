"""The endpoint: authenticate, find the operation, check the body, run it, answer AWS JSON 1.1."""

import json
import logging
import uuid
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from workmail_console.api import idempotency, registry
from workmail_console.api.encoding import dumps
from workmail_console.api.registry import OPERATIONS, Call, Operation, reads_only
from workmail_console.api.shapes import SerializationException, service_model, validate_input
from workmail_console.api.sigv4 import Signed, header_of, verify
from workmail_console.errors import UnsupportedOperationException, WorkMailError
from workmail_console.models import AccessKey

logger = logging.getLogger(__name__)

TARGET_PREFIX = "WorkMailService."
CONTENT_TYPE = "application/x-amz-json-1.1"
# A key's last use is written when the operation or Region changes, or at most once a minute:
# a call costs no write of its own while a client repeats itself.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class UnknownOperationException(WorkMailError):
    code = "UnknownOperationException"


class RequestEntityTooLarge(SerializationException):
    status = 413


class AccessDeniedException(WorkMailError):
    code = "AccessDeniedException"
    status = 403


def answer(body: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(dumps(body), status=status, content_type=CONTENT_TYPE)
    response["x-amzn-RequestId"] = str(uuid.uuid4())
    return response


def refusal(error: WorkMailError) -> HttpResponse:
    # WorkMail's own error shapes name their member `Message`; AWS's common errors (signature,
    # access, serialization) send `message`. botocore reads either.
    modeled = error.code in _modeled_errors()
    return answer(
        {"__type": error.code, ("Message" if modeled else "message"): error.message},
        status=error.status,
    )


@cache
def _modeled_errors() -> frozenset[str]:
    model = service_model()
    return frozenset(
        name for name in model.shape_names if model.shape_for(name).metadata.get("exception")
    )


def endpoint(request: HttpRequest) -> HttpResponse:
    """`POST /` from boto3, the AWS CLI or Terraform: every WorkMail operation."""
    try:
        body = _body(request)  # refused below, once the caller is known, if it is no JSON
        signed = verify(request, _naming(body))
        name = _operation_name(request)
        call = _call(signed, name)
        operation = _implemented(name)
        if isinstance(body, SerializationException):
            raise body
        parameters = validate_input(name, body)
        result = _run(operation, call, parameters)
    except WorkMailError as error:
        return refusal(error)
    except Exception:  # a bug: logged, and answered as AWS does, never as an HTML page
        logger.exception("The API call %s failed", header_of(request, "X-Amz-Target"))
        return answer({"__type": "InternalFailure", "message": "An internal error occurred."}, 500)
    _note_use(signed.key, name, signed.region)
    return answer(result)


def _operation_name(request: HttpRequest) -> str:
    target = header_of(request, "X-Amz-Target") or ""
    name = target.removeprefix(TARGET_PREFIX)
    if not target.startswith(TARGET_PREFIX) or name not in service_model().operation_names:
        raise UnknownOperationException(f"Unknown operation: {target[:128]!r}.")
    return name


def _call(signed: Signed, name: str) -> Call:
    user, membership = signed.key.user, signed.membership
    if membership is None:
        raise AccessDeniedException(
            "The access key's owner is in no account: add them to one (manage.py member add)."
        )
    if not membership.is_admin and not reads_only(name):
        raise AccessDeniedException(
            f"User {user.get_username()} has the ops role, which can only call read operations,"
            f" not {name}."
        )
    return Call(
        operation=name,
        account=membership.account,
        region=signed.region,
        user=user,
        membership=membership,
        named=signed.named,
    )


def _implemented(name: str) -> Operation:
    operation = OPERATIONS.get(name)
    if operation is None:
        raise UnsupportedOperationException(
            f"{name} is not implemented in this emulator (WorkMail Console): see the README's"
            " list of the operations it implements."
        )
    return operation


def _body(request: HttpRequest) -> Any:
    """The body's JSON, or the SerializationException that refuses it; a body too large to read
    is refused at once (its signature can't be checked without it)."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise RequestEntityTooLarge(
            f"The request body is too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
            " bytes."
        ) from None
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return SerializationException("The request body is not valid JSON.")


def _naming(body: Any) -> str | None:
    """The value of the member naming what calls name (registry.named()), if the body has one:
    verify() fetches that row with the key."""
    named = registry.named()
    value = body.get(named.member) if named is not None and isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def _run(operation: Operation, call: Call, parameters: dict[str, Any]) -> dict[str, Any]:
    """One transaction: a refused call leaves the database as it found it. A read (Describe,
    Get, List) writes nothing, so it runs without one: two round trips fewer a call."""
    if operation.read_only:
        return operation.handler(call, parameters)
    with transaction.atomic():
        if operation.takes_client_token and parameters.get("ClientToken"):
            return idempotency.once(
                account=call.account,
                region=call.region,
                operation=operation.name,
                parameters=parameters,
                run=lambda: operation.handler(call, parameters),
            )
        return operation.handler(call, parameters)


def _note_use(key: AccessKey, operation: str, region: str) -> None:
    now = timezone.now()
    if (
        key.last_used_operation == operation
        and key.last_used_region == region
        and key.last_used is not None
        and key.last_used > now - LAST_USED_RESOLUTION
    ):
        return
    AccessKey.objects.filter(pk=key.pk).update(
        last_used=now, last_used_operation=operation, last_used_region=region
    )
