"""Owner-only files: var/ holds the SQLite database, the secret key and the broker's messages."""

import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # settings import this module: keep django.db out of it
    from django.db.backends.base.base import BaseDatabaseWrapper


def owner_only(path: Path) -> None:
    """Take away group and other access from `path`, if it exists and has any."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        path.chmod(mode & 0o700)


def private_sqlite_files(sender: Any, connection: "BaseDatabaseWrapper", **kwargs: Any) -> None:
    """On connection_created: the SQLite file and its -wal and -shm are the owner's only.

    A new database file gets the umask's mode when it is first opened; SQLite then gives the -wal
    and -shm files the database file's mode, so tightening the file once covers later ones too.
    """
    if connection.vendor != "sqlite":
        return
    database = Path(connection.settings_dict["NAME"])
    for suffix in ("", "-wal", "-shm"):
        owner_only(database.with_name(database.name + suffix))
