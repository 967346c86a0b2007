"""Who uses a directory. Directory Service doesn't know the applications built on it, so each one
registers here how to find its own resources on a directory (Amazon WorkMail: its live
organizations, from organizations.apps). The directory's page lists them, and Delete directory
is refused while there is one.

A registry, not an import: the applications sit above the directories they use.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from directories.models import Directory


@dataclass(frozen=True)
class Application:
    noun: str  # how a refusal names one of its resources: "Amazon WorkMail organization"
    find: Callable[[Directory], QuerySet]  # its resources on a directory, in the order shown
    name: Callable[[Model], str]  # how the page and a refusal name one


@dataclass(frozen=True)
class Use:
    application: Application
    resource: Model  # the page links to it and shows its {% status %}

    @property
    def name(self) -> str:
        return self.application.name(self.resource)


_APPLICATIONS: dict[str, Application] = {}


def register(noun: str, *, find: Callable[[Directory], QuerySet], name: Callable) -> None:
    """Make an application's resources count as users of the directories they are on (once per
    `noun`: an app's ready() may run more than once)."""
    _APPLICATIONS[noun] = Application(noun, find, name)


def uses(directory: Directory) -> list[Use]:
    """Everything that uses the directory: one query per registered application."""
    return [
        Use(application, resource)
        for application in _APPLICATIONS.values()
        for resource in application.find(directory)
    ]


def first_use(directory: Directory) -> Use | None:
    for application in _APPLICATIONS.values():
        if (resource := application.find(directory).first()) is not None:
            return Use(application, resource)
    return None
