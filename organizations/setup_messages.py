"""The details page's setup messages. The guide: "Messages on the page can also show you any steps
needed to finish setting up an organization, such as an unverified domain or a lack of users. The
messages also provide the first step that you follow to set up a given email client."

Each message is there only while its condition holds. The page's version tag is made from the
messages themselves, so a poll brings new HTML exactly when what they say changes. Reading them
costs at most four queries whatever the organization holds: whether a user is enabled (EXISTS),
the unverified domains, the resources nobody answers (an Active organization's), and for a Failed
or Impaired organization the directory's organizations (directory_problem's in-use check); the
directory and key come with the organization.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat

from directories.lifecycle import Stage
from directories.models import Directory
from directories.services import unsupported_reason
from domains.models import MailDomain, VerificationStatus
from keys.models import Key, KeySpec, KeyState, KeyUsage
from keys.services import key_problem
from organizations.health import directory_problem
from organizations.lifecycle import State
from organizations.models import Organization
from organizations.workflow import alias_mismatch
from users.inactive import becomes_inactive_on
from users.resources import unanswered
from users.services import is_ad_connector, users_of


class Kind(StrEnum):
    """Cloudscape's alert types: colour and icon go together."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Item:
    """One line of a message: a label, a value to copy (shown in monospace), and its text."""

    label: str
    text: str
    copy: str = ""
    link: Link | None = None


@dataclass(frozen=True)
class SetupMessage:
    """One alert: its title, its text, its items (steps or fixes), and the button it offers."""

    name: str  # what the page calls it: data-testid="setup-<name>"
    kind: Kind
    title: str
    text: str = ""
    items: tuple[Item, ...] = ()
    closing: str = ""  # after the items
    action: Link | None = None  # the alert's button
    folded: bool = False  # details to open, under the title
    # What this emulator adds where AWS publishes no rule, labelled as the emulator's own.
    emulator_note: str = ""


# The states whose domains matter: the organization works, or comes back when a user is enabled.
WITH_DOMAINS = (State.ACTIVE, State.IMPAIRED, State.INACTIVE)


def setup_messages(organization: Organization, *, admin: bool) -> list[SetupMessage]:
    """The messages that apply to the organization now, most urgent first. Actions that change
    something (Create user, Delete) are an admin's; others see the messages without them."""
    state = organization.state
    messages = []
    if state in (State.FAILED, State.IMPAIRED):
        messages.append(_problem(organization, admin=admin))
    if state == State.INACTIVE:
        messages.append(_inactive(organization, admin=admin))
    if state in (State.ACTIVE, State.IMPAIRED) and not users_of(organization).enabled().exists():
        messages.append(_no_enabled_users(organization, admin=admin))
    if state in WITH_DOMAINS:
        unverified = organization.mail_domains.unverified().only("name", "ownership_status")
        messages.extend(_unverified(organization, domain) for domain in unverified)
    if state == State.ACTIVE and (lonely := unanswered(organization)):
        messages.append(_unanswered(organization, lonely))
    if state == State.ACTIVE:
        messages.append(_email_clients(organization))
    return messages


def _unanswered(organization: Organization, rows: list) -> SetupMessage:
    """Resources whose booking requests nobody answers: the rule UpdateResource keeps, broken
    since by a delegate disabled or deleted."""
    where = [organization.region, organization.organization_id]
    items = tuple(
        Item(resource.name, "Turn on Automatically accept all resource requests, or add a"
             " delegate.", link=Link("View resource", reverse(
                 "resources:detail", args=[*where, resource.resource_id])))
        for resource in rows
    )  # fmt: skip
    text = (
        "A resource must either be able to auto-respond to requests or have at least one"
        " delegate that can do so on its behalf. These resources don't accept requests"
        " automatically, and none of their delegates is enabled:"
    )
    return SetupMessage(
        "unanswered-resources", Kind.WARNING, "Some resources can't answer booking requests",
        text, items,
    )  # fmt: skip


def _date(moment: datetime) -> str:
    """As the details page writes its other dates."""
    return dateformat.format(moment.astimezone(UTC), "M j, Y, H:i:s") + " UTC"


