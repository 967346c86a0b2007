"""Organizations page: this account's organizations in this Region, live while any is working."""

import re

import factory
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.lifecycle import State
from organizations.models import Organization
from tests.conftest import signed_in
from tests.factories import OrganizationFactory
from tests.html import texts

URL = reverse("organizations:list", args=["us-east-1"])


def factory_alias(prefix: str):
    return factory.Sequence(lambda n: f"{prefix}{n}")


def test_it_asks_anonymous_people_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_lists_only_this_accounts_organizations_in_this_region(
    admin_client, admin, stranger
) -> None:
    mine = OrganizationFactory(account=admin.account, alias="mine", state=State.ACTIVE)
    OrganizationFactory(account=admin.account, alias="elsewhere", region="eu-west-1")
    OrganizationFactory(account=stranger.account, alias="theirs")
    page = admin_client.get(URL).content.decode()
    assert "mine" in page and mine.organization_id in page
    assert "elsewhere" not in page
    assert "theirs" not in page
    assert 'Organizations <span class="count">(1)</span>' in page


def test_deleted_organizations_are_hidden_unless_asked_for(admin_client, admin) -> None:
    OrganizationFactory(account=admin.account, alias="gone", state=State.DELETED)
    assert "gone" not in admin_client.get(URL).content.decode()
    assert "gone" in admin_client.get(URL, {"show": "all"}).content.decode()


