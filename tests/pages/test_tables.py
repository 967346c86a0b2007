"""The console's tables (workmail_console.tables): each has a text filter, sortable columns and
pages, all in its URL, as Cloudscape's tables have; each keeps the others' choices."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from route53.services import create_hosted_zone
from tests.factories import (
    DirectoryFactory,
    KeyFactory,
    MailDomainFactory,
    MailUserFactory,
    OrganizationFactory,
    active_organization,
)
from workmail_console.tables import Sorting, table, text_filter

NAMES = ["bravo", "alpha", "charlie"]  # made in this order: no table lists them so by chance


@dataclass(frozen=True)
class Table:
    """How a test makes one table's rows named NAMES and reads what it lists."""

    make: Callable  # (membership) -> the table's URL, after making its rows
    listed: Callable  # (a row of the page) -> its name
    sort: str  # the key of the name column
    search: str = "filter"  # the text filter's parameter


def organizations(admin) -> str:
    for name in NAMES:
        OrganizationFactory(account=admin.account, alias=name)
    OrganizationFactory(alias="alpha2")  # another account's: never listed, never found
    return reverse("organizations:list", args=["us-east-1"])


def users(admin) -> str:
    organization = active_organization(account=admin.account)
    for name in NAMES:
        MailUserFactory(directory=organization.directory, name=name)
    return reverse("users:list", args=["us-east-1", organization.organization_id])


def domains(admin) -> str:
    organization = active_organization(account=admin.account, alias="zulu")
    for name in NAMES:
        MailDomainFactory(organization=organization, name=f"{name}.example.com")
    return reverse("domains:list", args=["us-east-1", organization.organization_id])


def directories(admin) -> str:
    for name in NAMES:
        DirectoryFactory(account=admin.account, name=f"{name}.example.com")
    DirectoryFactory(name="alpha.example.org")  # another account's
    return reverse("directories:list", args=["us-east-1"])


def hosted_zones(admin) -> str:
    for name in NAMES:
        create_hosted_zone(account=admin.account, name=f"{name}.example.com")
    return reverse("route53:zones")


def records(admin) -> str:
    zone = create_hosted_zone(account=admin.account, name="example.com")
    for name in NAMES:
        zone.record_sets.create(name=f"{name}.example.com", type="A", values=["192.0.2.1"])
    return reverse("route53:zone", args=[zone.zone_id])


def keys(admin) -> str:
    for name in NAMES:
        KeyFactory(account=admin.account, alias=f"alias/{name}", description=f"The {name} key")
    return reverse("keys:list", args=["us-east-1"])


def first_label(name: str) -> str:
    return name.split(".")[0].removeprefix("alias/")


TABLES = {
    "organizations": Table(organizations, lambda row: row.alias, "alias"),
    "users": Table(users, lambda row: row.name, "name", search="search"),
    "domains": Table(domains, lambda row: first_label(row.name), "name"),
    "directories": Table(directories, lambda row: first_label(row.name), "name"),
    "hosted zones": Table(hosted_zones, lambda row: first_label(row.name), "name"),
    "records": Table(records, lambda row: first_label(row.name), "name"),
    "KMS keys": Table(keys, lambda row: first_label(row.alias_names[0]), "id"),
}


def listed(case: Table, response) -> list[str]:
    assert response.status_code == 200
    return [case.listed(row) for row in response.context["page"]]


def ours(names: list[str]) -> list[str]:
    """The rows a test made (a table may hold others: a zone's SOA and NS, the test domain)."""
    return [name for name in names if name in NAMES]


@pytest.fixture(params=TABLES.values(), ids=TABLES.keys())
def case(request) -> Table:
    return request.param


def test_the_text_filter_finds_rows_in_any_case(case: Table, admin, admin_client) -> None:
    url = case.make(admin)
    assert listed(case, admin_client.get(url, {case.search: "ALPH"})) == ["alpha"]
    assert listed(case, admin_client.get(url, {case.search: "nothing-like-it"})) == []


def test_a_column_sorts_both_ways_and_says_so(case: Table, admin, admin_client) -> None:
    url = case.make(admin)
    if case.sort == "id":  # keys: their IDs are random; sort the IDs the page shows
        ascending = admin_client.get(url, {"sort": "id"})
        ids = [str(key.key_id) for key in ascending.context["page"]]
        assert ids == sorted(ids) and len(ids) == 3
        descending = admin_client.get(url, {"sort": "-id"})
        assert [str(key.key_id) for key in descending.context["page"]] == sorted(ids, reverse=True)
    else:
        ascending = admin_client.get(url, {"sort": case.sort})
        assert ours(listed(case, ascending)) == sorted(NAMES)
        descending = admin_client.get(url, {"sort": f"-{case.sort}"})
        assert ours(listed(case, descending)) == sorted(NAMES, reverse=True)
    header = _header(ascending.content.decode(), case.sort)
    assert 'aria-sort="ascending"' in header and f"sort=-{case.sort}" in header  # click: reverse
    header = _header(descending.content.decode(), case.sort)
    assert 'aria-sort="descending"' in header and f"sort={case.sort}&" not in header


