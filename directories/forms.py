"""Set up directory and Create alias, with AWS Directory Service's labels and texts.

The forms check each field with the same rules the services apply (directories.rules through
services.check_setting), so that every field's error shows at once, under its field.
"""

import re
from typing import Any

from django import forms

from directories import rules, services
from directories.models import Application, DirectoryEdition, DirectorySize
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm, review_item

SIZE_HINTS = {
    DirectorySize.SMALL: "For small organizations: up to 500 users (about 2,000 objects).",
    DirectorySize.LARGE: "For larger organizations: up to 5,000 users (about 20,000 objects).",
}
EDITION_HINTS = {
    DirectoryEdition.STANDARD: "Designed for small and midsize businesses: up to about 30,000"
    " directory objects.",
    DirectoryEdition.ENTERPRISE: "Designed for enterprise organizations: up to about 500,000"
    " directory objects, and multi-Region replication.",
}
# Labels and hints that differ for an AD Connector, whose directory lives on premises.
CONNECTOR_TEXTS = {
    "name": ("Directory DNS name", "The fully qualified domain name of your on-premises"
             " directory, such as corp.example.com."),
    "short_name": ("Directory NetBIOS name", "The NetBIOS name of your on-premises directory,"
                   " such as CORP. Up to 15 characters."),
}  # fmt: skip
PASSWORD_FIELDS = ("admin_password", "service_account_password")
# DNS IP addresses: as many IPv4 addresses as allowed, each with a separator.
DNS_IP_ADDRS_TEXT_MAX = rules.MAX_DNS_IP_ADDRS * len("255.255.255.255, ")


def _choices(choices: type, hints: dict) -> list[dict]:
    return [{"value": c.value, "label": c.label, "hint": hints[c]} for c in choices]


