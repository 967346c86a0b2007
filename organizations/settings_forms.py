"""The forms of an organization's settings pages: Manage tags (rows of key and value), the
retention policy's folder actions, the mobile device policy, Add availability configuration and
Journaling's Edit, with the console's labels.

Each field is checked with the rule the service applies (organizations.settings_services), so
every error shows at once under its field; the service checks again, under the lock.
"""

from typing import Any

from django import forms

from organizations import settings_services as rules
from organizations.models import (
    FolderConfiguration,
    FolderName,
    JournalingConfiguration,
    MobileDevicePolicy,
    ProviderType,
    RetentionAction,
    RetentionPolicy,
)
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm

TAGS_PREFIX = "tags"
DUPLICATE_KEY = "Another tag has this key. Each tag key must be unique."


# --- Tags -----------------------------------------------------------------------------------


class TagForm(ConsoleForm):
    """One row of Manage tags: a tag as it is (original_key, empty for a new row) and as it will
    be. A row left empty is no tag; a row marked Remove goes, whatever it holds."""

    key = forms.CharField(label="Key", required=False, strip=False, max_length=rules.TAG_KEY_MAX)
    value = forms.CharField(
        label="Value", required=False, strip=False, max_length=rules.TAG_VALUE_MAX
    )
    original_key = forms.CharField(
        required=False, strip=False, max_length=rules.TAG_KEY_MAX, widget=forms.HiddenInput
    )
    remove = forms.BooleanField(label="Remove", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        key, value = data.get("key", ""), data.get("value", "")
        if data.get("remove") or not (key or value or data.get("original_key")):
            return data  # removed, or an empty row
        for name, check, text in (
            ("key", rules.validate_tag_key, key),
            ("value", rules.validate_tag_value, value),
        ):
            if name not in self.errors:
                try:
                    check(text)
                except WorkMailError as error:
                    self.add_error(name, error.message)
        return data

    @property
    def kept(self) -> tuple[str, str] | None:
        """The tag this row leaves, once valid: None if removed or empty."""
        data = self.cleaned_data
        if data.get("remove") or not data.get("key"):
            return None
        return data["key"], data["value"]

    @property
    def removed_key(self) -> str | None:
        """The key this row takes away: its tag's, if removed, emptied or renamed."""
        data = self.cleaned_data
        original = data.get("original_key")
        if original and (data.get("remove") or data.get("key") != original):
            return original
        return None

    def as_row(self) -> dict[str, Any]:
        """What the row holds as sent, for the page shown again with another row."""
        return {name: self[name].value() for name in ("key", "value", "original_key", "remove")}


class BaseTagFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": f"You can add up to {rules.TAGS_MAX} tags.",
        "missing_management_form": "The form was incomplete. Open Manage tags again.",
    }

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            kept = None if form.errors else form.kept
            if kept is None:
                continue
            if kept[0] in seen:
                form.add_error("key", DUPLICATE_KEY)
            seen.add(kept[0])
        if len(seen) > rules.TAGS_MAX:
            raise forms.ValidationError(f"You can add up to {rules.TAGS_MAX} tags.")

    def tags(self) -> list[tuple[str, str]]:
        return [form.kept for form in self.forms if form.kept is not None]

    def removed_keys(self) -> list[str]:
        return [form.removed_key for form in self.forms if form.removed_key is not None]

    def add_service_error(self, error: WorkMailError) -> None:
        self.non_form_errors().append(error.message)

    @property
    def can_add(self) -> bool:
        return self.total_form_count() < rules.TAGS_MAX


TagFormSet = forms.formset_factory(
    TagForm, formset=BaseTagFormSet, extra=0, max_num=rules.TAGS_MAX, absolute_max=rules.TAGS_MAX
)


def tag_formset(data: Any = None, *, tags: list | None = None) -> BaseTagFormSet:
    """Manage tags: the organization's `tags` as rows (one empty row if it has none), or the rows
    `data` sent."""
    if data is not None:
        return TagFormSet(data, prefix=TAGS_PREFIX)
    rows = [{"key": tag.key, "value": tag.value, "original_key": tag.key} for tag in tags or []]
    return TagFormSet(initial=rows or [{}], prefix=TAGS_PREFIX)


