"""NextToken and MaxResults on an ordered list: page sizes, what a token is and whose it is.
How querysets page, with real rows of each list service: tests/users/test_paging_services.py."""

import base64
import re
import string

import pytest

from workmail_console.errors import InvalidParameterException
from workmail_console.paging import TOKEN_MAX, Page, page

SCOPE = {"account": "123456789012", "region": "us-east-1", "operation": "ListAliases"}
ROWS = [f"row{i:03}" for i in range(250)]


def walk(rows: list, size: int | None, scope: dict = SCOPE) -> list[Page]:
    pages = [page(rows, next_token=None, max_results=size, scope=scope)]
    while pages[-1].next_token is not None and len(pages) <= len(rows):  # never round in circles
        pages.append(page(rows, next_token=pages[-1].next_token, max_results=size, scope=scope))
    return pages


def first_token(rows: list = ROWS, size: int = 3, scope: dict = SCOPE) -> str:
    token = page(rows, next_token=None, max_results=size, scope=scope).next_token
    assert token is not None
    return token


def test_without_max_results_a_page_has_a_hundred_rows() -> None:
    assert [len(p.items) for p in walk(ROWS, None)] == [100, 100, 50]


@pytest.mark.parametrize("size", [1, 7, 100])
def test_the_pages_hold_every_row_once_in_order_and_the_last_has_no_token(size: int) -> None:
    pages = walk(ROWS, size)
    assert [item for p in pages for item in p.items] == ROWS
    assert all(len(p.items) == size for p in pages[:-1]) and pages[-1].next_token is None


def test_a_token_never_comes_back_twice() -> None:
    tokens = [p.next_token for p in walk(ROWS, 1)][:-1]
    assert len(tokens) == len(set(tokens)) == 249


def test_rows_that_fit_one_page_give_no_token() -> None:
    assert page(ROWS[:100], next_token=None, max_results=100, scope=SCOPE) == Page(ROWS[:100], None)
    assert page([], next_token=None, max_results=5, scope=SCOPE) == Page([], None)


@pytest.mark.parametrize("size", [0, 101, -1, 1000, True, "5", 2.0])
def test_max_results_outside_1_to_100_is_an_invalid_parameter(size: object) -> None:
    with pytest.raises(
        InvalidParameterException, match="MaxResults must be a number from 1 to 100"
    ):
        page(ROWS, next_token=None, max_results=size, scope=SCOPE)  # type: ignore[arg-type]


def test_a_token_is_base64_characters_only() -> None:
    for p in walk(ROWS, 60)[:-1]:
        assert re.fullmatch(r"[A-Za-z0-9+/=]{1,1024}", p.next_token or "")


def test_a_token_of_the_longest_latin_1_row_still_fits_1024_characters() -> None:
    longest = ["ÿ" * 256 + str(i) for i in range(3)]  # a group name: 256 Latin-1 characters
    token = first_token(longest, size=1)
    assert len(token) <= TOKEN_MAX
    assert page(longest, next_token=token, max_results=1, scope=SCOPE).items == [longest[1]]


def test_a_token_works_in_its_own_scope_whatever_the_order_of_its_keys() -> None:
    token = first_token()
    same = dict(reversed(SCOPE.items()))
    assert page(ROWS, next_token=token, max_results=3, scope=same).items == ROWS[3:6]


@pytest.mark.parametrize(
    "other",
    [
        {**SCOPE, "account": "210987654321"},
        {**SCOPE, "region": "eu-west-1"},
        {**SCOPE, "operation": "ListUsers"},
        {**SCOPE, "entity_id": "r-0123456789abcdef0123456789abcdef"},
    ],
)
def test_a_token_from_another_scope_is_invalid(other: dict) -> None:
    with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
        page(ROWS, next_token=first_token(), max_results=3, scope=other)


def test_a_token_edited_by_any_one_character_is_invalid() -> None:
    token = first_token()
    alphabet = string.ascii_letters + string.digits + "+/="
    for i, kept in enumerate(token):
        for character in (alphabet[(alphabet.index(kept) + 1) % len(alphabet)], "-"):
            edited = token[:i] + character + token[i + 1 :]
            with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
                page(ROWS, next_token=edited, max_results=3, scope=SCOPE)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "null",
        "abc",
        "x" * 1025,
        "not base64!",
        base64.b64encode(b'[3, "row002"]').decode(),
        base64.b64encode(b'[3,"row002"]:forged-signature').decode(),
        "\x00",
    ],
)
def test_a_made_up_token_is_invalid(garbage: str) -> None:
    with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
        page(ROWS, next_token=garbage, max_results=3, scope=SCOPE)


def test_a_token_cut_short_or_lengthened_is_invalid() -> None:
    token = first_token()
    for edited in (token[:-4], token + "AAAA", token[4:]):
        with pytest.raises(InvalidParameterException, match="The NextToken is invalid"):
            page(ROWS, next_token=edited, max_results=3, scope=SCOPE)


def test_a_row_added_before_the_token_is_not_shown_again() -> None:
    token = first_token()  # after row002
    rows = ["row000a", *ROWS]
    assert page(rows, next_token=token, max_results=3, scope=SCOPE).items == ROWS[3:6]


def test_the_row_the_token_points_after_can_go_without_another_being_skipped() -> None:
    token = first_token()  # after row002
    rows = [row for row in ROWS if row != "row002"]
    assert page(rows, next_token=token, max_results=3, scope=SCOPE).items == ROWS[3:6]


def test_a_token_past_the_rows_left_gives_an_empty_last_page() -> None:
    token = first_token()
    assert page(ROWS[:2], next_token=token, max_results=3, scope=SCOPE) == Page([], None)