class SetUpDirectoryForm(ConsoleForm):
    """Set up directory, step 2: the settings of the chosen directory type."""

    directory_type = forms.CharField(
        widget=forms.HiddenInput, max_length=max(map(len, services.KINDS))
    )
    owner_account_id = forms.CharField(
        label="Directory owner account ID",
        help_text="The 12-digit ID of the AWS account that owns the directory and shares it with"
        " this account.",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    primary_region = forms.ChoiceField(
        label="Primary Region",
        help_text="The Region of the primary directory. Its replica in this Region is the"
        " multi-Region directory.",
        required=False,
        error_messages={"invalid_choice": "Choose the Region of the directory's primary."},
    )
    size = forms.ChoiceField(
        label="Directory size",
        choices=DirectorySize.choices,
        initial=DirectorySize.SMALL,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the directory size: Small or Large."},
    )
    edition = forms.ChoiceField(
        label="Edition",
        choices=DirectoryEdition.choices,
        initial=DirectoryEdition.STANDARD,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the edition: Standard or Enterprise."},
    )
    name = forms.CharField(
        label="Directory DNS name",
        help_text="A fully qualified domain name, such as corp.example.com. This name will"
        " resolve inside your VPC only.",
        required=False,
        max_length=rules.DNS_NAME_MAX_LENGTH,
    )
    short_name = forms.CharField(
        label="Directory NetBIOS name",
        help_text="A short identifier for your domain, such as CORP. Up to 15 characters. If you"
        " don't specify one, it defaults to the first part of your directory DNS name.",
        required=False,
        max_length=rules.NETBIOS_MAX_LENGTH,
        error_messages={"max_length": rules.NETBIOS_TOO_LONG},
    )
    admin_password = forms.CharField(
        label="Admin password",
        help_text="The password for the directory's administrator account. "
        + rules.PASSWORD_POLICY,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        max_length=rules.PASSWORD_MAX_LENGTH,
        error_messages={"max_length": rules.PASSWORD_POLICY},
    )
    dns_ip_addrs = forms.CharField(
        label="DNS IP addresses",
        help_text="The IPv4 addresses of one or two DNS servers in your on-premises directory,"
        " separated by a comma.",
        required=False,
        max_length=DNS_IP_ADDRS_TEXT_MAX,
    )
    service_account_username = forms.CharField(
        label="Service account username",
        help_text="The user name of an account in your on-premises directory that can read users"
        " and groups, create computer objects and join computers to the domain.",
        required=False,
        max_length=rules.SERVICE_ACCOUNT_USERNAME_MAX_LENGTH,
    )
    service_account_password = forms.CharField(
        label="Service account password",
        help_text="The password of that account in your on-premises directory.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        required=False,
        strip=False,
        max_length=rules.SERVICE_ACCOUNT_PASSWORD_MAX_LENGTH,
        error_messages={"max_length": rules.SERVICE_ACCOUNT_PASSWORD_TOO_LONG},
    )
    confirm_password = forms.CharField(
        label="Confirm password",
        help_text="Enter the password again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        max_length=max(rules.PASSWORD_MAX_LENGTH, rules.SERVICE_ACCOUNT_PASSWORD_MAX_LENGTH),
    )
    applications = forms.MultipleChoiceField(
        label="Created by",
        help_text="Mark the directory as set up by Amazon WorkDocs or WorkSpaces, which keep"
        " using it. A directory that other AWS applications use can't be deleted.",
        choices=Application.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose Amazon WorkDocs, Amazon WorkSpaces, or neither."},
    )

    def __init__(self, *args: Any, kind: str, account_id: str, region: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = services.KINDS[kind]
        self.kind_value = kind
        self.account_id, self.region = account_id, region
        self.initial["directory_type"] = kind
        self.password_field = next((f for f in PASSWORD_FIELDS if f in self.kind.fields), None)
        asked = {"directory_type", *self.kind.fields}
        if self.password_field:
            asked.add("confirm_password")
        for name in list(self.fields):
            if name not in asked:
                del self.fields[name]
        if "primary_region" in self.fields:
            self.fields["primary_region"].choices = [("", "Choose a Region")] + [
                (code, f"{label} ({code})") for code, label in rules.AWS_REGIONS if code != region
            ]
        if kind == "ADConnector":
            for name, (label, hint) in CONNECTOR_TEXTS.items():
                self.fields[name].label, self.fields[name].help_text = label, hint
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")
            field.widget.attrs["spellcheck"] = "false"

    def settings(self) -> list[forms.BoundField]:
        """The visible fields in the order of the kind's settings (confirm after its password)."""
        names = [n for n in self.kind.fields if n in self.fields]
        if self.password_field:
            names.insert(names.index(self.password_field) + 1, "confirm_password")
        return [self[name] for name in names]

    def review(self) -> list[dict[str, str]]:
        """The Review section: each of the kind's settings (not the password's confirmation)."""
        return [review_item(self[name]) for name in self.kind.fields]

    def size_options(self) -> list[dict]:
        return _choices(DirectorySize, SIZE_HINTS)

    def edition_options(self) -> list[dict]:
        return _choices(DirectoryEdition, EDITION_HINTS)

    def clean_dns_ip_addrs(self) -> list[str]:
        return [a for a in re.split(r"[\s,]+", self.cleaned_data["dns_ip_addrs"].strip()) if a]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.kind.fields:
            if name not in data:
                continue  # already refused by its field
            try:
                data[name] = services.check_setting(
                    name, data[name], account_id=self.account_id, region=self.region
                )
            except WorkMailError as error:
                self.add_error(name, error.message)
        password = self.password_field
        if password and password in data and data.get("confirm_password") != data[password]:
            self.add_error("confirm_password", "The passwords do not match.")
        return data

    def service_values(self) -> dict[str, Any]:
        """What set_up_directory takes: the kind's settings, without the confirmation."""
        return {name: self.cleaned_data[name] for name in self.kind.fields}


class CreateAliasForm(ConsoleForm):
    alias = forms.CharField(
        label="Alias",
        help_text="Letters, numbers and hyphens, up to 62 characters, not beginning with d-."
        " After an alias has been created, it can't be deleted or reused.",
        required=False,
        max_length=rules.ALIAS_MAX_LENGTH,
        error_messages={"max_length": rules.ALIAS_TOO_LONG},
    )

    def clean_alias(self) -> str:
        try:
            return rules.validate_directory_alias(self.cleaned_data["alias"].strip())
        except WorkMailError as error:
            raise forms.ValidationError(error.message) from None
