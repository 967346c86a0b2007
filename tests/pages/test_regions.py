"""The Region belongs to the page: its URL, links, forms and polls carry it; a cookie remembers
only where `/` lands; no GET writes anything."""

from django.test import Client
from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from tests.factories import PASSWORD, OrganizationFactory
from workmail_console.regions import REMEMBERED_REGION_COOKIE


def regional(name: str, region: str, *args: str) -> str:
    return reverse(f"organizations:{name}", args=[region, *args])


def test_each_region_lists_only_its_own_organizations(admin_client, admin) -> None:
    OrganizationFactory(account=admin.account, alias="dublin", region="eu-west-1")
    OrganizationFactory(account=admin.account, alias="virginia", region="us-east-1")
    dublin = admin_client.get(regional("list", "eu-west-1")).content.decode()
    assert "dublin" in dublin and "virginia" not in dublin
    oregon = admin_client.get(regional("list", "us-west-2")).content.decode()
    assert "dublin" not in oregon and "virginia" not in oregon
    assert "You don't have any organizations in US West (Oregon)." in oregon


def test_a_form_opened_in_one_region_creates_there_whatever_another_tab_opened(
    admin_client, admin
) -> None:
    form = admin_client.get(regional("create", "eu-west-1")).context["form"]
    admin_client.get(regional("list", "us-west-2"))  # another tab switches Region meanwhile
    admin_client.post(
        regional("create", "eu-west-1"),
        {
            "email_domain": "test",
            "alias": "acme",
            "directory_choice": "create",
            "encryption_choice": "managed",
            "client_token": form.initial["client_token"],
        },
    )
    assert Organization.objects.get(alias="acme").region == "eu-west-1"


def test_links_forms_and_polls_keep_the_pages_region(admin_client, admin) -> None:
    working = OrganizationFactory(account=admin.account, region="eu-west-1", state=State.CREATING)
    page = admin_client.get(regional("list", "eu-west-1")).content.decode()
    assert f'hx-get="{regional("list", "eu-west-1")}?since=' in page
    assert f'href="{regional("create", "eu-west-1")}"' in page
    assert f'action="{regional("delete-selected", "eu-west-1")}"' in page
    assert f'href="{working.get_absolute_url()}"' in page
    assert working.get_absolute_url().startswith("/eu-west-1/organizations/")

    details = admin_client.get(working.get_absolute_url()).content.decode()
    assert f'hx-get="{working.get_absolute_url()}?since=' in details

    create = admin_client.get(regional("create", "eu-west-1")).content.decode()
    assert f'action="{regional("create", "eu-west-1")}"' in create
    assert f'hx-get="{regional("alias-availability", "eu-west-1")}"' in create
    assert "Europe (Ireland)" in create


def test_the_page_remembers_its_region_in_a_cookie_for_the_landing_page(admin_client) -> None:
    response = admin_client.get(regional("list", "eu-west-1"))
    cookie = response.cookies[REMEMBERED_REGION_COOKIE]
    assert cookie.value == "eu-west-1"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    assert admin_client.get("/").url == regional("list", "eu-west-1")


def test_a_poll_does_not_change_the_remembered_region(admin_client, admin) -> None:
    OrganizationFactory(account=admin.account, region="eu-west-1", state=State.CREATING)
    poll = admin_client.get(regional("list", "eu-west-1"), headers={"HX-Request": "true"})
    assert REMEMBERED_REGION_COOKIE not in poll.cookies


def test_signing_in_lands_in_the_region_opened_last(admin) -> None:
    client = Client()
    client.cookies[REMEMBERED_REGION_COOKIE] = "us-west-2"
    response = client.post(
        reverse("login"), {"username": admin.user.username, "password": PASSWORD}
    )
    assert client.get(response.url).url == regional("list", "us-west-2")


def test_without_a_remembered_region_the_landing_page_is_us_east_1(admin_client) -> None:
    assert admin_client.get("/").url == regional("list", "us-east-1")


def test_the_region_selector_works_without_javascript(admin_client) -> None:
    page = admin_client.get(regional("list", "us-east-1")).content.decode()
    assert f'<form class="region-select" method="get" action="{reverse("select-region")}">' in page
    assert (
        '<button type="submit" class="btn btn-small" data-hidden-by-script>Select</button>' in page
    )
    response = admin_client.get(reverse("select-region"), {"region": "us-west-2"})
    assert response.url == regional("list", "us-west-2")


def test_an_unknown_region_is_not_found(admin_client) -> None:
    assert admin_client.get("/mars-north-1/organizations/").status_code == 404
    assert admin_client.get(reverse("select-region"), {"region": "mars-north-1"}).status_code == 404
    assert admin_client.get(reverse("select-region")).status_code == 404


def test_a_signed_out_poll_gets_403_instead_of_the_sign_in_page(client: Client) -> None:
    poll = client.get(regional("list", "us-east-1"), headers={"HX-Request": "true"})
    assert poll.status_code == 403
    assert "<form" not in poll.content.decode()


def test_pages_outside_a_region_show_the_remembered_region_in_the_selector(admin_client) -> None:
    admin_client.get(regional("list", "eu-west-1"))
    page = admin_client.get(reverse("members")).content.decode()
    assert 'data-page-region="eu-west-1"' in page
    assert '<option value="eu-west-1" selected>' in page
