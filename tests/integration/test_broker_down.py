"""With the broker down, creating an organization still answers at once and loses nothing: the
organization waits as Requested for the sweep."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

from tests.processes import free_port

CREATE = textwrap.dedent(
    """
    from organizations import services
    from workmail_console.models import Account

    organization = services.create_organization(
        account=Account.create(), region="us-east-1", alias="brokerless"
    )
    organization.refresh_from_db()
    print("state", organization.state, "events", organization.events.count())
    """
)


def test_create_answers_and_keeps_the_organization_when_the_broker_is_down(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "WORKMAIL_QUEUE"}},
        "WORKMAIL_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    run = [sys.executable, "manage.py"]
    subprocess.run(
        [*run, "migrate"], cwd=settings.BASE_DIR, env=env, check=True, capture_output=True
    )
    result = subprocess.run(
        [*run, "shell", "-c", CREATE],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "state Requested events 1" in result.stdout, result.stderr[-2000:]
    assert "the stuck-organization sweep will pick it up" in result.stderr
