"""The race tests again on SQLite, where IMMEDIATE transactions, not row locks, keep order; the
lifecycle events' SQLite write path; the Monitoring page's UNION; the Inactive rule's migrations,
where SQLite must keep the organizations table's triggers; and the Route 53 models' move to
route53/, which must keep every table as it is."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from workmail_console.var import prepare

pytestmark = [pytest.mark.slow, pytest.mark.process]

PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "tests/races",
    "tests/ops/test_events.py",
    "tests/pages/test_monitoring.py",  # one UNION query: SQLite refuses ORDER BY in its parts
    "tests/integration/test_inactive_migration.py",
    "tests/integration/test_route53_app_migration.py",
    "-q",
    "-p",
    "no:cacheprovider",
]


def test_the_race_tests_pass_on_sqlite(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    var_dir = prepare(tmp_path / "var")
    env.update(WORKMAIL_VAR_DIR=str(var_dir), CELERY_BROKER_URL=settings.CELERY_BROKER_URL)
    result = subprocess.run(
        [*PYTEST, "--show-capture=no"],  # on failure: the failures, not the request logs
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
