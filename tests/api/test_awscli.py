"""The real AWS CLI (`aws workmail …`, awscli from PyPI) against the live server: its own
serializer, SigV4 signer, paginator and `--output json`, in a process of its own, with no user
configuration read from the machine."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from organizations.models import Organization
from tests.factories import MailUserFactory, active_organization
from workmail_console.access_keys import create_access_key
from workmail_console.models import Membership

pytestmark = pytest.mark.process

AWS = Path(sys.executable).with_name("aws")  # the CLI installed in this virtual environment
UNKNOWN_ORGANIZATION = "m-" + "0" * 32


class Aws:
    """`aws workmail <args>` signed with an admin's new key, in us-east-1, answering JSON."""

    def __init__(self, endpoint: str, env: dict[str, str]) -> None:
        self.endpoint = endpoint
        self.env = env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(AWS), "workmail", *args, "--endpoint-url", self.endpoint, "--output", "json"]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60)

    def json(self, *args: str) -> Any:
        """The command's `--output json`, parsed; the command must succeed."""
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def aws(live_server, admin: Membership, tmp_path: Path) -> Aws:
    access_key, secret = create_access_key(admin.user)
    empty_config, empty_credentials = tmp_path / "config", tmp_path / "credentials"
    empty_config.touch()
    empty_credentials.touch()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=access_key.key_id,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(empty_config),
        AWS_SHARED_CREDENTIALS_FILE=str(empty_credentials),
        AWS_MAX_ATTEMPTS="1",  # a 5xx or a throttle must show, not be retried away
    )
    return Aws(live_server.url, env)


@pytest.fixture
def organization(admin: Membership) -> Organization:
    return active_organization(account=admin.account, alias="cli-org")


def test_list_organizations_lists_the_accounts_active_organization(
    aws: Aws, organization: Organization, stranger: Membership
) -> None:
    active_organization(account=stranger.account, alias="not-mine")

    listed = aws.json("list-organizations")

    assert listed == {
        "OrganizationSummaries": [
            {
                "OrganizationId": organization.organization_id,
                "Alias": "cli-org",
                "State": "Active",
                "DefaultMailDomain": "cli-org.awsapps.com",
            }
        ]
    }


def test_list_organizations_follows_next_token_across_pages(aws: Aws, admin: Membership) -> None:
    made = {active_organization(account=admin.account).organization_id for _ in range(3)}

    # --page-size 1: the CLI asks for one per page and follows NextToken to the end itself.
    listed = aws.json("list-organizations", "--page-size", "1")

    assert sorted(s["OrganizationId"] for s in listed["OrganizationSummaries"]) == sorted(made)


def test_describe_organization_answers_its_details(aws: Aws, organization: Organization) -> None:
    described = aws.json("describe-organization", "--organization-id", organization.organization_id)

    assert described == {
        "OrganizationId": organization.organization_id,
        "Alias": "cli-org",
        "State": "Active",
        "DirectoryId": organization.directory.directory_id,
        "DirectoryType": "VpcDirectory",  # what WorkMail names the directory it made
        "DefaultMailDomain": "cli-org.awsapps.com",
        # awscli 1's default cli_timestamp_format (none): the epoch seconds as they were sent
        "CompletedDate": round(organization.completed_date.timestamp(), 3),
        "ARN": organization.arn,
        "InteroperabilityEnabled": False,
    }


def test_list_users_lists_the_organizations_users(aws: Aws, organization: Organization) -> None:
    MailUserFactory(directory=organization.directory, name="zoe", display_name="Zoe Z")
    MailUserFactory(directory=organization.directory, name="adam", display_name="Adam A")

    listed = aws.json("list-users", "--organization-id", organization.organization_id)

    assert [(u["Name"], u["DisplayName"], u["State"]) for u in listed["Users"]] == [
        ("adam", "Adam A", "DISABLED"),
        ("zoe", "Zoe Z", "DISABLED"),
    ]


def test_list_users_takes_a_filter_in_the_clis_shorthand(
    aws: Aws, organization: Organization
) -> None:
    MailUserFactory(directory=organization.directory, name="zoe")
    MailUserFactory(directory=organization.directory, name="adam")

    listed = aws.json(
        "list-users",
        "--organization-id",
        organization.organization_id,
        "--filters",
        "UsernamePrefix=ad",
    )

    assert [user["Name"] for user in listed["Users"]] == ["adam"]


def test_unknown_organization_exits_255_naming_the_error_code(aws: Aws) -> None:
    done = aws.run("describe-organization", "--organization-id", UNKNOWN_ORGANIZATION)

    assert done.returncode == 255
    assert "(OrganizationNotFoundException)" in done.stderr
    assert "DescribeOrganization" in done.stderr
    assert done.stdout == ""


def test_another_accounts_organization_is_not_found(
    aws: Aws, stranger: Membership, organization: Organization
) -> None:
    theirs = active_organization(account=stranger.account)

    done = aws.run("describe-organization", "--organization-id", theirs.organization_id)

    assert done.returncode == 255
    assert "(OrganizationNotFoundException)" in done.stderr
