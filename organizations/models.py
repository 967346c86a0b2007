"""Organizations and their lifecycle events."""

import secrets

from django.db import connection, models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from directories.models import Directory
from keys.models import Key
from organizations import lifecycle
from organizations.lifecycle import State
from workmail_console.converters import ORGANIZATION_ID_PATTERN
from workmail_console.db import quote
from workmail_console.errors import OrganizationStateException
from workmail_console.lifecycle import LifecycleEventBase, LifecycleModel
from workmail_console.models import Account
from workmail_console.names import TEST_DOMAIN_SUFFIX
from workmail_console.regions import REGION_CHOICES

STATE_CHOICES = [(state.value, state.value) for state in State]


def new_organization_id() -> str:
    return "m-" + secrets.token_hex(16)


def is_organization_id(value: str) -> bool:
    """Whether `value` has the shape of an organization ID (`m-` and 32 lowercase hex digits)."""
    return ORGANIZATION_ID_PATTERN.fullmatch(value) is not None


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


class Organization(LifecycleModel):
    lifecycle = lifecycle.LIFECYCLE

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
            # The dashboard's count of Active organizations with no enabled user: it reads the
            # few that are, never scans an account's organizations.
            models.Index(
                fields=["account", "region"],
                condition=models.Q(state="Active", no_enabled_users_since__isnull=False),
                name="active_without_users",
            ),
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

    @classmethod
    def in_region(cls, account_id: str, region: str, *, including_deleted: bool = False) -> int:
        """How many organizations the account has in the Region that are not Deleted (the
        quota's count, and the Organizations page's), or all of them. Written out: Create
        organization asks it every time, and the ORM took five times as long to write this
        statement as the database took to run it."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT state, count FROM {quote(cls._meta.db_table)}"
                " WHERE account_id = %s AND region = %s",
                [account_id, region],
            )
            return sum(
                count
                for state, count in cursor.fetchall()
                if including_deleted or state != State.DELETED
            )


class LifecycleEvent(LifecycleEventBase):
    """One move of an organization (workmail_console.lifecycle.LifecycleEventBase): the dashboard's
    feed, counts and timings read this table alone, through its own indexes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")

    subject = "organization"

    class Meta(LifecycleEventBase.Meta):
        indexes = [
            models.Index(fields=["-at"]),
            models.Index(fields=["account", "-at"]),
            models.Index(fields=["organization", "at"]),
        ]


Organization.event_model = LifecycleEvent


# --- The organization's own settings (organizations.settings_services) -----------------------


class OrganizationTag(models.Model):
    """One of the organization's tags (TagResource): a key, unique within the organization in its
    exact case, and a value, which may be empty."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    key = models.CharField(max_length=128)
    value = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="unique_tag_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class FolderName(models.TextChoices):
    """PutRetentionPolicy's FolderName, with the console's labels (ours: the guide has none)."""

    INBOX = "INBOX", "Inbox"
    DELETED_ITEMS = "DELETED_ITEMS", "Deleted items"
    SENT_ITEMS = "SENT_ITEMS", "Sent items"
    DRAFTS = "DRAFTS", "Drafts"
    JUNK_EMAIL = "JUNK_EMAIL", "Junk email"


class RetentionAction(models.TextChoices):
    NONE = "NONE", "None"
    DELETE = "DELETE", "Delete"
    PERMANENTLY_DELETE = "PERMANENTLY_DELETE", "Permanently delete"


class RetentionPolicy(models.Model):
    """The organization's retention policy (PutRetentionPolicy): one per organization, its
    default, with a configuration for each folder it names."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="retention_policy"
    )
    policy_id = models.CharField(max_length=64)  # the API's Id
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=256, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.policy_id})"


class FolderConfiguration(models.Model):
    """What the retention policy does in one folder: its action after `period` days."""

    policy = models.ForeignKey(
        RetentionPolicy, on_delete=models.CASCADE, related_name="folder_configurations"
    )
    name = models.CharField(max_length=16, choices=FolderName.choices)
    action = models.CharField(max_length=32, choices=RetentionAction.choices)
    period = models.PositiveSmallIntegerField(null=True, blank=True)  # days, 1 to 730

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "name"], name="one_configuration_a_folder"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.action} after {self.period} days"


