"""What every operation's answer is made of: a page of a list, with its NextToken, and members
left out when they have no value."""

from typing import Any

from workmail_console.api.registry import Call
from workmail_console.paging import Page, page


def paged(call: Call, params: dict[str, Any], rows: Any, **scope: object) -> Page:
    """The page of `rows` this call asks for. Its token holds for the call's operation, account
    and Region, and for `scope` (the organization, the entity, every filter) only."""
    return page(
        rows,
        next_token=params.get("NextToken"),
        max_results=params.get("MaxResults"),
        scope={"operation": call.operation, "account": call.account.pk, "region": call.region,
               **scope},
    )  # fmt: skip


def with_token(answer: dict[str, Any], found: Page) -> dict[str, Any]:
    """`answer`, with the NextToken of the next page when there is one."""
    if found.next_token:
        answer["NextToken"] = found.next_token
    return answer


def present(fields: dict[str, Any]) -> dict[str, Any]:
    """An answer's members without those that have no value."""
    return {name: value for name, value in fields.items() if value is not None}
