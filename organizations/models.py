"""Organizations and their lifecycle events."""

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models.functions import Lower
from django.db.models.sql import InsertQuery, UpdateQuery
from django.urls import reverse
from django.utils import timezone

from directories.models import Directory
from keys.models import Key
from organizations import lifecycle
from organizations.lifecycle import State
from workmail_console.db import savepoint_if_nested
from workmail_console.errors import OrganizationStateException
from workmail_console.models import Account
from workmail_console.names import TEST_DOMAIN_SUFFIX
from workmail_console.regions import REGION_CHOICES

STATE_CHOICES = [(state.value, state.value) for state in State]


ORGANIZATION_ID_PATTERN = re.compile(r"m-[0-9a-f]{32}")


def new_organization_id() -> str:
    return "m-" + secrets.token_hex(16)


def is_organization_id(value: str) -> bool:
    """Whether `value` has the shape of an organization ID (`m-` and 32 lowercase hex digits)."""
    return ORGANIZATION_ID_PATTERN.fullmatch(value) is not None


class OrganizationIdConverter:
    """`<organization_id:...>` in a URL: anything else is a 404 before any query runs."""

    regex = ORGANIZATION_ID_PATTERN.pattern

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DirectoryChoice(models.TextChoices):
    CREATE = "create", "Create new Amazon WorkMail directory"
    EXISTING = "existing", "Use existing directory"


class DomainChoice(models.TextChoices):
    """Create organization > Email domain."""

    EXISTING_ROUTE53 = "existing-route53", "Existing Route 53 domain"
    NEW_ROUTE53 = "new-route53", "New Route 53 domain"
    EXTERNAL = "external", "External domain"
    TEST = "test", "Free test domain"


class EncryptionChoice(models.TextChoices):
    MANAGED = "managed", "Use an Amazon WorkMail managed key"
    EXISTING = "existing", "Use existing KMS key"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def in_scope(self, account: Account, region: str) -> "OrganizationQuerySet":
        return self.filter(account=account, region=region)

    def live(self) -> "OrganizationQuerySet":
        return self.exclude(state=State.DELETED)

    def holding_alias(self) -> "OrganizationQuerySet":
        """The organizations whose alias nobody else may take (unique_live_alias's rows)."""
        return self.live().filter(alias_released_at__isnull=True)


