"""The Route 53 pages' forms, with the Route 53 console's labels. The rules are the services'
(route53.services, route53.registrar); these only carry what was typed."""

from django import forms

from route53.models import RecordType
from route53.services import (
    COMMENT_MAX,
    TTL_MAX,
    VALUES_MAX,
    VALUES_TOTAL_MAX,
    VALUES_TOTAL_TOO_LONG,
)
from workmail_console.formtools import ConsoleForm

PUBLIC, PRIVATE = "public", "private"
ZONE_TYPE_OPTIONS = [
    {"value": PUBLIC, "label": "Public hosted zone",
     "hint": "A public hosted zone determines how traffic is routed on the internet."},
    {"value": PRIVATE, "label": "Private hosted zone",
     "hint": "A private hosted zone determines how traffic is routed within an Amazon VPC."},
]  # fmt: skip
NAME_MAX = 255
# The Value box: all the values a change batch may carry, each with its line break (\r\n).
VALUES_TEXT_MAX = VALUES_TOTAL_MAX + 2 * VALUES_MAX
TTL_RULE = f"Enter a TTL from 0 to {TTL_MAX} seconds."


class CreateHostedZoneForm(ConsoleForm):
    name = forms.CharField(
        label="Domain name", max_length=NAME_MAX,
        error_messages={"required": "Enter a domain name."},
        help_text="This is the name of the domain that you want to route traffic for.",
    )  # fmt: skip
    comment = forms.CharField(
        label="Description", max_length=COMMENT_MAX, required=False,
        help_text="This value lets you distinguish hosted zones that have the same name.",
    )  # fmt: skip
    zone_type = forms.ChoiceField(
        label="Type", choices=[(o["value"], o["label"]) for o in ZONE_TYPE_OPTIONS],
        initial=PUBLIC, error_messages={"invalid_choice": "Choose a public or private zone."},
    )  # fmt: skip

    def zone_type_options(self) -> list[dict]:
        return ZONE_TYPE_OPTIONS

    def zone_type_value(self) -> str:
        return self["zone_type"].value() or PUBLIC


class RecordSetForm(ConsoleForm):
    record_name = forms.CharField(
        label="Record name", max_length=NAME_MAX, required=False,
        help_text="Keep blank to create a record for the root domain.",
    )  # fmt: skip
    record_type = forms.ChoiceField(
        label="Record type", choices=RecordType.choices, initial=RecordType.A,
        error_messages={"invalid_choice": "Choose a record type from the list."},
    )  # fmt: skip
    ttl = forms.CharField(
        label="TTL (seconds)", initial="300", max_length=len(str(TTL_MAX)),
        error_messages={"max_length": TTL_RULE},
    )  # fmt: skip
    values = forms.CharField(
        label="Value", widget=forms.Textarea(attrs={"rows": 4}), max_length=VALUES_TEXT_MAX,
        error_messages={"required": "Enter at least one value.",
                        "max_length": VALUES_TOTAL_TOO_LONG},
        help_text="Enter multiple values on separate lines.",
    )  # fmt: skip

    def clean_ttl(self) -> int:
        text = self.cleaned_data["ttl"].strip()
        if not text.isascii() or not text.isdigit() or int(text) > TTL_MAX:
            raise forms.ValidationError(TTL_RULE)
        return int(text)

    def clean_values(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data["values"].splitlines())


class DeleteRecordSetForm(ConsoleForm):
    record_name = forms.CharField(max_length=NAME_MAX, required=False)  # empty: the apex
    record_type = forms.ChoiceField(choices=RecordType.choices)


class RegisterDomainForm(ConsoleForm):
    name = forms.CharField(
        label="Domain name", max_length=NAME_MAX,
        error_messages={"required": "Enter a domain name."},
        help_text="Enter the domain name that you want to register, such as example.com.",
    )  # fmt: skip
