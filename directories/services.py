"""Directory actions the organization lifecycle calls."""

from django.db import IntegrityError

from directories.models import Directory, DirectoryStage, DirectoryType, new_directory_id
from workmail_console.db import savepoint_if_nested


def create_workmail_directory(
    *, account_id: str, region: str, alias: str, idempotency_key: str
) -> Directory:
    """Create new Amazon WorkMail directory for what `idempotency_key` names (an organization).

    Asking again with the same key, even at the same moment, returns the same directory.
    """
    while True:
        directory = Directory(
            directory_id=new_directory_id(),
            idempotency_key=idempotency_key,
            account_id=account_id,
            region=region,
            alias=alias,
            directory_type=DirectoryType.WORKMAIL,
        )
        try:
            with savepoint_if_nested():
                directory.save(force_insert=True)
        except IntegrityError:
            if made := Directory.objects.filter(idempotency_key=idempotency_key).first():
                return made  # asked twice: the first ask made it
            continue  # the directory ID was taken: draw another
        return directory


def delete_directory(directory: Directory) -> None:
    """Delete the user directory along with the organization (the delete dialog's choice)."""
    Directory.objects.filter(pk=directory.pk).update(stage=DirectoryStage.DELETED)


def directory_problem(directory: Directory, *, region: str) -> str | None:
    """Why the directory can't back an organization, in the console's words, or None."""
    if directory.stage != DirectoryStage.ACTIVE:
        return f"The directory {directory.directory_id} is not Active (it is {directory.stage})."
    if directory.region != region:
        return f"The directory {directory.directory_id} is located in another Region."
    return None
