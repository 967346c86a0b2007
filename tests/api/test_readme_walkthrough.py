"""The README's walkthrough, run as written: its shell, boto3 and AWS CLI blocks, one after the
other in one shell, against a live server and a real worker. A command that stops working there
fails here."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from organizations.models import Organization
from users.groups import list_group_members
from users.models import Group, Resource
from users.models import User as MailUser
from users.resources import list_resource_delegates

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True)]

SECTION = "### From an access key to a working organization"
README_ENDPOINT = "http://127.0.0.1:8000"


def walkthrough_blocks() -> list[tuple[str, str]]:
    """The section's fenced blocks, as (language, code), in order."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split(SECTION, 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_has_a_setup_a_boto3_and_a_cli_block() -> None:
    assert [language for language, _ in walkthrough_blocks()] == ["sh", "python", "sh"]


def test_the_walkthrough_runs_as_written(
    celery_worker, live_server, admin, process_env, tmp_path
) -> None:
    (setup, _), (boto3_script, _), (cli, _) = [
        (code, language) for language, code in walkthrough_blocks()
    ]
    setup = setup.replace("--username admin", f"--username {admin.user.username}")
    script = tmp_path / "walkthrough.py"
    script.write_text(boto3_script.replace(README_ENDPOINT, live_server.url))
    cli = cli.replace(README_ENDPOINT, live_server.url)
    shell = "\n".join(
        [
            "set -euo pipefail",
            setup,
            f".venv/bin/python {script}",
            cli,
        ]
    )
    empty = tmp_path / "empty"
    empty.write_text("")
    env = process_env(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        AWS_CONFIG_FILE=str(empty),
        AWS_SHARED_CREDENTIALS_FILE=str(empty),
        AWS_MAX_ATTEMPTS="1",
    )
    result = subprocess.run(
        ["bash", "-c", shell],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]

    # boto3's part: the records printed, the user listed with its address.
    assert re.search(r"^TXT _amazonses\.mail\.example\.com \S+", result.stdout, re.MULTILINE)
    assert "jdoe ENABLED jdoe@walkthrough.awsapps.com" in result.stdout
    # Both organizations are Active, each with its enabled user, group and room.
    for alias in ("walkthrough", "clidemo"):
        organization = Organization.objects.get(alias=alias, account=admin.account)
        assert organization.state == "Active"
        directory = organization.directory
        user = MailUser.objects.get(directory=directory, name="jdoe")
        group = Group.objects.get(directory=directory, name="sales")
        room = Resource.objects.get(directory=directory, name="boardroom")
        assert (user.state, group.state, room.state) == ("ENABLED", "ENABLED", "ENABLED")
        assert user.email == f"jdoe@{alias}.awsapps.com"
        members = list_group_members(organization=organization, group_id=group.pk)
        assert [membership.member for membership in members] == [user]
        delegates = list_resource_delegates(organization=organization, resource_id=room.pk)
        assert [delegation.delegate for delegation in delegates] == [user]
        assert organization.mail_domains.filter(name__startswith="mail.example.").exists()
    # The CLI's part: list-users and list-organizations printed JSON naming them.
    assert '"Name": "jdoe"' in result.stdout
    assert '"Alias": "clidemo"' in result.stdout
