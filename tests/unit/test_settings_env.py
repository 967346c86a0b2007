"""Settings from environment variables: read in their unit, and a bad value fails loudly with the
variable's name."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from workmail_console.env import env_float
from workmail_console.var import prepare

SHOW_INACTIVE_RULE = (
    "from django.conf import settings;"
    " print(settings.WORKMAIL_INACTIVE_AFTER.total_seconds(), settings.WORKMAIL_INACTIVE_INTERVAL)"
)


@pytest.mark.parametrize("raw", ["soon", "nan", "inf", "-inf", "1e400"])
def test_a_number_setting_refuses_what_is_not_a_finite_number(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("WORKMAIL_SOMETHING", raw)
    with pytest.raises(ImproperlyConfigured, match=r"WORKMAIL_SOMETHING=.* is not a number"):
        env_float("WORKMAIL_SOMETHING", 1.0)


def test_a_number_setting_keeps_to_its_bounds(monkeypatch) -> None:
    monkeypatch.setenv("WORKMAIL_SOMETHING", "101")
    with pytest.raises(ImproperlyConfigured, match="must be at most 100"):
        env_float("WORKMAIL_SOMETHING", 1.0, maximum=100)
    monkeypatch.setenv("WORKMAIL_SOMETHING", "0.1")
    with pytest.raises(ImproperlyConfigured, match=r"must be at least 0\.5"):
        env_float("WORKMAIL_SOMETHING", 1.0, minimum=0.5)
    monkeypatch.setenv("WORKMAIL_SOMETHING", " ")
    assert env_float("WORKMAIL_SOMETHING", 1.0) == 1.0


def run_with_settings(
    code: str, var_dir: Path, *, unset: set[str], **env: str
) -> subprocess.CompletedProcess:
    """`code` in a process of its own that reads the settings from this environment, without
    the variables in `unset`, with `env` and the var folder `var_dir`."""
    environ = {key: value for key, value in os.environ.items() if key not in unset}
    environ.update(DJANGO_SETTINGS_MODULE="workmail_console.settings", **env)
    environ.update(WORKMAIL_VAR_DIR=str(var_dir))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR, env=environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def inactive_rule(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """The Inactive rule's settings as a process started with `env` reads them."""
    unset = {"WORKMAIL_INACTIVE_AFTER", "WORKMAIL_INACTIVE_INTERVAL"}
    return run_with_settings(SHOW_INACTIVE_RULE, prepare(tmp_path), unset=unset, **env)


@pytest.mark.process
def test_the_inactive_period_is_in_days_and_the_sweep_interval_in_seconds(tmp_path) -> None:
    assert inactive_rule(tmp_path).stdout.split() == [str(30 * 86400.0), "300.0"]
    shorter = inactive_rule(tmp_path, WORKMAIL_INACTIVE_AFTER="0.5", WORKMAIL_INACTIVE_INTERVAL="5")
    assert shorter.stdout.split() == [str(43200.0), "5.0"]
    too_long = inactive_rule(tmp_path, WORKMAIL_INACTIVE_AFTER="1000000")
    assert "WORKMAIL_INACTIVE_AFTER='1000000' must be at most 36500." in too_long.stderr


def load_settings(var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """A process that loads the settings with `var_dir` and `env` (and no SECRET_KEY unless
    given), then lists what var_dir holds."""
    show = (
        "import django, pathlib; django.setup();"
        f" print(sorted(p.name for p in pathlib.Path({str(var_dir)!r}).glob('**/*')))"
    )
    broker = "filesystem://localhost/"
    return run_with_settings(show, var_dir, unset={"SECRET_KEY"}, CELERY_BROKER_URL=broker, **env)


@pytest.mark.process
def test_loading_the_settings_writes_nothing(tmp_path) -> None:
    var_dir = tmp_path / "var"
    loaded = load_settings(var_dir, SECRET_KEY="from-the-environment")
    assert loaded.returncode == 0, loaded.stderr
    assert not var_dir.exists()  # no folder, no key, no broker folders


@pytest.mark.process
def test_without_a_secret_key_the_settings_say_which_command_makes_one(tmp_path) -> None:
    refused = load_settings(tmp_path / "var")
    assert refused.returncode != 0
    assert "No SECRET_KEY: set it in the environment, or run" in refused.stderr
    assert "python -m workmail_console.var" in refused.stderr
    prepared = prepare(tmp_path / "var")
    loaded = load_settings(prepared)
    assert loaded.returncode == 0, loaded.stderr
    made = set(ast.literal_eval(loaded.stdout))
    assert {"secret_key", "queue", "processed", "control", "static"} <= made
