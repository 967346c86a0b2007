"""An AD Connector's on-premises users on its directory's page: the section users.apps adds to
directories.views.DETAIL_SECTIONS, and its Add user.

The console stands in for the on-premises Active Directory here, so that people can add users as
their Active Directory tools would; Amazon WorkMail then enables or disables them.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from directories.models import Directory, DirectoryType
from directories.views import get_directory_or_404, render_detail
from users import services
from users.forms import AddDirectoryUserForm
from workmail_console.errors import WorkMailError
from workmail_console.tenancy import ConsoleRequest, admin_required

SECTION = "directory-users"


def directory_users_section(
    request: ConsoleRequest, directory: Directory, form: AddDirectoryUserForm | None
) -> dict[str, Any] | None:
    if directory.directory_type != DirectoryType.AD_CONNECTOR:
        return None  # the other kinds' users are made in their organization
    return {
        "template": "users/_directory_users.html",
        "users": services.users_in(directory),
        "form": form or AddDirectoryUserForm(directory=directory),
    }


@require_POST
@admin_required
def directory_add_user(request: ConsoleRequest, region: str, directory_id: str) -> HttpResponse:
    """Directory users > Add user: a user made in an AD Connector's on-premises directory."""
    directory = get_directory_or_404(request, region, directory_id)
    form = AddDirectoryUserForm(request.POST, directory=directory)
    if form.is_valid():
        try:
            user = services.add_directory_user(directory=directory, **form.details())
        except WorkMailError as error:
            if error.field not in form.fields:  # the directory's own: say so on its page
                messages.error(request, error.message)
                return redirect(directory)
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, f"User {user.name} was added to directory {directory.directory_id}."
            )
            return redirect(directory)
    return render_detail(request, directory, refused=(SECTION, form))