def with_another_row(data: Any) -> BaseTagFormSet:
    """Add new tag, without JavaScript: the rows sent, as they were typed, and an empty one."""
    rows = [form.as_row() for form in TagFormSet(data, prefix=TAGS_PREFIX).forms]
    return TagFormSet(initial=[*rows, {}][: rules.TAGS_MAX], prefix=TAGS_PREFIX)


# --- Retention policy -------------------------------------------------------------------------


def _folder_field(folder: str, part: str) -> str:
    return f"{folder.lower()}_{part}"


class RetentionPolicyForm(ConsoleForm):
    """Retention policy > Folder actions: for each folder, its action and the days to keep email
    messages in it before the action (needed unless the action is None)."""

    def __init__(self, *args: Any, policy: RetentionPolicy | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        configured = {f.name: f for f in policy.folder_configurations.all()} if policy else {}
        for folder, label in FolderName.choices:
            current = configured.get(folder)
            self.fields[_folder_field(folder, "action")] = forms.ChoiceField(
                label=f"{label}: action", choices=RetentionAction.choices, required=False,
                initial=current.action if current else RetentionAction.NONE,
            )  # fmt: skip
            self.fields[_folder_field(folder, "period")] = forms.IntegerField(
                label=f"{label}: days", required=False,
                initial=current.period if current else None,
            )  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        """Each folder's label, action and days, for the page's table."""
        return [
            {"folder": label, "action": self[_folder_field(folder, "action")],
             "period": self[_folder_field(folder, "period")], "choices": RetentionAction.choices}
            for folder, label in FolderName.choices
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for folder in FolderName.values:
            action_field, period_field = (_folder_field(folder, p) for p in ("action", "period"))
            if action_field in self.errors or period_field in self.errors:
                continue
            action = data.get(action_field) or RetentionAction.NONE
            period = data.get(period_field) if action != RetentionAction.NONE else None
            try:
                rules.validate_period(action, period)
            except WorkMailError as error:
                self.add_error(period_field, error.message)
            data[action_field], data[period_field] = action, period
        return data

    def folder_configurations(self) -> list[FolderConfiguration]:
        return [
            FolderConfiguration(
                name=folder, action=self.cleaned_data[_folder_field(folder, "action")],
                period=self.cleaned_data[_folder_field(folder, "period")],
            )
            for folder in FolderName.values
        ]  # fmt: skip


# --- Mobile device policy ---------------------------------------------------------------------


def mobile_policy_fields() -> list[Any]:
    """The policy's ten settings, in the guide's order (the model's)."""
    names = {*rules.MOBILE_POLICY_SWITCHES, *rules.MOBILE_POLICY_RANGES}
    return [field for field in MobileDevicePolicy._meta.fields if field.name in names]


class MobileDevicePolicyForm(ConsoleForm):
    """Mobile policy > Edit: the five switches and the five numbers (empty: not enforced)."""

    def __init__(self, *args: Any, policy: MobileDevicePolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in mobile_policy_fields():
            switch = field.name in rules.MOBILE_POLICY_SWITCHES
            self.fields[field.name] = (forms.BooleanField if switch else forms.IntegerField)(
                label=field.verbose_name, help_text=field.help_text, required=False,
                initial=getattr(policy, field.name),
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in rules.MOBILE_POLICY_RANGES:
            if name not in self.errors:
                try:
                    rules.validate_mobile_policy_number(name, data.get(name))
                except WorkMailError as error:
                    self.add_error(name, error.message)
        return data


# --- Availability configurations ----------------------------------------------------------------

PROVIDER_OPTIONS = [
    {
        "value": ProviderType.EWS,
        "label": "EWS",
        "hint": "Read free/busy information from a Microsoft Exchange server, through its EWS URL"
        " and a user that can sign in to it.",
    },
    {
        "value": ProviderType.LAMBDA,
        "label": "CAP Lambda",
        "hint": "Read free/busy information from a Lambda function, a custom availability"
        " provider (CAP).",
    },
]


class AvailabilityConfigurationForm(ConsoleForm):
    """Add availability configuration: the type, the domain, and the chosen type's fields (EWS
    URL, User email address and Password, or ARN); the other type's fields are not read."""

    provider_type = forms.ChoiceField(
        label="Type", choices=ProviderType.choices, initial=ProviderType.EWS
    )
    domain_name = forms.CharField(
        label="Domain", required=False, max_length=rules.DOMAIN_NAME_MAX,
        help_text="The domain of the users whose free/busy information is read, such as"
        " example.com.",
    )  # fmt: skip
    ews_endpoint = forms.CharField(
        label="EWS URL", required=False, max_length=rules.EWS_MEMBER_MAX,
        help_text="Such as https://mail.example.com/EWS/Exchange.asmx.",
    )  # fmt: skip
    ews_username = forms.CharField(
        label="User email address", required=False, max_length=rules.EWS_MEMBER_MAX
    )
    ews_password = forms.CharField(
        label="Password", required=False, strip=False, max_length=rules.EWS_MEMBER_MAX,
        widget=forms.PasswordInput,
    )  # fmt: skip
    lambda_arn = forms.CharField(
        label="ARN", required=False, max_length=rules.LAMBDA_ARN_MAX,
        help_text="The ARN of the Lambda function, such as"
        " arn:aws:lambda:us-east-1:111122223333:function:availability.",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        checks: list[tuple[str, Any]] = [
            ("domain_name", lambda: rules.validate_availability_domain(data["domain_name"]))
        ]
        if data.get("provider_type") == ProviderType.EWS:
            checks.append(("ews_", lambda: rules.validate_ews_provider(self._ews())))
        elif data.get("provider_type") == ProviderType.LAMBDA:
            checks.append(("lambda_arn", lambda: rules.validate_lambda_provider(self._lambda())))
        for prefix, check in checks:
            if any(name.startswith(prefix) for name in self.errors):
                continue
            try:
                check()
            except WorkMailError as error:
                self.add_service_error(error)
        return data

    def _ews(self) -> rules.EwsProvider:
        data = self.cleaned_data
        return rules.EwsProvider(
            ews_endpoint=data["ews_endpoint"], ews_username=data["ews_username"],
            ews_password=data["ews_password"],
        )  # fmt: skip

    def _lambda(self) -> rules.LambdaProvider:
        return rules.LambdaProvider(lambda_arn=self.cleaned_data["lambda_arn"])

    def providers(self) -> dict[str, Any]:
        """The provider chosen, as create_availability_configuration takes it."""
        if self.cleaned_data["provider_type"] == ProviderType.EWS:
            return {"ews_provider": self._ews()}
        return {"lambda_provider": self._lambda()}

    def provider_options(self) -> list[dict[str, str]]:
        return PROVIDER_OPTIONS


# --- Journaling ---------------------------------------------------------------------------------


class JournalingForm(ConsoleForm):
    """Journaling > Edit: the status (on or off) and its two addresses, needed while it is on."""

    journaling_status = forms.BooleanField(label="Journaling status", required=False)
    journaling_email_address = forms.CharField(
        label="Journaling email address", required=False, max_length=rules.EMAIL_MAX,
        help_text="The address given by your email journaling provider.",
    )  # fmt: skip
    report_email_address = forms.CharField(
        label="Report email address", required=False, max_length=rules.EMAIL_MAX,
        help_text="The email administrator's address. Journal records that can't be delivered"
        " are reported to it.",
    )  # fmt: skip

    def __init__(self, *args: Any, configuration: JournalingConfiguration, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "journaling_status": configuration.enabled,
            "journaling_email_address": configuration.journaling_email_address,
            "report_email_address": configuration.report_email_address,
        })  # fmt: skip
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, label in (
            ("journaling_email_address", "journaling email address"),
            ("report_email_address", "report email address"),
        ):
            if name not in self.errors:
                try:
                    rules.validate_journaling_address(
                        data.get(name, ""), label=label, field=name,
                        required=bool(data.get("journaling_status")),
                    )  # fmt: skip
                except WorkMailError as error:
                    self.add_error(name, error.message)
        return data

    def settings(self) -> dict[str, Any]:
        """What update_journaling_configuration takes."""
        data = self.cleaned_data
        return {
            "enabled": data["journaling_status"],
            "journaling_email_address": data["journaling_email_address"],
            "report_email_address": data["report_email_address"],
        }
