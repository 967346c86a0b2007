"""Directory actions the organization lifecycle calls."""

from directories.models import Directory, DirectoryStage, DirectoryType
from workmail_console.models import Account


def create_workmail_directory(
    *, account: Account, region: str, alias: str, idempotency_key: str
) -> Directory:
    """Create new Amazon WorkMail directory; asking again with the same key returns the same one."""
    directory, _ = Directory.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "account": account,
            "region": region,
            "alias": alias,
            "directory_type": DirectoryType.WORKMAIL,
        },
    )
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
