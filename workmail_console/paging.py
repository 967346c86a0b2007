"""How the WorkMail API pages a list: NextToken and MaxResults (1..100).

A list service returns its rows in order, and `page()` cuts one page out of them with the token
for the next:

- a queryset pages by keyset: the token holds the ordering fields' values of the page's last
  row, and the next page is the rows after those values, so a row added or removed between two
  calls never makes another row be skipped or shown twice;
- a list (already in order) pages by position, with the page's last item in the token: the next
  page starts after that item wherever it is now, or where it was if it is gone.

A token is opaque: its JSON signed (django.core.signing) with a salt naming the scope (the
account, Region, operation and its filters) and how the rows page, then base64, the characters
NextToken's pattern allows. A token from another scope, edited or made up is
InvalidParameterException.
"""

import base64
import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Field, Model, Q, QuerySet

from workmail_console.errors import InvalidParameterException

MAX_RESULTS = 100  # MaxResults: 1..100
DEFAULT_MAX_RESULTS = 100  # when the request has none: ours, AWS publishes no default
TOKEN_MAX = 1024  # NextToken: 1..1024 characters
SALT = "workmail_console.paging"
INVALID_TOKEN = "The NextToken is invalid."


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_token: str | None  # None on the last page


def page(
    rows: QuerySet | Sequence[Any],
    *,
    next_token: str | None,
    max_results: int | None,
    scope: Mapping[str, object],
) -> Page:
    """The page after `next_token` (the first without one) of at most `max_results` rows."""
    size = _page_size(max_results)
    if isinstance(rows, QuerySet):
        return _by_keyset(rows, size, next_token, scope)
    return _by_position(list(rows), size, next_token, scope)


def _page_size(max_results: int | None) -> int:
    if max_results is None:
        return DEFAULT_MAX_RESULTS
    if type(max_results) is not int or not 1 <= max_results <= MAX_RESULTS:
        raise InvalidParameterException(
            f"MaxResults must be a number from 1 to {MAX_RESULTS}.", field="max_results"
        )
    return max_results


# --- Tokens ---------------------------------------------------------------------------------


def _signer(scope: Mapping[str, object], how: str) -> signing.Signer:
    bound = json.dumps(scope, sort_keys=True, default=str, separators=(",", ":"))
    return signing.Signer(salt=f"{SALT}:{how}:{bound}")


def _token(position: list[Any], scope: Mapping[str, object], how: str) -> str:
    text = json.dumps(position, ensure_ascii=False, separators=(",", ":"))
    token = base64.b64encode(_signer(scope, how).sign(text).encode()).decode("ascii")
    assert len(token) <= TOKEN_MAX, "a NextToken is at most 1024 characters"
    return token


def _position(token: object, scope: Mapping[str, object], how: str) -> list[Any]:
    """The position `token` holds, if this scope made it for rows that page this way."""
    try:
        if not isinstance(token, str) or not 1 <= len(token) <= TOKEN_MAX:
            raise ValueError
        raw = base64.b64decode(token, validate=True)
        if base64.b64encode(raw).decode("ascii") != token:  # the padding's spare bits too
            raise ValueError
        position = json.loads(_signer(scope, how).unsign(raw.decode()))
    except (ValueError, signing.BadSignature):  # bad base64, text or JSON; not signed here
        raise InvalidParameterException(INVALID_TOKEN, field="next_token") from None
    if not isinstance(position, list):
        raise InvalidParameterException(INVALID_TOKEN, field="next_token")
    return position


# --- Querysets: by keyset -------------------------------------------------------------------


def _by_keyset(rows: QuerySet, size: int, next_token: str | None, scope: Mapping) -> Page:
    ordering = _ordering(rows)
    how = "keyset:" + ",".join(("-" if desc else "") + field.name for field, desc in ordering)
    rows = rows.order_by(*(("-" if desc else "") + field.name for field, desc in ordering))
    if next_token is not None:
        values = _position(next_token, scope, how)
        if len(values) != len(ordering):
            raise InvalidParameterException(INVALID_TOKEN, field="next_token")
        try:
            values = [
                field.to_python(value) for (field, _), value in zip(ordering, values, strict=True)
            ]
        except Exception:  # a token made before a field changed type
            raise InvalidParameterException(INVALID_TOKEN, field="next_token") from None
        rows = rows.filter(_after(ordering, values))
    items = list(rows[: size + 1])
    if len(items) <= size:
        return Page(items, None)
    items = items[:size]
    last = [_json(getattr(items[-1], field.attname)) for field, _ in ordering]
    return Page(items, _token(last, scope, how))


def _ordering(rows: QuerySet) -> list[tuple[Field, bool]]:
    """The queryset's ordering as (field, descending), ending with a unique field: the primary
    key is added when the last one isn't (a mail domain's name is unique in its organization
    only). Only the model's own non-null fields can be compared to a token's values."""
    meta = rows.model._meta
    names = rows.query.order_by or (meta.ordering if rows.query.default_ordering else ())
    assert names, f"page() needs an ordered queryset of {meta.label}"
    assert rows.query.standard_ordering and not rows.query.is_sliced, "page() slices itself"
    ordering = []
    for name in names:
        assert isinstance(name, str) and "__" not in name and name != "?", (
            f"page() orders by {meta.label}'s own fields, not {name!r}"
        )
        field = meta.pk if name.lstrip("-") == "pk" else meta.get_field(name.lstrip("-"))
        assert not field.is_relation and not field.null, f"page() can't order by {name}"
        ordering.append((field, name.startswith("-")))
    if not (ordering[-1][0].primary_key or ordering[-1][0].unique):
        ordering.append((meta.pk, False))
    return ordering


def _after(ordering: list[tuple[Field, bool]], values: list[Any]) -> Q:
    """The rows after `values` in this ordering: a greater first field, or the same first field
    and a greater second, and so on."""
    after = Q()
    for i, (field, desc) in enumerate(ordering):
        same = {f.name: value for (f, _), value in zip(ordering[:i], values[:i], strict=True)}
        after |= Q(**same, **{f"{field.name}__{'lt' if desc else 'gt'}": values[i]})
    return after


def _json(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value if isinstance(value, str | int | float | bool) else str(value)


# --- Lists: by position ---------------------------------------------------------------------


def _by_position(rows: list[Any], size: int, next_token: str | None, scope: Mapping) -> Page:
    start = 0
    if next_token is not None:
        position = _position(next_token, scope, "position")
        if len(position) != 2 or type(position[0]) is not int or position[0] < 1:
            raise InvalidParameterException(INVALID_TOKEN, field="next_token")
        end, last = position
        marks = [_identity(item) for item in rows]
        # After the last item shown, wherever it is now; where it was, if it is gone.
        start = marks.index(last) + 1 if last in marks else min(end - 1, len(rows))
    items = rows[start : start + size]
    if start + size >= len(rows):
        return Page(items, None)
    return Page(items, _token([start + size, _identity(items[-1])], scope, "position"))


def _identity(item: Any) -> str:
    return str(item.pk) if isinstance(item, Model) else str(item)
