"""How the console's tables page: a service returns its rows as an ordered queryset, the view
asks `paginate()` for the page the URL names, and `templates/_pagination.html` draws Previous,
Page n of m and Next, keeping the table's own filters in the links."""

from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest,
    rows: QuerySet,
    *,
    keep: Mapping[str, str] | None = None,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
) -> Page:
    """The page `?page=` names (the first for anything that isn't a page number, the last past
    the end), with `query`: the filters in `keep` that have a value, for its links. `count`,
    when the caller knows how many rows there are without counting them (kept counts)."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # the paginator's own would COUNT(*) every row
    page = paginator.get_page(request.GET.get("page", 1))
    page.query = urlencode({name: value for name, value in (keep or {}).items() if value})
    return page