class MobileDevicePolicy(models.Model):
    """The organization's default mobile device policy (console-only: no API). Labels and
    descriptions are the guide's; the defaults are a third party's account of WorkMail's (AWS
    publishes none); a number left empty is not enforced."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="mobile_policy"
    )
    require_encryption_on_device = models.BooleanField(
        "Require encryption on device", default=False,
        help_text="Encrypt email data on the mobile device.",
    )  # fmt: skip
    require_encryption_on_storage_card = models.BooleanField(
        "Require encryption on storage card", default=False,
        help_text="Encrypt email data on the mobile device's removable storage.",
    )  # fmt: skip
    password_required = models.BooleanField(
        "Password required", default=True,
        help_text="Require a password to unlock a mobile device.",
    )  # fmt: skip
    allow_simple_password = models.BooleanField(
        "Allow simple password", default=True, help_text="Use the device's PIN as the password."
    )
    minimal_password_length = models.PositiveSmallIntegerField(
        "Minimal password length", null=True, blank=True, default=4,
        help_text="Set the number of characters required for a valid password.",
    )  # fmt: skip
    require_alphanumeric_password = models.BooleanField(
        "Require alphanumeric password", default=False,
        help_text="Require passwords that consist of letters and numbers.",
    )  # fmt: skip
    number_of_failed_attempts_allowed = models.PositiveSmallIntegerField(
        "Number of failed attempts allowed", null=True, blank=True, default=10,
        help_text=(
            "Specify the number of failed device unlock attempts that are allowed before the"
            " user's device is wiped. All data, including personal files will be deleted when"
            " the device is wiped."
        ),
    )  # fmt: skip
    password_expiration = models.PositiveSmallIntegerField(
        "Password expiration", null=True, blank=True,
        help_text="Specify the number of days before a password expires and must be changed.",
    )  # fmt: skip
    enable_screen_lock = models.PositiveSmallIntegerField(
        "Enable screen lock", null=True, blank=True,
        help_text=(
            "Specify the number of seconds that must elapse without user input to lock the"
            " user's screen."
        ),
    )  # fmt: skip
    enforce_password_history = models.PositiveSmallIntegerField(
        "Enforce password history", null=True, blank=True,
        help_text=(
            "Specify the number of passwords that can be entered before repeating the same"
            " password."
        ),
    )  # fmt: skip

    def __str__(self) -> str:
        return f"Mobile device policy of {self.organization_id}"


class ProviderType(models.TextChoices):
    """An availability configuration's ProviderType."""

    EWS = "EWS", "EWS"
    LAMBDA = "LAMBDA", "Lambda"


class AvailabilityConfiguration(models.Model):
    """Where the organization's users find the free/busy time of another system's users at one
    domain (CreateAvailabilityConfiguration): an EWS server signed in to with a user name and
    password, or a Lambda function. One per domain in an organization, in any case.

    The EWS password is kept to sign in with, and never shown or returned again (the API's
    RedactedEwsAvailabilityProvider carries the endpoint and user name only)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="availability_configurations"
    )
    domain_name = models.CharField(max_length=255)
    provider_type = models.CharField(max_length=8, choices=ProviderType.choices)
    ews_endpoint = models.CharField(max_length=256, blank=True)
    ews_username = models.CharField(max_length=256, blank=True)
    ews_password = models.CharField(max_length=256, blank=True)
    lambda_arn = models.CharField(max_length=256, blank=True)
    date_created = models.DateTimeField(default=timezone.now)
    date_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [Lower("domain_name")]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("domain_name"), name="one_availability_configuration_a_domain"
            ),
            # Exactly one provider, the one its type names.
            models.CheckConstraint(
                condition=(
                    models.Q(provider_type=ProviderType.EWS, lambda_arn="")
                    & ~models.Q(ews_endpoint="")
                )
                | (
                    models.Q(
                        provider_type=ProviderType.LAMBDA,
                        ews_endpoint="",
                        ews_username="",
                        ews_password="",
                    )
                    & ~models.Q(lambda_arn="")
                ),
                name="availability_configuration_one_provider",
            ),
        ]

    def __str__(self) -> str:  # never the password
        return f"{self.domain_name} ({self.provider_type})"


class JournalingConfiguration(models.Model):
    """The organization's journaling (console-only: no API): when on, a journal record of every
    message its users send or receive goes to the journaling provider's address, and what fails
    is reported to the administrator's. Saved once it is first edited; Off until then."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="journaling"
    )
    enabled = models.BooleanField("Journaling status", default=False)
    journaling_email_address = models.CharField(
        "Journaling email address", max_length=254, blank=True
    )
    report_email_address = models.CharField("Report email address", max_length=254, blank=True)
    date_modified = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Journaling of {self.organization_id}: {'On' if self.enabled else 'Off'}"
