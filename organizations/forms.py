"""The create and delete forms, with the AWS guide's labels and option texts."""

import uuid
from functools import cached_property

from django import forms

from directories.lifecycle import Stage
from directories.models import Directory, DirectoryType
from directories.services import unsupported_reason
from domains.services import chosen_domain, hosted_zone_choices
from keys.models import Key
from keys.services import list_keys
from organizations.aliases import ALIAS_MAX_LENGTH, ALIAS_TOO_LONG
from organizations.models import DirectoryChoice, EncryptionChoice, Organization
from organizations.services import CLIENT_TOKEN_MAX, CLIENT_TOKEN_RULE, validate_client_token
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm
from workmail_console.models import Account
from workmail_console.names import DOMAIN_MAX

EMAIL_DOMAIN_OPTIONS = [
    (
        "existing-route53",
        "Existing Route 53 domain",
        "Select an existing domain that you manage with an Amazon Route 53 (Route 53) hosted zone.",
    ),
    (
        "new-route53",
        "New Route 53 domain",
        "Register a new Route 53 domain name to use with Amazon WorkMail.",
    ),
    (
        "external",
        "External domain",
        "Enter an existing domain that you manage with an external domain name system (DNS)"
        " provider.",
    ),
    (
        "test",
        "Free test domain",
        "Use a free test domain provided by Amazon WorkMail. You can explore Amazon WorkMail using"
        " a test domain, and then add a domain to your organization later.",
    ),
]

DIRECTORY_OPTIONS = [
    (
        DirectoryChoice.CREATE,
        DirectoryChoice.CREATE.label,
        "Creates a new directory for adding and managing your users.",
    ),
    (
        DirectoryChoice.EXISTING,
        DirectoryChoice.EXISTING.label,
        "Uses an existing directory to manage your users, such as an on-premises Microsoft Active"
        " Directory, AWS Managed Active Directory, or Simple AD.",
    ),
]
ENCRYPTION_OPTIONS = [
    (
        EncryptionChoice.MANAGED,
        EncryptionChoice.MANAGED.label,
        "Creates a new encryption key in your account.",
    ),
    (
        EncryptionChoice.EXISTING,
        EncryptionChoice.EXISTING.label,
        "Uses an existing KMS key that you have already created in AWS KMS.",
    ),
]


def new_client_token() -> str:
    return str(uuid.uuid4())


def _options(options: list[tuple[str, str, str]]) -> list[dict]:
    """Radio options for the template: each with its one-line description from the guide."""
    return [{"value": value, "label": label, "hint": hint} for value, label, hint in options]


