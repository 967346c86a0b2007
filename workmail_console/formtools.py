"""What every console form shares: each value is checked whole against its field's own maximum,
never cut; only what the page shows again is shortened, so a megabyte sent never comes back."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from workmail_console.errors import WorkMailError

# What the page shows again of a value whose field has no maximum of its own (a choice, a list of
# choices), and of a value quoted in an error (Django's "x is not one of the available choices").
ECHO_LIMIT = 256
ELLIPSIS = "…"


def echoed(value: Any, limit: int) -> Any:
    """`value` as the page may show it again: text over `limit` characters is cut there and ends
    with an ellipsis, so that sent back unchanged it is still over the limit, and refused."""
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + ELLIPSIS
    if isinstance(value, list | tuple):
        return [echoed(item, limit) for item in value]
    return value


class EchoedField(forms.BoundField):
    """A field as the page renders it again (its widget, `{{ field.value }}`): the value sent,
    shortened to the field's maximum. Validation reads the data, never this."""

    def value(self) -> Any:
        return echoed(super().value(), getattr(self.field, "max_length", None) or ECHO_LIMIT)


class ConsoleForm(forms.Form):
    bound_field_class = EchoedField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                # A field's rule may word its own limit (error_messages); this is the default.
                field.error_messages.setdefault(
                    "max_length", f"Enter at most {field.max_length:,} characters."
                )

    def add_service_error(self, error: WorkMailError) -> None:
        """A service's refusal, in its words: under the field it names, or above the form when
        the form has no such field (the organization's state, say)."""
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def add_error(self, field: str | None, error: Any) -> None:
        if isinstance(error, ValidationError):
            for item in _items(error):
                if not item.params:
                    continue
                if "%(" in str(item.message):
                    item.params = {key: echoed(v, ECHO_LIMIT) for key, v in item.params.items()}
                else:  # words with no placeholder, shown as written (a rule's may hold a %)
                    item.params = None
        super().add_error(field, error)


def _items(error: ValidationError) -> list[ValidationError]:
    if hasattr(error, "error_dict"):
        return [item for items in error.error_dict.values() for item in items]
    return error.error_list


def page_status(form: forms.Form) -> int:
    """The HTTP status of a page showing `form`: 400 once it has errors, else 200."""
    return 400 if form.errors else 200


REVIEW_EMPTY = "-"  # a Review section's value left empty


def review_item(field: forms.BoundField) -> dict[str, str]:
    """A Review section's line for `field`: its label; the value the page holds, as a person reads
    it (a choice's label, chosen labels joined), "-" when empty, never a password (the page never
    holds one); and what static/js/review.js follows: the control's id, or a group's name."""
    widget = field.field.widget
    value = "" if isinstance(widget, forms.PasswordInput) else field.value()
    if hasattr(field.field, "choices"):
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])} - {""}
        value = ", ".join(str(label) for v, label in field.field.choices if str(v) in chosen)
    shown = "" if value is None else str(value)
    grouped = getattr(widget, "input_type", None) in ("radio", "checkbox")
    return {
        "label": str(field.label),
        "value": shown if shown.strip() else REVIEW_EMPTY,
        "of": field.html_name if grouped else field.auto_id,
    }
