"""WorkMail's password policy, one rule at a time: each password below breaks exactly one rule
(or none), so each test fails for one reason."""

from itertools import combinations

import pytest

from users.passwords import password_problem, validate_password
from workmail_console.errors import InvalidPasswordException

TOO_SHORT = "The password must be at least 8 characters long."
TOO_LONG = "The password must be fewer than 64 characters long."
CHARACTERS = "The password can contain only Basic Latin and Latin-1 Supplement characters"
GROUPS = "The password must contain characters from at least three of these groups"
NAME = "The password can't contain the user name."

# Two characters of each group, so that any three groups make 6 characters, and 8 with padding
# from one of them.
SAMPLES = {
    "uppercase": "QZ",
    "lowercase": "qz",
    "digits": "47",
    "symbols": "#~",
    "latin1": "éß",
}


def test_an_empty_password_is_asked_for() -> None:
    assert password_problem("") == "Enter a password."


def test_seven_characters_are_too_short_and_eight_are_enough() -> None:
    assert password_problem("Abcde1!") == TOO_SHORT
    assert password_problem("Abcdef1!") is None


def test_sixty_three_characters_are_allowed_and_sixty_four_are_too_many() -> None:
    assert password_problem("Aa1" + "x" * 60) is None
    assert password_problem("Aa1" + "x" * 61) == TOO_LONG


@pytest.mark.parametrize(
    "outsider",
    [
        "ł",  # Latin Extended-A: a letter, but not Latin-1
        "Ж",  # another script
        "😀",  # an emoji
        "\u2013",  # an en dash, as word processors type it
        "\x00",  # NUL
        "\x07",  # a C0 control character
        "\t",
        "\x7f",  # DEL: inside Basic Latin's range, still a control character
        "\x85",  # a C1 control character: inside Latin-1 Supplement's range
    ],
)
def test_a_character_outside_basic_latin_and_latin1_or_a_control_character_is_refused(
    outsider: str,
) -> None:
    problem = password_problem(f"Good-Pass1{outsider}")
    assert problem is not None and problem.startswith(CHARACTERS)


@pytest.mark.parametrize("groups", list(combinations(SAMPLES, 2)), ids="+".join)
def test_characters_from_only_two_groups_are_refused(groups: tuple[str, str]) -> None:
    password = "".join(SAMPLES[group] * 2 for group in groups)
    assert password_problem(password).startswith(GROUPS)


@pytest.mark.parametrize("groups", list(combinations(SAMPLES, 3)), ids="+".join)
def test_characters_from_any_three_groups_are_enough(groups: tuple[str, str, str]) -> None:
    password = "".join(SAMPLES[group] for group in groups) + SAMPLES[groups[0]]
    assert len(password) == 8
    assert password_problem(password) is None


def test_latin1_signs_are_symbols_not_letters() -> None:
    assert password_problem("abcdefg\u00d7\u00f7").startswith(GROUPS)  # lowercase and symbols only
    assert password_problem("abcdefg\u00d71") is None


@pytest.mark.parametrize("written", ["janedoe", "JaneDoe", "JANEDOE"])
def test_a_password_containing_the_user_name_in_any_case_is_refused(written: str) -> None:
    assert password_problem(f"1!{written}", user_name="janedoe") == NAME
    assert password_problem(f"1!{written}", user_name="someone") is None


def test_validate_password_names_the_field_and_the_rule() -> None:
    with pytest.raises(InvalidPasswordException) as raised:
        validate_password("short")
    assert (raised.value.field, raised.value.message) == ("password", TOO_SHORT)