def test_every_column_of_every_table_sorts_both_ways(case: Table, admin, admin_client) -> None:
    """Fields, and annotations too (a hosted zone's record count)."""
    url = case.make(admin)
    keys = re.findall(r'data-sort="([^"]+)"', admin_client.get(url).content.decode())
    assert keys
    for key in keys:
        for sort in (key, f"-{key}"):
            assert sorted(ours(listed(case, admin_client.get(url, {"sort": sort})))) == sorted(
                NAMES
            )


def test_sorting_keeps_the_filter_and_filtering_keeps_the_order(
    case: Table, admin, admin_client
) -> None:
    url = case.make(admin)
    filtered = admin_client.get(url, {case.search: "a", "sort": f"-{case.sort}"})
    page = filtered.content.decode()
    if case.search == "filter":  # the filter's form sends the order along
        assert f'<input type="hidden" name="sort" value="-{case.sort}">' in page
    # Another column's header keeps the text typed.
    other = re.findall(r'data-sort="([^"]+)"', page)
    assert len(other) >= 2
    assert all(f"{case.search}=a" in _header(page, key) for key in other)


@pytest.mark.parametrize("sort", ["password", "__class__", "-", "--alias", "\x00", "x" * 5000])
def test_an_order_no_column_has_is_the_default(case: Table, admin, admin_client, sort) -> None:
    url = case.make(admin)
    default = listed(case, admin_client.get(url))
    assert listed(case, admin_client.get(url, {"sort": sort})) == default


def _header(page: str, key: str) -> str:
    [header] = re.findall(rf'<th[^>]*><a href="[^"]*" data-sort="{re.escape(key)}">', page)
    return header.replace("&amp;", "&")


# --- The module itself ----------------------------------------------------------------------


SORTING = Sorting({"alias": ("alias",), "created": ("created_date",)}, default="-created")


def test_the_pages_keep_the_filter_the_order_and_the_other_filters(db) -> None:
    OrganizationFactory.create_batch(30)
    request = RequestFactory().get("/", {"sort": "alias", "page": "2", "filter": "org"})
    page = table(
        request, Organization.objects.all(), SORTING, text="org", keep={"show": "all", "x": ""}
    )
    assert page.number == 2 and page.sort == "alias"
    assert page.query == "show=all&filter=org&sort=alias"
    assert page.hidden == {"show": "all", "sort": "alias"}  # what the filter's form sends along
    assert page.clear_query == "show=all&sort=alias"  # Clear filter keeps the order
    assert [o.alias for o in page] == sorted(o.alias for o in Organization.objects.all())[25:]


def test_the_default_order_is_left_out_of_the_links(db) -> None:
    page = table(RequestFactory().get("/"), Organization.objects.all(), SORTING)
    assert page.sort == "-created" and page.query == "" and page.hidden == {}
    created, alias = page.headers["created"], page.headers["alias"]
    assert (created.aria_sort, created.href) == ("descending", "?sort=created")
    assert (alias.aria_sort, alias.href) == ("none", "?sort=alias")
    ascending = table(RequestFactory().get("/", {"sort": "created"}), Organization.objects.all(),
                      SORTING)  # fmt: skip
    assert ascending.headers["created"].href == "?"  # its reverse is the default


def test_rows_that_compare_equal_keep_one_order_from_page_to_page(db) -> None:
    """PostgreSQL may return rows that compare equal in any order, and another on the next
    page's query (a LIMIT sorts differently): the primary key settles every tie."""
    OrganizationFactory.create_batch(30)  # all Requested
    request = RequestFactory().get("/", {"sort": "-state", "page": "2"})
    page = table(request, Organization.objects.all(), Sorting({"state": ("state",)}))
    sql = str(page.object_list.query)
    pk = Organization._meta.pk.column
    assert re.search(rf'ORDER BY .*"state" DESC.*, "organizations_organization"."{pk}" DESC', sql)


def test_a_column_never_blank_is_ordered_as_its_index_holds_it(db) -> None:
    """`DESC NULLS LAST` only where a value may be blank: PostgreSQL reads no index for it that
    holds the plain `DESC`, and sorted a whole account's organizations to show a page."""
    OrganizationFactory.create_batch(3)
    page = table(RequestFactory().get("/"), Organization.objects.all(), SORTING)  # -created
    sql = str(page.object_list.query)
    assert re.search(
        r'ORDER BY "[a-z_]+"\."created_date" DESC, "[a-z_]+"\."organization_id" DESC', sql
    )
    assert "NULLS" not in sql


def test_blank_values_come_last_either_way(db) -> None:
    done = OrganizationFactory(completed_date=timezone.now())
    never = OrganizationFactory(completed_date=None)
    sorting = Sorting({"completed": ("completed_date",)})
    for sort in ("completed", "-completed"):
        page = table(RequestFactory().get("/", {"sort": sort}), Organization.objects.all(), sorting)
        assert list(page) == [done, never], sort


def test_the_text_filter_drops_nuls_blanks_and_what_is_too_long() -> None:
    assert text_filter(RequestFactory().get("/", {"filter": "  a\x00b  "})) == "ab"
    assert text_filter(RequestFactory().get("/", {"filter": "x" * 10_000})) == "x" * 256
    assert text_filter(RequestFactory().get("/", {"filter": "abcdef"}), max_length=3) == "abc"