def test_the_count_is_the_rows_listed_read_from_the_kept_counts(admin, stranger) -> None:
    """(N) over the table counts what it lists, Deleted ones only when shown, a filter's matches
    when filtered; unfiltered, it comes from the trigger-kept counts: no COUNT over every row."""
    OrganizationFactory.create_batch(2, account=admin.account, alias=factory_alias("live"))
    OrganizationFactory(account=admin.account, alias="findme")
    OrganizationFactory(account=admin.account, alias="gone", state=State.DELETED)
    OrganizationFactory(account=admin.account, alias="elsewhere", region="eu-west-1")
    OrganizationFactory(account=stranger.account, alias="theirs")
    client = signed_in(admin)

    def count(**params: str) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(URL, params).content.decode()
        counted = [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
        return re.search(r'Organizations <span class="count">(\(\d+\))</span>', page)[1], counted

    assert count() == ("(3)", [])
    assert count(show="all") == ("(4)", [])
    shown, counted = count(filter="findme")
    assert shown == "(1)" and len(counted) == 1  # a filter's matches are counted


def test_it_polls_while_an_organization_is_working(admin_client, admin) -> None:
    OrganizationFactory(account=admin.account, state=State.CREATING)
    assert 'hx-trigger="every 2s"' in admin_client.get(URL).content.decode()
    poll = admin_client.get(URL, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "<html" not in poll.content.decode()
    assert 'data-state="Creating"' in poll.content.decode()


def test_the_polled_fragment_keeps_polling_while_working(admin_client, admin) -> None:
    """The fragment replaces the polling element: without its own trigger, polling would stop."""
    OrganizationFactory(account=admin.account, state=State.CREATING)
    poll = admin_client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert poll.lstrip().startswith('<tbody id="organization-rows"')
    assert f'hx-get="{URL}?since=' in poll and 'hx-trigger="every 2s" hx-swap="outerHTML"' in poll


def since(html: str) -> str:
    return html.split("since=", 1)[1].split('"', 1)[0]


def test_polling_slows_once_nothing_is_working_and_sends_nothing_while_nothing_changes(
    admin_client, admin
) -> None:
    organization = OrganizationFactory(account=admin.account, state=State.ACTIVE)
    page = admin_client.get(URL).content.decode()
    assert 'hx-trigger="every 10s"' in page and 'hx-trigger="every 2s' not in page
    unchanged = admin_client.get(URL, {"since": since(page)}, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204 and unchanged.content == b""
    Organization.objects.filter(pk=organization.pk).update(state=State.IMPAIRED)
    changed = admin_client.get(URL, {"since": since(page)}, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert 'data-state="Impaired"' in changed.content.decode()


def test_it_is_paginated(admin_client, admin) -> None:
    OrganizationFactory.create_batch(30, account=admin.account)
    first = admin_client.get(URL)
    assert len(first.context["page"]) == 25
    second = admin_client.get(URL, {"page": 2})
    assert len(second.context["page"]) == 5
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()


def test_its_pages_keep_showing_deleted_organizations(admin_client, admin) -> None:
    OrganizationFactory.create_batch(26, account=admin.account, state=State.DELETED)
    first = admin_client.get(URL, {"show": "all", "since": "x"}).content.decode()
    assert 'href="?show=all&amp;page=2" rel="next"' in first  # not the live poll's `since`
    second = admin_client.get(URL, {"show": "all", "page": 2})
    assert len(second.context["page"]) == 1


def test_it_runs_the_same_number_of_queries_for_5_or_50_organizations(
    admin, django_assert_num_queries
) -> None:
    client = signed_in(admin)
    OrganizationFactory.create_batch(5, account=admin.account)
    with django_assert_num_queries(5):  # session, user, membership, count, page
        client.get(URL)
    OrganizationFactory.create_batch(45, account=admin.account)
    with django_assert_num_queries(5):
        client.get(URL, {"page": 2})


def test_ops_members_see_the_list_without_admin_actions(ops) -> None:
    OrganizationFactory(account=ops.account, alias="visible", state=State.ACTIVE)
    page = signed_in(ops).get(URL).content.decode()
    assert "visible" in page
    assert "Create organization" not in page
    assert ">Delete</button>" not in page
    assert 'type="radio"' not in page


def test_admins_select_a_deletable_row_and_choose_delete(admin_client, admin) -> None:
    active = OrganizationFactory(account=admin.account, state=State.ACTIVE)
    creating = OrganizationFactory(account=admin.account, state=State.CREATING)
    page = admin_client.get(URL).content.decode()
    assert ">Delete</button>" in page
    assert f'name="organization_id" value="{active.organization_id}"' in page
    assert f'value="{creating.organization_id}"' not in page


def listed(response) -> list[str]:
    return [organization.alias for organization in response.context["page"]]


def test_the_text_filter_finds_organizations_by_alias_or_id(admin_client, admin) -> None:
    acme = OrganizationFactory(account=admin.account, alias="acme-mail")
    OrganizationFactory(account=admin.account, alias="globex")
    OrganizationFactory(alias="acme-elsewhere")  # another account's: never found
    assert listed(admin_client.get(URL, {"filter": "ACME"})) == ["acme-mail"]  # any case
    assert listed(admin_client.get(URL, {"filter": acme.organization_id[-6:]})) == ["acme-mail"]
    page = admin_client.get(URL, {"filter": "ACME"}).content.decode()
    assert 'value="ACME"' in page and "Clear filter" in page
    nothing = admin_client.get(URL, {"filter": "<b>zzz</b>"})
    assert listed(nothing) == []
    assert "&lt;b&gt;zzz&lt;/b&gt;" in nothing.content.decode()  # shown, never as markup
    assert texts(nothing.content.decode(), "no-matches") == [
        "No organization's alias or ID contains “<b>zzz</b>”."
    ]


def test_the_filter_is_kept_by_the_pages_and_the_live_poll(admin_client, admin) -> None:
    OrganizationFactory.create_batch(26, account=admin.account, alias=factory_alias("team"))
    first = admin_client.get(URL, {"filter": "team"}).content.decode()
    assert 'href="?filter=team&amp;page=2" rel="next"' in first
    assert "filter=team&amp;since=" in first  # the poll asks for the same rows


def test_a_hostile_filter_is_no_error(admin_client, admin) -> None:
    OrganizationFactory(account=admin.account, alias="acme")
    for text in ["\x00", "a\x00cme", "%", "_", "x" * 10_000, "' OR 1=1 --"]:
        response = admin_client.get(URL, {"filter": text})
        assert response.status_code == 200
    assert listed(admin_client.get(URL, {"filter": "a\x00cme"})) == ["acme"]  # the NUL dropped
    assert listed(admin_client.get(URL, {"filter": "%"})) == []  # no wildcard: a literal %
