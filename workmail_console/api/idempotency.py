"""ClientToken: the same token and parameters answer the first result and create nothing.

The token's row is claimed in the call's own transaction, before the operation runs: twenty calls
with one token queue on the unique index, the first runs, the others read its answer. A call that
fails rolls its claim back with everything else, so a retry after an error runs afresh.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from workmail_console.api.encoding import dumps
from workmail_console.errors import IdempotentParameterMismatchException
from workmail_console.models import IdempotentCall


def digest(parameters: dict[str, Any]) -> str:
    rest = {name: value for name, value in parameters.items() if name != "ClientToken"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True).encode()).hexdigest()


def once(
    *, account, region: str, operation: str, parameters: dict[str, Any], run: Callable[[], dict]
) -> dict:
    """Run `run()` once per ClientToken; the answer is kept as JSON (api.encoding.dumps)."""
    token = parameters["ClientToken"]
    wanted = digest(parameters)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotentCall.objects.create(
                    account=account,
                    region=region,
                    operation=operation,
                    client_token=token,
                    parameters_digest=wanted,
                )
        except IntegrityError:
            earlier = IdempotentCall.objects.get(
                account=account, region=region, operation=operation, client_token=token
            )
            if earlier.parameters_digest != wanted:
                raise IdempotentParameterMismatchException(
                    "The ClientToken was used before with different parameters."
                ) from None
            return earlier.response
        answer = json.loads(dumps(run()))
        IdempotentCall.objects.filter(pk=claim.pk).update(response=answer)
        return answer
