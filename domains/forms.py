"""The Domains pages' forms, with the Amazon WorkMail console's labels.

Each field is checked with the rule the service applies (domains.services), so its error shows
under the field; the service checks again, and alone decides what needs the database's locks.
"""

from typing import Any

from django import forms

from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm
from workmail_console.names import DOMAIN_MAX, validate_domain_name


class AddDomainForm(ConsoleForm):
    domain_name = forms.CharField(
        label="Domain name",
        required=False,  # the rule's own "Enter a domain name." says it
        max_length=DOMAIN_MAX + 1,  # a trailing dot is allowed
        help_text="The domain to use for email addresses, such as example.com.",
    )

    def clean_domain_name(self) -> str:
        try:
            return validate_domain_name(self.cleaned_data["domain_name"])
        except WorkMailError as error:
            raise forms.ValidationError(error.message) from None


class RemoveDomainForm(ConsoleForm):
    domain_confirmation = forms.CharField(label="", required=False, max_length=DOMAIN_MAX + 1)

    def __init__(self, *args: Any, domain_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.domain_name = domain_name

    def clean_domain_confirmation(self) -> str:
        value = self.cleaned_data["domain_confirmation"].strip().rstrip(".").lower()
        if value != self.domain_name:
            raise forms.ValidationError(
                f"Enter {self.domain_name} exactly as shown to confirm removal."
            )
        return value
