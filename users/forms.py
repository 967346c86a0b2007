"""The Users pages' forms, with the Amazon WorkMail console's labels.

Each field is checked with the rule the service applies (users.services, users.passwords), so that
every field's error shows at once, under its field; the service checks again, and alone decides
what needs the database's locks (a name or an address someone else just took).
"""

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from directories.models import Directory
from organizations.models import Organization
from users import groups, mailboxes, resources, services
from users.models import Group, Resource, ResourceType, User
from users.passwords import MAX_LENGTH, POLICY, TOO_LONG, password_problem
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm
from workmail_console.names import DOMAIN_MAX

ATTRIBUTE = {"max_length": services.ATTRIBUTE_MAX, "required": False}
MISMATCH = "The passwords don't match."


def _checked(check: Any, *args: Any, **kwargs: Any) -> Any:
    """A service's check as a form field's: its error, in its words, under the field."""
    try:
        return check(*args, **kwargs)
    except WorkMailError as error:
        raise forms.ValidationError(error.message) from None


def _password_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        required=False,  # the policy's own "Enter a password." says it
        max_length=MAX_LENGTH,
        error_messages={"max_length": TOO_LONG},
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class UserDetailsForm(ConsoleForm):
    """User details: what Create user and a directory's Add user both ask."""

    name = forms.CharField(label="User name", required=False)  # its maximum: the directory's
    first_name = forms.CharField(label="First name", **ATTRIBUTE)
    last_name = forms.CharField(label="Last name", **ATTRIBUTE)
    display_name = forms.CharField(
        label="Display name",
        max_length=services.ATTRIBUTE_MAX,
        error_messages={"required": "Enter a display name."},
    )

    def __init__(self, *args: Any, directory: Directory | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = directory
        name, limit = self.fields["name"], services.name_max_length(directory)
        name.max_length = limit
        name.validators.append(MaxLengthValidator(limit))
        name.error_messages["max_length"] = services.name_too_long(directory)
        name.help_text = (
            f"Up to {limit} characters: letters (a-z, A-Z), numbers (0-9), underscores (_),"
            " hyphens (-) and periods (.)."
        )

    def clean_name(self) -> str:
        return _checked(
            services.validate_user_name, self.cleaned_data["name"], directory=self.directory
        )

    def details(self) -> dict[str, str]:
        """The user details, cleaned, as the services take them."""
        fields = ("name", "display_name", "first_name", "last_name")
        return {name: self.cleaned_data[name] for name in fields}


class AddressFields(ConsoleForm):
    """Email address: a local part and one of the organization's domains, in one field."""

    email = forms.CharField(  # the part before the @
        label="Email address",
        required=False,
        max_length=services.LOCAL_PART_MAX,
        help_text="The user's primary email address, on one of the organization's verified"
        " domains.",
    )
    domain = forms.CharField(
        label="Domain",
        required=False,
        max_length=DOMAIN_MAX,
        widget=forms.Select,  # a domain not offered still reaches the service, which says why
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.domains = services.address_domains(organization)
        self.fields["domain"].widget.choices = [(name, name) for name in self.domains]
        self.fields["domain"].initial = self.domains[0] if self.domains else ""

    def local_part(self, data: dict[str, Any]) -> str:
        return data.get("email", "")

    def clean_address(self, data: dict[str, Any]) -> None:
        """The whole address, as the service will take it, into cleaned_data["address"]."""
        domain = data.get("domain", "")
        if not domain:
            self.add_error("email", "Choose a domain for the email address.")
            return
        try:
            data["address"] = services.validate_email(
                f"{self.local_part(data)}@{domain}", organization=self.organization
            )
        except WorkMailError as error:
            self.add_error("email", error.message)


class PasswordFields(ConsoleForm):
    password = _password_field("Password", POLICY)
    repeat_password = _password_field("Repeat password", "Enter the password again.")

    def clean_passwords(self, data: dict[str, Any], user_name: str) -> None:
        if "password" not in data:
            return  # over its maximum: the field's error says so
        password = data["password"]
        if problem := password_problem(password, user_name=user_name):
            self.add_error("password", problem)
        elif "repeat_password" in data and data["repeat_password"] != password:
            self.add_error("repeat_password", MISMATCH)


class CreateUserForm(UserDetailsForm, AddressFields, PasswordFields):
    show_in_global_address_list = forms.BooleanField(
        label="Show in global address list", required=False, initial=True
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(
            *args, organization=organization, directory=organization.directory, **kwargs
        )
        self.fields["email"].help_text += " Leave it empty to use the user name."

    def local_part(self, data: dict[str, Any]) -> str:
        """The console pre-fills the address with the user name: empty means that."""
        return data.get("email") or data.get("name", "").partition("@")[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("email") or "name" not in self.errors:  # else the name's error says it
            self.clean_address(data)
        self.clean_passwords(data, data.get("name", ""))
        return data


class AddDirectoryUserForm(UserDetailsForm):
    """A directory's Add user: a user made with the on-premises Active Directory's tools."""


class EnableUserForm(AddressFields):
    def __init__(self, *args: Any, organization: Organization, user: User, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        # The user's address, or its name at the default domain.
        self.initial["email"] = user.local_part or user.name.partition("@")[0]
        if user.domain:
            self.initial["domain"] = user.domain

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_address(data)
        return data


class ResetPasswordForm(PasswordFields):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_passwords(data, self.user.name)
        return data


class DeleteUserForm(ConsoleForm):
    confirmation = forms.CharField(label="", required=False, max_length=services.WORKMAIL_NAME_MAX)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["confirmation"].label = f"To confirm deletion, enter {user.name}"

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip()
        if value != self.user.name:
            raise forms.ValidationError(
                f"Enter {self.user.name} exactly as shown to confirm deletion."
            )
        return value


# --- Groups ---------------------------------------------------------------------------------


class CreateGroupForm(AddressFields):
    """Create group: Group name and Email address, as the console's Create a group page."""

    name = forms.CharField(
        label="Group name",
        required=False,  # the service's "Enter a group name." says it
        max_length=groups.GROUP_NAME_MAX,
        error_messages={"max_length": f"The group name can be up to {groups.GROUP_NAME_MAX}"
                        " characters long."},
        help_text="Up to 256 characters; letters, numbers, spaces and Latin-1 punctuation.",
    )  # fmt: skip
    show_in_global_address_list = forms.BooleanField(
        label="Show in global address list", required=False, initial=True
    )

    field_order = ["name", "email", "domain", "show_in_global_address_list"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        self.fields[
            "email"
        ].help_text = (
            "The group's primary email address, on one of the organization's verified domains."
        )

    def clean_name(self) -> str:
        return _checked(groups.validate_group_name, self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email"):
            self.add_error("email", "Enter the group's email address.")
        else:
            self.clean_address(data)
        return data


class EnableGroupForm(AddressFields):
    def __init__(self, *args: Any, organization: Organization, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        # The group's address, or its name (when it makes one) at the default domain.
        local, _, domain = (group.email or "").partition("@")
        fallback = group.name.replace(" ", ".").lower()
        self.initial["email"] = local or (
            fallback if services.LOCAL_PART_PATTERN.fullmatch(fallback) else ""
        )
        if domain:
            self.initial["domain"] = domain

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_address(data)
        return data


class DeleteGroupForm(ConsoleForm):
    confirmation = forms.CharField(
        label="Enter the group name to confirm deletion",
        required=False,
        max_length=groups.GROUP_NAME_MAX,
    )

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"]
        if value != self.group.name:
            raise forms.ValidationError(
                f"Enter {self.group.name} exactly as shown to confirm deletion."
            )
        return value


class AddMemberForm(ConsoleForm):
    """Members: "Select the user or group from the dropdown" (the enabled ones not in it yet)."""

    member = forms.CharField(label="User or group", required=False, max_length=64)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices

    def clean_member(self) -> str:
        value = self.cleaned_data["member"]
        if not value:
            raise forms.ValidationError("Choose a user or group to add.")
        return value


# --- Resources ------------------------------------------------------------------------------


class ResourceDetailsForm(ConsoleForm):
    """Resource details: name, description and type, as Create resource and Edit ask them."""

    name = forms.CharField(
        label="Resource name",
        required=False,  # the service's "Enter a resource name." says it
        max_length=resources.NAME_MAX,
        error_messages={"max_length": f"The resource name can be up to {resources.NAME_MAX}"
                        " characters long."},
        help_text="Up to 20 characters: letters (a-z, A-Z), numbers (0-9), underscores (_),"
        " hyphens (-) and periods (.).",
    )  # fmt: skip
    description = forms.CharField(
        label="Resource description",
        required=False,
        max_length=resources.DESCRIPTION_MAX,
        error_messages={"max_length": f"The description can be up to {resources.DESCRIPTION_MAX}"
                        " characters long."},
    )  # fmt: skip
    resource_type = forms.ChoiceField(
        label="Resource type",
        choices=ResourceType.choices,
        initial=ResourceType.ROOM,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose Room or Equipment.",
                        "required": "Choose Room or Equipment."},
    )  # fmt: skip
    show_in_global_address_list = forms.BooleanField(
        label="Show in global address list", required=False, initial=True
    )

    def clean_name(self) -> str:
        return _checked(resources.validate_resource_name, self.cleaned_data["name"])


class CreateResourceForm(ResourceDetailsForm, AddressFields):
    field_order = ["name", "description", "resource_type", "email", "domain"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["email"].help_text = (
            "The resource's email address, on one of the organization's verified domains."
            " Leave it empty to use the resource name."
        )

    def local_part(self, data: dict[str, Any]) -> str:
        """Pre-filled with the resource name, as the console does: empty means that."""
        return data.get("email") or data.get("name", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("email") or "name" not in self.errors:
            self.clean_address(data)
        return data


class EditResourceForm(ResourceDetailsForm):
    pass


class BookingOptionsForm(ConsoleForm):
    """Booking options, with the console's labels (by meaning, to BookingOptions' fields)."""

    auto_accept_requests = forms.BooleanField(
        label="Automatically accept all resource requests", required=False
    )
    auto_decline_recurring_requests = forms.BooleanField(
        label="Automatically decline recurring resource requests", required=False
    )
    auto_decline_conflicting_requests = forms.BooleanField(
        label="Automatically decline conflicting resource requests", required=False
    )


class EnableResourceForm(AddressFields):
    def __init__(
        self, *args: Any, organization: Organization, resource: Resource, **kwargs: Any
    ) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        local, _, domain = (resource.email or "").partition("@")
        self.initial["email"] = local or resource.name
        if domain:
            self.initial["domain"] = domain

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_address(data)
        return data


class DeleteResourceForm(ConsoleForm):
    confirmation = forms.CharField(
        label="Enter the resource name to confirm deletion",
        required=False,
        max_length=resources.NAME_MAX,
    )

    def __init__(self, *args: Any, resource: Resource, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resource = resource

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"]
        if value != self.resource.name:
            raise forms.ValidationError(
                f"Enter {self.resource.name} exactly as shown to confirm deletion."
            )
        return value


# --- A user's details -----------------------------------------------------------------------


class EditUserForm(ConsoleForm):
    """User details: Edit (UpdateUser's personal data; the name can't change)."""

    display_name = forms.CharField(
        label="Display name",
        max_length=services.ATTRIBUTE_MAX,
        error_messages={"required": "Enter a display name."},
    )
    first_name = forms.CharField(label="First name", **ATTRIBUTE)
    last_name = forms.CharField(label="Last name", **ATTRIBUTE)
    show_in_global_address_list = forms.BooleanField(
        label="Show in global address list", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, label in mailboxes.PERSONAL_DATA.items():
            self.fields[field] = forms.CharField(label=label, **ATTRIBUTE)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["hidden_from_global_address_list"] = not data.pop("show_in_global_address_list")
        return data


class AliasForm(AddressFields):
    """Email addresses: Add alias (a local part and one of the organization's domains)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Add alias"
        self.fields["email"].help_text = (
            "Enter the alias in the left-hand box, and choose one of the organization's"
            " verified domains."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email"):
            self.add_error("email", "Enter the alias's name, before the @.")
        else:
            self.clean_address(data)
        return data


class QuotaForm(ConsoleForm):
    mailbox_quota = forms.IntegerField(
        label="Update mailbox quota",
        min_value=mailboxes.QUOTA_MIN,
        max_value=mailboxes.QUOTA_MAX,
        help_text="You can enter values from 1 to 51200 (MB).",
        error_messages={
            "required": "Enter a mailbox quota from 1 to 51200 MB.",
            "invalid": "Enter a mailbox quota from 1 to 51200 MB.",
            "min_value": "Enter a mailbox quota from 1 to 51200 MB.",
            "max_value": "Enter a mailbox quota from 1 to 51200 MB.",
        },
    )


class PermissionForm(ConsoleForm):
    """Add permissions / Edit permissions: a user or group, and what it may do."""

    grantee = forms.CharField(label="Add new permissions", required=False, max_length=64)
    full_access = forms.BooleanField(label="Full Access", required=False)
    send_as = forms.BooleanField(label="Send As", required=False)
    send_on_behalf = forms.BooleanField(label="Send On Behalf", required=False)

    def clean_grantee(self) -> str:
        if not self.cleaned_data["grantee"]:
            raise forms.ValidationError("Choose the user or group that needs access.")
        return self.cleaned_data["grantee"]

    def values(self) -> list[str]:
        return [api for field, api in mailboxes.PERMISSIONS.items() if self.cleaned_data[field]]
