"""Which operations the emulator implements: the apps that own them register them at start-up."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from workmail_console import db
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
    # What the call's input named (see `Named`), found with the key: the input's value → its row
    # in the caller's account and Region, or None when there is none.
    named: Mapping[str, models.Model | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Named:
    """A row that calls name by an input member (OrganizationId: an organization), looked up in
    the access key's own statement: a call's first round trip to the database is then its only
    one for both. `model` has an `account` and a `region`; `field` holds the name; `relations`
    are loaded with it, as select_related would (all their columns, or the ones named: see
    db.Relation); a value that isn't `valid` is never looked up.
    """

    member: str
    model: type[models.Model]
    field: str
    relations: tuple[db.Relation, ...]
    valid: Callable[[str], bool]


_named: list[Named] = []


def fetch_with_key(named: Named) -> None:
    """Declare what calls name to be fetched with their key (one kind of row: the app that owns
    it declares it at start-up)."""
    if _named and _named[0] != named:
        raise ImproperlyConfigured(f"Only one kind of row is fetched with a key, not {named}.")
    _named[:] = [named]


def named() -> Named | None:
    return _named[0] if _named else None


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
