"""The forms of an organization's settings pages: Manage tags (rows of key and value), the
retention policy's folder actions and the mobile device policy, with the console's labels.

Each field is checked with the rule the service applies (organizations.settings_services), so
every error shows at once under its field; the service checks again, under the lock.
"""

from typing import Any

from django import forms

from organizations import settings_services as rules
from organizations.models import (
    FolderConfiguration,
    FolderName,
    MobileDevicePolicy,
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
