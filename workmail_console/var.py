"""The var/ folder a checkout runs from (WORKMAIL_VAR_DIR, by default var/ in the checkout): the
SQLite database, the secret key, the filesystem broker's folders, STATIC_ROOT. Settings only read
it; `python -m workmail_console.var` makes it, owner-only, and `make run`, `make test`,
`make check` and `make bench` run that first. It runs before Django is set up, so it reads no
settings.
"""

import secrets
import sys
from pathlib import Path

from workmail_console.env import env_str
from workmail_console.files import owner_only

BASE_DIR = Path(__file__).resolve().parent.parent
BROKER_FOLDERS = ("queue", "processed", "control")


def var_dir() -> Path:
    """WORKMAIL_VAR_DIR, by default var/ in the checkout (settings' VAR_DIR)."""
    return Path(env_str("WORKMAIL_VAR_DIR", str(BASE_DIR / "var")))


def secret_key_file(var: Path) -> Path:
    return var / "secret_key"


def prepare(var: Path | None = None) -> Path:
    """Make `var` and what lives in it (what exists already is kept, its modes tightened)."""
    var = var or var_dir()
    var.mkdir(parents=True, exist_ok=True)
    owner_only(var)  # before anything is written in it
    key = secret_key_file(var)
    if not key.exists():
        key.touch(mode=0o600)
        key.write_text(secrets.token_urlsafe(50))
    owner_only(key)
    (var / "static").mkdir(exist_ok=True)  # public: the app's own CSS and scripts
    for folder in BROKER_FOLDERS:
        (var / "broker" / folder).mkdir(parents=True, exist_ok=True)
    for path in (var / "broker", *(var / "broker" / folder for folder in BROKER_FOLDERS)):
        owner_only(path)
    return var


if __name__ == "__main__":
    print(f"==> {prepare()} is ready", file=sys.stderr)
