"""What the Groups and Resources pages share: an action's dialog on one entity (Enable, Disable,
Delete) with why it doesn't apply, its form, and where it goes once done."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from users import services
from users.models import Group, Resource, UserState
from workmail_console.errors import WorkMailError
from workmail_console.formtools import ConsoleForm
from workmail_console.tenancy import ConsoleRequest

type Entity = Group | Resource


@dataclass(frozen=True)
class EntityPages:
    noun: str  # "group": the templates' variable, the folder under templates/users/<noun>s/
    available: Callable[[Organization, Entity], frozenset[str]]
    state_problems: Mapping[tuple[str, str], str]
    titles: Mapping[str, str]  # each action's dialog title

    def url(self, name: str, organization: Organization, entity: Entity) -> str:
        args = [organization.region, organization.organization_id, entity.pk]
        return reverse(f"{self.noun}s:{name}", args=args)

    def problem(self, organization: Organization, entity: Entity, action: str) -> str | None:
        """Why `action` doesn't apply to `entity`, in the console's words; None when it does."""
        if action in self.available(organization, entity):
            return None
        state = UserState(entity.state)
        return (
            organization.state_problem(State.ACTIVE)
            or services.read_only_problem(organization, f"{action} {self.noun}s")
            or self.state_problems.get((action, state), "").format(name=entity.name)
            or f"{self.noun.capitalize()} {entity.name} is already {state.label.lower()}."
        )

    def action(
        self,
        request: ConsoleRequest,
        organization: Organization,
        entity: Entity,
        *,
        action: str,
        form: ConsoleForm,
        act: Callable[[dict[str, Any]], object],
        done: str,
    ) -> HttpResponse:
        """The action's dialog: its form (or why it does not apply); on a valid POST, the
        action, then the entity's page (the list, once deleted) with a flash saying so."""
        problem = self.problem(organization, entity, action)
        if request.method == "POST" and problem is None and form.is_valid():
            try:
                act(form.cleaned_data)
            except WorkMailError as error:
                form.add_service_error(error)
            else:
                messages.success(request, done.format(name=entity.name))
                if action == "delete":
                    return redirect(
                        f"{self.noun}s:list", organization.region, organization.organization_id
                    )
                return redirect(self.url("detail", organization, entity))
        context = {
            "organization": organization,
            self.noun: entity,
            "form": form,
            "problem": problem,
            "title": self.titles[action],
        }
        status = 400 if request.method == "POST" else 200  # a POST that gets here was refused
        return render(request, f"users/{self.noun}s/{action}.html", context, status=status)
