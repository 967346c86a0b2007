"""The dashboard's filters: the query string of a URL you can share."""

from django import forms

from organizations.lifecycle import State
from workmail_console.formtools import ConsoleForm
from workmail_console.regions import REGION_CHOICES


class DashboardFilter(ConsoleForm):
    account = forms.RegexField(
        label="Account ID",
        regex=r"^\d{12}$",
        required=False,
        max_length=12,
        error_messages={"invalid": "An account ID is 12 digits."},
    )
    region = forms.ChoiceField(
        label="Region", choices=[("", "All Regions"), *REGION_CHOICES], required=False
    )
    state = forms.ChoiceField(
        label="State", choices=[("", "All states")] + [(s, s) for s in State], required=False
    )

    def __init__(self, *args: object, sees_all_accounts: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not sees_all_accounts:
            del self.fields["account"]