class CreateOrganizationForm(ConsoleForm):
    email_domain = forms.ChoiceField(
        label="Email domain",
        choices=[(value, label) for value, label, _ in EMAIL_DOMAIN_OPTIONS],
        initial="test",
    )
    hosted_zone = forms.CharField(label="Route 53 hosted zone", required=False, max_length=33)
    domain_name = forms.CharField(label="Domain name", required=False, max_length=DOMAIN_MAX + 1)
    alias = forms.CharField(
        label="Alias", required=False, max_length=ALIAS_MAX_LENGTH,
        error_messages={"max_length": ALIAS_TOO_LONG},
    )  # fmt: skip
    directory_choice = forms.ChoiceField(
        label="User directory", choices=DirectoryChoice.choices, initial=DirectoryChoice.CREATE
    )
    encryption_choice = forms.ChoiceField(
        label="Encryption", choices=EncryptionChoice.choices, initial=EncryptionChoice.MANAGED
    )
    directory_id = forms.CharField(label="Directory", required=False, max_length=12)
    kms_key_arn = forms.CharField(label="KMS key", required=False, max_length=2048)
    enable_interoperability = forms.BooleanField(label="Enable interoperability", required=False)
    # One token per rendered form: a second submit finds the organization the first one made.
    client_token = forms.CharField(
        widget=forms.HiddenInput, required=False, strip=False, empty_value=None,
        max_length=CLIENT_TOKEN_MAX, error_messages={"max_length": CLIENT_TOKEN_RULE},
    )  # fmt: skip

    def __init__(self, *args, account: Account, region: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", new_client_token())
        self.account, self.region = account, region

    @cached_property
    def directories_by_id(self) -> dict[str, Directory]:
        """The Region's Directory Service directories (read when the form needs them)."""
        directories = (
            Directory.objects.filter(account=self.account, region=self.region)
            .exclude(stage__in=[Stage.DELETING, Stage.DELETED])
            .exclude(directory_type=DirectoryType.WORKMAIL)
            .order_by("created")
        )
        return {directory.directory_id: directory for directory in directories}

    @cached_property
    def keys(self) -> list[Key]:
        return list_keys(account=self.account, region=self.region)[0]

    def clean_client_token(self) -> str | None:
        token = self.cleaned_data["client_token"]
        if token is None:
            return None
        try:
            return validate_client_token(token)
        except WorkMailError as error:
            raise forms.ValidationError(error.message) from None

    def add_error(self, field: str | None, error: object) -> None:
        if field == "client_token":
            # The token is hidden: say what is wrong above the form, and render a fresh token so
            # that choosing Create organization again makes a new request.
            self.data = self.data.copy()
            self.data["client_token"] = new_client_token()
            field = None
        super().add_error(field, error)

    def clean(self) -> dict:
        data = super().clean()
        choice = data.get("email_domain")
        if choice and not {"domain_name", "hosted_zone"} & set(self.errors):
            try:
                chosen_domain(
                    account_id=self.account.pk, region=self.region, choice=choice,
                    domain_name=data.get("domain_name") or "",
                    zone_id=data.get("hosted_zone") or "",
                )  # fmt: skip
            except WorkMailError as error:
                self.add_error(error.field, error.message)
        if data.get("directory_choice") == DirectoryChoice.EXISTING:
            chosen = self.directories_by_id.get(data.get("directory_id") or "")
            if chosen is None:
                self.add_error("directory_id", "Choose a directory.")
            elif reason := unsupported_reason(chosen):
                self.add_error("directory_id", reason)
        else:
            data["directory_id"] = None
        if data.get("encryption_choice") == EncryptionChoice.EXISTING:
            if (data.get("kms_key_arn") or "") not in {key.arn for key in self.keys}:
                self.add_error("kms_key_arn", "Choose a KMS key.")
        else:
            data["kms_key_arn"] = None
        return data

    def hosted_zone_list(self) -> list[dict]:
        """Existing Route 53 domain: the account's public hosted zones, those whose domain is in
        use in the Region disabled with the reason."""
        return [
            {"value": zone.zone_id, "label": f"{zone.name} ({zone.zone_id})", "reason": reason}
            for zone, reason in hosted_zone_choices(self.account, self.region)
        ]

    def directory_list(self) -> list[dict]:
        """Use existing directory: the Region's directories, those WorkMail can't use disabled
        with the guide's reason."""
        return [
            {
                "value": directory.directory_id,
                "label": f"{directory.alias} ({directory.directory_id})"
                if directory.has_alias
                else directory.directory_id,
                "hint": f"{directory.get_directory_type_display()} · {directory.stage}",
                "disabled": bool(unsupported_reason(directory)),
                "reason": unsupported_reason(directory),
            }
            for directory in self.directories_by_id.values()
        ]

    def key_list(self) -> list[dict]:
        """Use existing KMS key: the Region's customer managed keys."""
        return [
            {
                "value": key.arn,
                "label": ", ".join(key.alias_names) or str(key.key_id),
                "hint": f"{key.key_id} · {key.key_state} · {key.key_spec}",
                "disabled": False,
            }
            for key in self.keys
        ]

    def offers_interoperability(self) -> bool:
        return any(
            directory.directory_type == DirectoryType.AD_CONNECTOR
            for directory in self.directories_by_id.values()
        )

    def email_domain_options(self) -> list[dict]:
        return _options(EMAIL_DOMAIN_OPTIONS)

    def directory_options(self) -> list[dict]:
        return _options(DIRECTORY_OPTIONS)

    def encryption_options(self) -> list[dict]:
        return _options(ENCRYPTION_OPTIONS)


class DeleteOrganizationForm(ConsoleForm):
    directory = forms.ChoiceField(
        label="User directory",
        choices=[("keep", "Keep existing user directory"), ("delete", "Delete user directory")],
        initial="keep",
        widget=forms.RadioSelect,
    )
    confirmation = forms.CharField(label="", required=False, max_length=ALIAS_MAX_LENGTH)

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["confirmation"].label = f"To confirm deletion, enter {organization.alias}"

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip()
        if value != self.organization.alias:
            raise forms.ValidationError(
                f"Enter {self.organization.alias} exactly as shown to confirm deletion."
            )
        return value
