"""Which operations the emulator implements: the apps that own them register them at start-up."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured

from workmail_console.api.shapes import service_model
from workmail_console.models import Account, Membership

# Operations that only read: an `ops` member's key may call these and nothing else.
READ_PREFIXES = ("Describe", "Get", "List")


def reads_only(name: str) -> bool:
    """Whether WorkMail's operation `name` only reads (Describe*, Get*, List*)."""
    return name.startswith(READ_PREFIXES)


@dataclass(frozen=True)
class Call:
    """Who calls, where: a key acts as its owner, in the owner's account and role."""

    operation: str
    account: Account
    region: str
    user: AbstractBaseUser
    membership: Membership


Handler = Callable[[Call, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Operation:
    name: str
    handler: Handler

    @property
    def read_only(self) -> bool:
        return reads_only(self.name)

    @property
    def takes_client_token(self) -> bool:
        members = service_model().operation_model(self.name).input_shape.members
        return "ClientToken" in members


OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register `handler` as WorkMail's operation `name` (a name from WorkMail's model)."""
    if name not in service_model().operation_names:
        raise ImproperlyConfigured(f"WorkMail has no operation {name!r}.")

    def register(handler: Handler) -> Handler:
        if name in OPERATIONS:
            raise ImproperlyConfigured(f"{name} is registered twice.")
        OPERATIONS[name] = Operation(name, handler)
        return handler

    return register
