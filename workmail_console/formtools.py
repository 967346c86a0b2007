"""What every console form shares: what it echoes back is bounded, whatever was sent."""

from typing import Any

from django import forms

# Longer than any field accepts, so validation still refuses an overlong value, but short enough
# that a megabyte sent in a field never comes back in the error page.
ECHO_LIMIT = 1024


class ConsoleForm(forms.Form):
    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if hasattr(data, "getlist"):  # a QueryDict: request.POST or request.GET
            data = data.copy()
            for key in data:
                data.setlist(key, [_capped(value) for value in data.getlist(key)])
        elif data is not None:
            data = {key: _capped(value) for key, value in data.items()}
        super().__init__(data, *args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                # Django's message counts the characters received, which the cap changes.
                field.error_messages["max_length"] = f"Enter at most {field.max_length} characters."


def _capped(value: Any) -> Any:
    return value[:ECHO_LIMIT] if isinstance(value, str) else value
