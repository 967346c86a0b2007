"""The console's tables, as Cloudscape's: a text filter, sortable column headers and pages, all
in the URL (`?filter=`, `?sort=`, `?page=`) so they work without JavaScript, survive a reload and
are kept by a live table's polls.

A service filters (it knows which fields a table's text filter looks in); the view reads the text
with `text_filter()` and hands the rows to `table()` with the table's `Sorting`. Templates draw
the filter with `_table_filter.html`, each sortable header with `_sort_header.html` and the pages
with `_pagination.html`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page
from django.db.models import F, Model, OrderBy, QuerySet
from django.http import HttpRequest

from workmail_console.pagination import PAGE_SIZE, paginate

FILTER_MAX = 256  # characters of a text filter: more finds nothing a person is looking for


def text_filter(request: HttpRequest, *, max_length: int = FILTER_MAX) -> str:
    """What was typed in the table's filter: never a NUL (PostgreSQL refuses one in a query), at
    most `max_length` characters, no surrounding blanks."""
    return request.GET.get("filter", "").replace("\x00", "").strip()[:max_length]


@dataclass(frozen=True)
class Sorting:
    """A table's sortable columns: each key, as `?sort=` names it (`-key` for descending), and
    the fields it orders by; `default` is the order with no `?sort=` (a key, or "" for the
    service's own order)."""

    columns: Mapping[str, tuple[str, ...]]
    default: str = ""
    tiebreak: str = "pk"  # rows that compare equal keep one order from page to page

    def chosen(self, asked: str) -> str:
        """The order `asked` names, or the default for anything else."""
        return asked if asked.removeprefix("-") in self.columns else self.default

    def order_by(self, sort: str, model: type[Model]) -> list[OrderBy]:
        descending = sort.startswith("-")
        fields = [*self.columns[sort.removeprefix("-")], self.tiebreak]
        return [_ordered(F(name), descending, _may_be_blank(model, name)) for name in fields]


def _ordered(column: F, descending: bool, blanks: bool) -> OrderBy:
    """Blank values (NULL) come last either way, as a person reading the table expects; a column
    that is never blank gets the plain order, which an index on it serves (PostgreSQL won't read
    an index for `DESC NULLS LAST` that holds `DESC`, nulls first: it sorted a big account's
    30,000 organizations to show 25)."""
    if not blanks:
        return column.desc() if descending else column.asc()
    return column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)


def _may_be_blank(model: type[Model], name: str) -> bool:
    """Whether `name` may be NULL in `model`'s rows: a nullable field, one across a relation (an
    outer join may find nothing), or an annotation (a zone's record count: not a field)."""
    if name == "pk":
        return False
    try:
        return "__" in name or model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True


@dataclass(frozen=True)
class SortHeader:
    """One sortable column's header: where a click takes the table, and how it is sorted now."""

    key: str
    href: str
    aria_sort: str  # "ascending", "descending" or "none" (WAI-ARIA)


def table(
    request: HttpRequest,
    rows: QuerySet,
    sorting: Sorting,
    *,
    text: str = "",
    keep: Mapping[str, str] | None = None,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
) -> Page:
    """The page of `rows` the URL asks for, sorted as it asks. Besides the paginator's, the page
    has `text` (the filter), `sort`, `headers` (key → SortHeader), `hidden` (what the filter's
    form sends along besides the text) and `clear_query` (the table without its filter).
    `keep` holds the table's other filters (a state, Show deleted), kept by every link; `count`
    is how many rows there are, when the caller knows it without counting (see paginate)."""
    sort = sorting.chosen(request.GET.get("sort", ""))
    others = {name: value for name, value in (keep or {}).items() if value}
    sorted_by = {"sort": sort} if sort != sorting.default else {}
    if sort:
        rows = rows.order_by(*sorting.order_by(sort, rows.model))
    page = paginate(
        request, rows, keep={**others, "filter": text, **sorted_by}, per_page=per_page, count=count
    )
    page.text, page.sort = text, sort
    page.hidden = {**others, **sorted_by}
    page.clear_query = urlencode(page.hidden)
    filtered = {**others, "filter": text} if text else others
    page.headers = {
        key: _header(key, sort, sorting.default, filtered) for key in sorting.columns
    }  # fmt: skip
    return page


def _header(key: str, sort: str, default: str, keep: Mapping[str, str]) -> SortHeader:
    """A click on an unsorted column sorts by it ascending; on the sorted one, the other way."""
    if sort == key:
        aria, then = "ascending", f"-{key}"
    elif sort == f"-{key}":
        aria, then = "descending", key
    else:
        aria, then = "none", key
    query = {**keep, "sort": then} if then != default else dict(keep)
    return SortHeader(key, "?" + urlencode(query) if query else "?", aria)
