from django import forms

from workmail_console.models import Role


class AddMemberForm(forms.Form):
    username = forms.CharField(label="User name", max_length=150)
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(render_value=False),
        help_text="They sign in with this password. It is not shown again.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.OPS)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
