"""Deleting an organization with its directory: kept, and said so, while another AWS application
uses the directory (AWS: "it can't have any other AWS applications enabled")."""

import pytest
from django.urls import reverse

from directories.lifecycle import Stage
from directories.models import Application
from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import DirectoryFactory, OrganizationFactory, advance
from tests.html import texts

RULE = "In order to delete the directory, it can't have any other AWS applications enabled."


def deleting(admin, applications: list[str]) -> Organization:
    directory = DirectoryFactory(
        account=admin.account, region="us-east-1", applications=applications
    )
    return OrganizationFactory(
        account=admin.account, directory=directory, state=State.DELETING, delete_directory=True
    )


@pytest.mark.django_db(transaction=True)
def test_the_directory_another_application_uses_is_kept_and_the_event_says_why(admin) -> None:
    organization = deleting(admin, [Application.WORKDOCS])
    assert advance(organization.pk, State.DELETING) == State.DELETED
    organization.directory.refresh_from_db()
    assert organization.directory.stage == Stage.ACTIVE
    reason = organization.events.order_by("-at", "-pk").first().reason
    assert reason.startswith("Deleted; the user directory was kept:") and "WorkDocs" in reason


@pytest.mark.django_db(transaction=True)
def test_a_directory_no_other_application_uses_goes_with_the_organization(admin) -> None:
    organization = deleting(admin, [])
    assert advance(organization.pk, State.DELETING) == State.DELETED
    organization.directory.refresh_from_db()
    assert organization.directory.stage in (Stage.DELETING, Stage.DELETED)


def test_the_dialog_says_the_directory_will_be_kept(admin) -> None:
    directory = DirectoryFactory(
        account=admin.account, region="us-east-1", applications=[Application.WORKSPACES]
    )
    organization = OrganizationFactory(
        account=admin.account, directory=directory, state=State.ACTIVE
    )
    html = signed_in(admin).get(organization.delete_url).content.decode()
    [note] = texts(html, "directory-kept")
    assert "WorkSpaces" in note and RULE in note
    plain = OrganizationFactory(account=admin.account, state=State.ACTIVE)
    assert texts(signed_in(admin).get(plain.delete_url).content.decode(), "directory-kept") == []
    assert reverse("organizations:delete", args=["us-east-1", organization.pk]) == (
        organization.delete_url
    )