def _users_url(organization: Organization, name: str) -> str:
    kwargs = {"region": organization.region, "organization_id": organization.organization_id}
    return reverse(f"users:{name}", kwargs=kwargs)


def _no_enabled_users(organization: Organization, *, admin: bool) -> SetupMessage:
    released = f"the test domain {organization.test_domain} and the alias {organization.alias}"
    title = "Your organization has no enabled users"
    if organization.state != State.ACTIVE:
        text = (
            "Users can be created and enabled only in an Active organization. Once it is Active"
            f" again, enable a user, or the organization becomes Inactive and {released} are"
            " released."
        )
        return SetupMessage("no-users", Kind.WARNING, title, text)
    # AWS's words: "The test domain might become available for registration and use by other
    # customers if your Amazon WorkMail organization does not maintain at least one enabled user."
    text = (
        f"The test domain {organization.test_domain} might become available for registration and"
        " use by other customers if your organization does not maintain at least one enabled user."
    )
    if is_ad_connector(organization):
        text += " Its users come from your directory: enable one of them."
        action = Link("Enable users", _users_url(organization, "list"))
    else:
        action = Link("Create user", _users_url(organization, "create"))
    when = becomes_inactive_on(organization)
    note = (
        f"In this emulator (not AWS's rule): after {_days(settings.WORKMAIL_INACTIVE_AFTER)}"
        f" without an enabled user (WORKMAIL_INACTIVE_AFTER), the organization becomes Inactive"
        f"{f' on {_date(when)}' if when else ''} and {released} are released."
    )
    return SetupMessage(
        "no-users", Kind.WARNING, title, text, action=action if admin else None, emulator_note=note
    )


def _days(span: timedelta) -> str:
    days = span.total_seconds() / 86400
    return f"{days:g} day" + ("" if days == 1 else "s")


def _inactive(organization: Organization, *, admin: bool) -> SetupMessage:
    since = organization.alias_released_at or organization.state_changed_at
    text = (
        f"Your organization has been Inactive since {_date(since)}: it had no enabled user, so"
        f" its alias {organization.alias} and its test domain {organization.test_domain} were"
        " released. Enabling a user makes it Active again, if no other organization has taken"
        " the alias since."
    )
    action = Link("Enable a user", _users_url(organization, "list")) if admin else None
    return SetupMessage(
        "inactive", Kind.WARNING, "Your organization is inactive", text, action=action
    )


def _unverified(organization: Organization, domain: MailDomain) -> SetupMessage:
    status = domain.get_ownership_status_display()
    if domain.ownership_status == VerificationStatus.FAILED:
        then = "Check the domain's DNS records, then verify it again."
    else:
        then = "Add the domain's DNS records at your DNS provider so that it can be verified."
    text = f"Ownership verification: {status}. {then} Users get addresses only on verified domains."
    where = [organization.region, organization.organization_id]
    try:
        records = reverse("domains:detail", args=[*where, domain.name])
    except NoReverseMatch:  # a name no URL can hold (never one the rules let in): the list
        records = reverse("domains:list", args=where)
    return SetupMessage(
        "domain", Kind.WARNING, f"Domain {domain.name} is not verified", text,
        action=Link("View DNS records", records),
    )  # fmt: skip


def _problem(organization: Organization, *, admin: bool) -> SetupMessage:
    fixes = tuple(_fixes(organization))
    reason = organization.error_message
    if organization.state == State.FAILED:
        closing = (
            "Creation can't be retried: once this is fixed, delete this organization and"
            " create it again."
        )
        if not fixes:
            closing = (
                "Its directory and key pass the checks now, but creation can't be retried:"
                " delete this organization and create it again."
            )
        action = Link("Delete organization", organization.delete_url) if admin else None
        return SetupMessage(
            "problem", Kind.ERROR, "Your organization could not be created",
            reason or "Creation failed.", fixes, closing, action,
        )  # fmt: skip
    closing = "Once this is fixed, the organization returns to Active by itself."
    if not fixes:
        closing = (
            "Its directory and key pass the checks now: the next health check makes it Active"
            " again."
        )
    return SetupMessage(
        "problem", Kind.WARNING, "Your organization is impaired",
        reason or "An issue has been detected.", fixes, closing,
    )  # fmt: skip


