"""Inside an organization the side navigation is the organization's, as in the AWS console:
its name, its pages in one order (ours: AWS publishes none), the current one marked, and the way
back to Organizations."""

import re

import pytest
from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import active_organization
from users import groups

pytestmark = pytest.mark.django_db

ITEMS = [
    "Users", "Groups", "Resources", "Domains", "Organization settings", "Mobile Policies",
    "Retention policy", "Monitoring", "Tags",
]  # fmt: skip


def nav(page: str) -> str:
    [found] = re.findall(r'<nav class="side-nav"[^>]*data-testid="organization-nav"[^>]*>.*?</nav>',
                         page, flags=re.S)  # fmt: skip
    return found


@pytest.mark.parametrize(
    ("page", "current"),
    [("users:list", "Users"), ("groups:list", "Groups"), ("domains:list", "Domains"),
     ("organizations:detail", "Organization settings"), ("users:create", "Users"),
     ("groups:create", "Groups"), ("resources:list", "Resources"),
     ("organizations:mobile-policy", "Mobile Policies"),
     ("organizations:edit-mobile-policy", "Mobile Policies"),
     ("organizations:retention-policy", "Retention policy"),
     ("organizations:edit-retention-policy", "Retention policy"),
     ("organizations:tags", "Tags"), ("organizations:manage-tags", "Tags"),
     ("organizations:monitoring", "Monitoring")],
)  # fmt: skip
def test_an_organizations_pages_have_its_navigation(admin_client, admin, page, current):
    organization = active_organization(account=admin.account, alias="corp")
    url = reverse(page, args=[organization.region, organization.organization_id])
    html = admin_client.get(url).content.decode()
    found = nav(html)
    assert "<h2>corp</h2>" in found
    assert re.findall(r">([^<>]+)</a></li>", found) == ITEMS
    assert re.findall(r'aria-current="page">([^<]+)</a>', found) == [current]
    assert f'href="{reverse("organizations:list", args=[organization.region])}"' in found
    assert 'aria-label="Amazon WorkMail"' not in html  # not the console's own navigation


def test_a_groups_page_keeps_it(admin_client, admin):
    organization = active_organization(account=admin.account, alias="corp")
    sales = groups.create_group(organization=organization, name="sales", email=None)
    url = reverse("groups:detail", args=[organization.region, organization.pk, sales.pk])
    found = nav(admin_client.get(url).content.decode())
    assert re.findall(r'aria-current="page">([^<]+)</a>', found) == ["Groups"]


def test_what_lives_inside_is_offered_only_while_it_can_be_read(admin_client, admin):
    organization = active_organization(account=admin.account, alias="corp")
    Organization.objects.filter(pk=organization.pk).update(state=State.FAILED)
    found = nav(admin_client.get(organization.get_absolute_url()).content.decode())
    assert re.findall(r">([^<>]+)</a></li>", found) == [
        "Organization settings", "Monitoring", "Tags",
    ]  # fmt: skip


def test_a_deleted_organizations_details_offer_its_history_only(admin_client, admin):
    organization = active_organization(account=admin.account, alias="corp")
    Organization.objects.filter(pk=organization.pk).update(state=State.DELETED)
    found = nav(admin_client.get(organization.get_absolute_url()).content.decode())
    assert re.findall(r">([^<>]+)</a></li>", found) == ["Organization settings", "Monitoring"]


def test_pages_outside_an_organization_keep_the_consoles_navigation(admin_client):
    html = admin_client.get(reverse("organizations:list", args=["us-east-1"])).content.decode()
    assert 'aria-label="Amazon WorkMail"' in html and "organization-nav" not in html


def test_the_details_pages_poll_brings_the_navigation_along(admin_client, admin):
    organization = active_organization(account=admin.account, alias="corp")
    Organization.objects.filter(pk=organization.pk).update(state=State.CREATING)
    page = admin_client.get(organization.get_absolute_url()).content.decode()
    assert "Users</a></li>" not in nav(page)
    Organization.objects.filter(pk=organization.pk).update(state=State.ACTIVE)
    poll = admin_client.get(organization.get_absolute_url(), headers={"HX-Request": "true"})
    found = nav(poll.content.decode())
    assert 'hx-swap-oob="true"' in found and "Users</a></li>" in found
