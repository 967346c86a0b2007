from django import forms

from workmail_console.formtools import ConsoleForm
from workmail_console.models import Role

# Django sets no maximum on a password; this is the one it had for a while against hashing
# megabytes (1.4.8).
PASSWORD_MAX = 4096


class AddMemberForm(ConsoleForm):
    username = forms.CharField(label="User name", max_length=150)
    password = forms.CharField(
        label="Password",
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(render_value=False),
        help_text="They sign in with this password. It is not shown again.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.OPS)


class ChangeRoleForm(ConsoleForm):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