def _fixes(organization: Organization) -> Iterator[Item]:
    """What to fix, by the checks Validating and the health sweep make (organizations.health)."""
    directory, key = organization.directory, organization.encryption_key
    region = organization.region
    if directory is not None:
        found = directory_problem(
            directory, region=region, organization_id=organization.organization_id
        )
        if found:
            fix = _directory_fix(directory, region)
            yield Item("Directory", f"{found} {fix}", link=_directory_link(directory))
    if key is not None and (found := key_problem(key, region=region)):
        link = None if key.deleted else Link("Open the key", key.get_absolute_url())
        yield Item("KMS key", f"{found} {_key_fix(key, region)}", link=link)
    if organization.state == State.FAILED and (found := alias_mismatch(organization)):
        fix = (
            f"Create the organization with the alias {directory.alias}, or on a directory whose"
            f" alias is {organization.alias}."
        )
        yield Item("Alias", f"{found} {fix}", link=_directory_link(directory))


def _directory_link(directory: Directory) -> Link | None:
    if directory.stage == Stage.DELETED:
        return None
    return Link("Open the directory", directory.get_absolute_url())


def _directory_fix(directory: Directory, region: str) -> str:
    """The fix for what directory_problem found, by the same checks in the same order."""
    if directory.stage == Stage.DELETED or directory.region != region:
        return f"Choose a directory that exists in {region}."
    if unsupported_reason(directory):
        return "Choose a supported directory."
    if directory.stage == Stage.INOPERABLE:
        return "Recover the directory on its page."
    if directory.stage == Stage.DELETING:
        return "It is being deleted: choose another directory."
    if directory.stage != Stage.ACTIVE:
        return "Wait until it is Active."
    return "Choose a directory that no other organization uses."


def _key_fix(key: Key, region: str) -> str:
    """The fix for what key_problem found, by the same checks in the same order."""
    if key.deleted:
        return "Choose an existing KMS key."
    if key.key_state == KeyState.PENDING_DELETION:
        return "Cancel key deletion on the key's page, then enable the key."
    if key.key_state != KeyState.ENABLED:
        return "Enable the key on its page."
    if key.key_spec != KeySpec.SYMMETRIC_DEFAULT or key.key_usage != KeyUsage.ENCRYPT_DECRYPT:
        return "Choose a symmetric encryption key."
    return f"Choose a KMS key in {region}."


def _email_clients(organization: Organization) -> SetupMessage:
    """The first step for each email client (the user guide's client pages)."""
    region = organization.region
    imap, smtp = f"imap.mail.{region}.awsapps.com", f"smtp.mail.{region}.awsapps.com"
    items = (
        Item(
            "Web app",
            "Sign in with your user name, not your email address. User names are case-sensitive.",
            copy=organization.login_url,
        ),
        Item(
            "Microsoft Outlook",
            "Windows: open Control Panel and choose Mail (32-bit), then"
            " Show Profiles > Add. Outlook for Mac: choose Tools > Accounts > + > New Account >"
            " Exchange.",
        ),
        Item("iOS", "Settings > Mail > Accounts > Add Account > Microsoft Exchange."),
        Item("Android", "Settings > Accounts > Add accounts > Exchange."),
        Item("macOS Mail", "System Preferences > Internet Accounts > Microsoft Exchange."),
        Item("Windows Mail", "Accounts > Add Account > Advanced Setup > Exchange ActiveSync."),
        Item("IMAP", "Incoming mail: port 993, SSL. POP3 is not supported.", copy=imap),
        Item(
            "SMTP", "Outgoing mail: port 465, SSL. STARTTLS is not currently supported.", copy=smtp
        ),
    )
    text = "The first step for each email client your users use:"
    return SetupMessage("clients", Kind.INFO, "Set up email clients", text, items, folded=True)