class Organization(models.Model):
    organization_id = models.CharField(
        max_length=34, primary_key=True, default=new_organization_id, editable=False
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="organizations")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    alias = models.CharField(max_length=62)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=State.REQUESTED)
    error_message = models.CharField(max_length=256, blank=True)
    directory_choice = models.CharField(
        max_length=8, choices=DirectoryChoice.choices, default=DirectoryChoice.CREATE
    )
    directory = models.ForeignKey(
        Directory, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations"
    )
    encryption_choice = models.CharField(
        max_length=8, choices=EncryptionChoice.choices, default=EncryptionChoice.MANAGED
    )
    encryption_key = models.ForeignKey(
        Key, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    default_mail_domain = models.CharField(max_length=255, blank=True)
    # The Email domain chosen at creation, which Creating adds beside the test domain.
    # Database defaults too: bulk loads that predate these columns (bench/seed.py) still fit.
    domain_choice = models.CharField(
        max_length=16, choices=DomainChoice.choices, default=DomainChoice.TEST,
        db_default=DomainChoice.TEST,
    )  # fmt: skip
    requested_domain = models.CharField(max_length=255, blank=True, db_default="")
    hosted_zone = models.ForeignKey(
        "route53.HostedZone", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interoperability_enabled = models.BooleanField(default=False)
    delete_directory = models.BooleanField(default=False)
    # NULL, not "", when absent: the unique constraint must not see two empty tokens as equal.
    client_token = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001
    created_date = models.DateTimeField(default=timezone.now)
    completed_date = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    # Since when no user has been enabled (NULL while one is): after WORKMAIL_INACTIVE_AFTER
    # an Active organization goes Inactive (users/inactive.py).
    no_enabled_users_since = models.DateTimeField(null=True, blank=True)
    # When an Inactive organization gave up its alias and test domain; NULL while it holds them.
    alias_released_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "organization_id"]
        constraints = [
            # <alias>.awsapps.com names one live organization in the whole world, unless it
            # released the alias by going Inactive.
            models.UniqueConstraint(
                Lower("alias"),
                condition=~models.Q(state="Deleted") & models.Q(alias_released_at__isnull=True),
                name="unique_live_alias",
            ),
            models.UniqueConstraint(
                fields=["account", "region", "client_token"], name="unique_create_client_token"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "region", "-created_date"]),
            models.Index(fields=["state", "state_changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.alias} ({self.organization_id})"

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:detail",
            kwargs={"region": self.region, "organization_id": self.organization_id},
        )

    @property
    def delete_url(self) -> str:
        return reverse(
            "organizations:delete",
            kwargs={"region": self.region, "organization_id": self.organization_id},
        )

    @property
    def arn(self) -> str:
        return (
            f"arn:aws:workmail:{self.region}:{self.account_id}:organization/{self.organization_id}"
        )

    @property
    def test_domain(self) -> str:
        return f"{self.alias.lower()}.{TEST_DOMAIN_SUFFIX}"

    @property
    def login_url(self) -> str:
        return f"https://{self.alias.lower()}.{TEST_DOMAIN_SUFFIX}/mail"

    @property
    def description(self) -> str:
        return lifecycle.describe(self.state)

    @property
    def is_working(self) -> bool:
        return lifecycle.is_working(self.state)

    @property
    def is_deletable(self) -> bool:
        return self.state in lifecycle.DELETABLE

    def state_problem(self, *allowed: State, managing: str = "users") -> str | None:
        """The console's error for managing `managing` in this state (None in the `allowed`
        states, Active unless told): an Inactive organization says how it comes back."""
        if self.state in (allowed or (State.ACTIVE,)):
            return None
        said = f"The organization {self.alias} is not Active."
        if self.state == State.INACTIVE:
            return (
                f"{said} It is Inactive because it had no enabled user for too long. Enable one"
                " of its users to make it Active again."
            )
        return (
            f"{said} It is {self.state}. You can manage {managing} only in an Active organization."
        )

    def require_state(self, *allowed: State, managing: str = "users") -> None:
        """OrganizationStateException unless it is in one of the `allowed` states (Active)."""
        if problem := self.state_problem(*allowed, managing=managing):
            raise OrganizationStateException(problem)

    def lock(self) -> "Organization":
        """This organization read again, its row held until the transaction ends. FOR NO KEY
        UPDATE: rows that only refer to it (its events, domains, users) are written meanwhile."""
        rows = Organization.objects.select_for_update(no_key=True, of=("self",))
        return rows.select_related("directory").get(pk=self.pk)

    def insert_requested(self, *, reason: str) -> None:
        """Write this new organization as Requested, with its first LifecycleEvent, atomically."""
        self.state = State.REQUESTED
        event = LifecycleEvent(
            organization_id=self.pk, account_id=self.account_id, region=self.region,
            to_state=State.REQUESTED, at=self.state_changed_at, reason=reason,
        )  # fmt: skip
        if connection.vendor == "postgresql":
            insert = InsertQuery(Organization)
            insert.insert_values(Organization._meta.concrete_fields, [self])
            [(sql, params)] = insert.get_compiler(connection=connection).as_sql()
            with savepoint_if_nested():
                _write_and_log(sql, params, event)
            self._state.adding, self._state.db = False, connection.alias
        else:
            with transaction.atomic():
                self.save(force_insert=True)
                event.save(force_insert=True)

    def transition(
        self, target: State, *, reason: str, when: models.Q | None = None, **changes: Any
    ) -> bool:
        """Move to `target` if the row is still in the state we read (and matches `when`);
        False if another moved it."""
        moved_at = Organization.move(
            self.pk, State(self.state), target, reason=reason, when=when, **changes
        )
        if moved_at is None:
            return False
        self.state = target
        self.state_changed_at = moved_at
        for name, value in changes.items():
            setattr(self, name, value)
        return True

    @staticmethod
    def move(
        organization_id: str,
        source: State,
        target: State,
        *,
        reason: str,
        when: models.Q | None = None,
        **changes: Any,
    ) -> datetime | None:
        """Compare-and-set `source` -> `target`, writing its LifecycleEvent in the same transaction.

        The update only matches a row still in `source` (and matching `when`, if given), so a
        duplicate or late delivery moves nothing and writes no event. Returns when it moved, or
        None.
        """
        lifecycle.check_transition(source, target)
        now = timezone.now()
        reason = _fitted(LifecycleEvent, "reason", reason)  # a reason may quote a long message
        if "error_message" in changes:
            changes["error_message"] = _fitted(
                Organization, "error_message", changes["error_message"]
            )
        moving = Organization.objects.filter(pk=organization_id, state=source)
        if when is not None:
            moving = moving.filter(when)
        changes = {"state": target, "state_changed_at": now, **changes}
        event = LifecycleEvent(
            organization_id=organization_id, from_state=source, to_state=target, at=now,
            reason=reason,
        )  # fmt: skip
        if connection.vendor == "postgresql":
            update = moving.query.chain(UpdateQuery)
            update.add_update_values(changes)
            moved = _move_and_log(*update.get_compiler(moving.db).as_sql(), event)
        else:
            # IMMEDIATE transactions (settings): the write lock is held from the read on.
            with transaction.atomic(savepoint=False):
                before = moving.values("account_id", "region", "state_changed_at").first()
                moved = moving.update(**changes) if before else 0
                if moved:
                    event.account_id, event.region = before["account_id"], before["region"]
                    event.from_state_seconds = (now - before["state_changed_at"]).total_seconds()
                    event.save(force_insert=True)
        return now if moved else None


def _fitted(model: type[models.Model], field: str, text: str) -> str:
    """`text` cut to the column's length: a message shown to people, not input to validate."""
    return text[: model._meta.get_field(field).max_length]


def _event_columns(event: "LifecycleEvent", computed: Sequence[str]) -> tuple[list[str], list]:
    """The event's columns and values to insert, leaving out the `computed` ones and the key."""
    fields = [
        f
        for f in LifecycleEvent._meta.concrete_fields
        if not f.primary_key and f.attname not in computed
    ]
    columns = [connection.ops.quote_name(f.column) for f in fields]
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    return columns, values


# The lifecycle's hottest path, so the two writes below earn their raw SQL: an organization's
# INSERT or UPDATE and its event's INSERT as one statement (a data-modifying CTE), so one round
# trip, atomic without a transaction of its own; the event is written only if a row was.


def _write_and_log(sql: str, params: Sequence[Any], event: "LifecycleEvent") -> int:
    columns, values = _event_columns(event, computed=())
    statement = (
        f"WITH written AS ({sql} RETURNING 1) "
        f"INSERT INTO {connection.ops.quote_name(LifecycleEvent._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(['%s'] * len(values))} FROM written"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, *values))
        return cursor.rowcount


def _move_and_log(sql: str, params: Sequence[Any], event: "LifecycleEvent") -> int:
    """As _write_and_log, for an UPDATE: the event takes the account and Region from the row, and
    the time spent in the old state from the row as it was (every CTE sees the statement's
    snapshot, so `before` reads it ahead of the update)."""
    computed = ("account_id", "region", "from_state_seconds")
    columns, values = _event_columns(event, computed=computed)
    quote = connection.ops.quote_name
    organizations = quote(Organization._meta.db_table)
    statement = (
        f"WITH before AS (SELECT {quote('state_changed_at')} AS since FROM {organizations} "
        f"WHERE {quote('organization_id')} = %s), "
        f"written AS ({sql} RETURNING {quote('account_id')}, {quote('region')}) "
        f"INSERT INTO {quote(LifecycleEvent._meta.db_table)} "
        f"({', '.join([*columns, *(quote(c) for c in computed)])}) "
        f"SELECT {', '.join(['%s'] * len(values))}, written.{quote('account_id')}, "
        f"written.{quote('region')}, "
        f"EXTRACT(EPOCH FROM %s - (SELECT since FROM before)) FROM written"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (event.organization_id, *params, *values, event.at))
        return cursor.rowcount


class StateCount(models.Model):
    """How many organizations an account has in each Region and state.

    Kept by database triggers on the organizations table (migration 0003), so every write counts,
    whoever makes it (a transition, a bulk load, a cascade), and the dashboard reads a few rows
    instead of counting 100,000. Rows are never deleted; a count may fall to 0.
    """

    pk = models.CompositePrimaryKey("account", "region", "state")
    account = models.ForeignKey(
        Account, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    state = models.CharField(max_length=16, choices=STATE_CHOICES)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account_id} {self.region} {self.state}: {self.count}"


class LifecycleEvent(models.Model):
    """One move of an organization from one state to another (the first has no `from_state`).

    The organization's account and Region are copied in, so that the dashboard's feed and counts
    read this table alone, through its own indexes; `from_state_seconds` is how long the
    organization had been in `from_state`, so timings need no pairing of events.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=16, choices=REGION_CHOICES)
    from_state = models.CharField(max_length=16, choices=STATE_CHOICES, blank=True)
    to_state = models.CharField(max_length=16, choices=STATE_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    from_state_seconds = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=256)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["-at"]),
            models.Index(fields=["account", "-at"]),
            models.Index(fields=["organization", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.from_state or '∅'} → {self.to_state}"
