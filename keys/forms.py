"""The KMS keys pages' forms, with the AWS KMS console's labels and option texts."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from keys.models import ALIAS_MAX_LENGTH, KeySpec, KeyUsage
from keys.services import (
    ALIAS_NAME_TOO_LONG,
    DESCRIPTION_MAX_LENGTH,
    WAITING_PERIOD_DEFAULT,
    WAITING_PERIOD_MAX,
    WAITING_PERIOD_MIN,
    WAITING_PERIOD_RULE,
)
from workmail_console.formtools import ConsoleForm, review_item
from workmail_console.models import Account

SYMMETRIC, ASYMMETRIC = "SYMMETRIC", "ASYMMETRIC"
KEY_TYPE_OPTIONS = [
    (
        SYMMETRIC,
        "Symmetric",
        "A single key used for encrypting and decrypting data. Amazon WorkMail can use only"
        " symmetric keys.",
    ),
    (
        ASYMMETRIC,
        "Asymmetric",
        "A public and private key pair used for encrypting and decrypting data or signing and"
        " verifying messages.",
    ),
]
KEY_USAGE_OPTIONS = [
    (KeyUsage.ENCRYPT_DECRYPT, KeyUsage.ENCRYPT_DECRYPT.label, "Use the key only to encrypt and"
     " decrypt data."),
    (KeyUsage.SIGN_VERIFY, KeyUsage.SIGN_VERIFY.label, "Use the key only to sign messages and"
     " verify signatures."),
]  # fmt: skip
ASYMMETRIC_SPECS = [(spec, spec) for spec in KeySpec.values if spec != KeySpec.SYMMETRIC_DEFAULT]


def _options(options: list[tuple[str, str, str]]) -> list[dict]:
    return [{"value": value, "label": label, "hint": hint} for value, label, hint in options]


class AliasNameField(forms.CharField):
    """An alias as a person types it: `example` and `alias/example` both name alias/example.
    Its maximum counts the alias/ prefix, as KMS does."""

    def __init__(self, *, error_messages: dict[str, str], **kwargs: Any) -> None:
        kwargs.setdefault("label", "Alias")
        error_messages = {"max_length": ALIAS_NAME_TOO_LONG, **error_messages}
        super().__init__(max_length=ALIAS_MAX_LENGTH, error_messages=error_messages, **kwargs)

    def to_python(self, value: Any) -> str:
        name = super().to_python(value)
        if name and not name.startswith("alias/"):
            name = f"alias/{name}"
        return name


class CreateKeyForm(ConsoleForm):
    key_type = forms.ChoiceField(
        label="Key type",
        choices=[(value, label) for value, label, _ in KEY_TYPE_OPTIONS],
        initial=SYMMETRIC,
        widget=forms.RadioSelect,
    )
    # Asymmetric keys only (a symmetric key encrypts and decrypts): required in clean().
    key_usage = forms.ChoiceField(
        label="Key usage",
        choices=KeyUsage.choices,
        initial=KeyUsage.ENCRYPT_DECRYPT,
        required=False,
        widget=forms.RadioSelect,
    )
    key_spec = forms.ChoiceField(
        label="Key spec", choices=ASYMMETRIC_SPECS, initial=KeySpec.RSA_2048, required=False
    )
    alias_name = AliasNameField(error_messages={"required": "Enter an alias for the key."})
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    administrators = forms.ModelMultipleChoiceField(
        label="Key administrators",
        queryset=get_user_model().objects.none(),
        to_field_name="username",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose the people who can administer this key.",
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administrators"].queryset = (
            get_user_model().objects.filter(membership__account=account).order_by("username")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("key_type") == SYMMETRIC:
            data["key_spec"] = KeySpec.SYMMETRIC_DEFAULT
            data["key_usage"] = KeyUsage.ENCRYPT_DECRYPT
        elif data.get("key_type") == ASYMMETRIC:
            if not data.get("key_usage") and "key_usage" not in self.errors:
                self.add_error("key_usage", "Choose a key usage for the asymmetric key.")
            if not data.get("key_spec") and "key_spec" not in self.errors:
                self.add_error("key_spec", "Choose a key spec for the asymmetric key.")
        return data

    def review(self) -> list[dict[str, str]]:
        """The Review section, as KMS's review step lists the key: a symmetric key's spec and
        usage are fixed, whatever the asymmetric options say."""
        spec, usage = review_item(self["key_spec"]), review_item(self["key_usage"])
        spec["fixed"] = KeySpec.SYMMETRIC_DEFAULT.value
        usage["fixed"] = KeyUsage.ENCRYPT_DECRYPT.label
        for item in (spec, usage):
            item["fixed_when"] = f"key_type={SYMMETRIC}"
            if self["key_type"].value() == SYMMETRIC:
                item["value"] = item["fixed"]
        rest = [self["alias_name"], self["description"], self["administrators"]]
        return [review_item(self["key_type"]), spec, usage, *map(review_item, rest)]

    def key_type_options(self) -> list[dict]:
        return _options(KEY_TYPE_OPTIONS)

    def key_usage_options(self) -> list[dict]:
        return _options(KEY_USAGE_OPTIONS)


class AliasForm(ConsoleForm):
    alias_name = AliasNameField(error_messages={"required": "Enter an alias."})


class ScheduleKeyDeletionForm(ConsoleForm):
    # Checked by the service (one home for the rule); empty means the default, as in KMS.
    pending_window_in_days = forms.CharField(
        label="Waiting period (in days)",
        required=False,
        initial=WAITING_PERIOD_DEFAULT,
        max_length=3,  # KMS's PendingWindowInDays is at most 365
        error_messages={"max_length": WAITING_PERIOD_RULE},
        help_text=f"Enter a waiting period between {WAITING_PERIOD_MIN} and {WAITING_PERIOD_MAX}"
        " days.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )

    def clean_pending_window_in_days(self) -> str | int:
        return self.cleaned_data["pending_window_in_days"].strip() or WAITING_PERIOD_DEFAULT


class DisableKeyForm(ConsoleForm):
    """Disable key asks first, as the KMS console does: the key stops working at once."""

    confirm = forms.BooleanField(
        label="Confirm that you want to disable this key.",
        error_messages={"required": "Confirm that you want to disable this key."},
    )
