"""Browser tests: Playwright drives Debian's Chromium against a live server and a real worker."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import require
from tests.processes import CeleryProcess

# pytest-django's live_server sets up the database from Playwright's (sync) event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
STAGE_DELAY = "1"  # long enough to watch each state go by, short enough for a test


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    require(None if CHROMIUM.exists() else "Chromium is missing: run scripts/ensure-chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def watchable_worker(
    celery_worker: CeleryProcess, process_env, settings, tmp_path
) -> Iterator[CeleryProcess]:
    """A worker that spends a second in each working state, so people (and tests) can watch."""
    settings.WORKMAIL_STAGE_DELAY = float(STAGE_DELAY)  # the first countdown, sent by the server
    with celery_worker.stopped():
        env = process_env(WORKMAIL_STAGE_DELAY=STAGE_DELAY, WORKMAIL_STUCK_AFTER="30")
        with CeleryProcess.worker(env, tmp_path / "worker.log", name="watchable") as worker:
            yield worker


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """Every browser test also checks that the Content Security Policy refused nothing."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    assert not refused, f"the Content Security Policy refused: {refused}"
