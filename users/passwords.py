"""WorkMail's password policy for the users it manages (Amazon WorkMail directory, Simple AD):
8 to 63 characters, Basic Latin and Latin-1 Supplement only, characters from at least three of
five groups, and never the user's name. "Amazon WorkMail directory password policies can't be
changed." Each rule answers with its own message, as the console's field error."""

import string
import unicodedata

from workmail_console.errors import InvalidPasswordException

MIN_LENGTH, MAX_LENGTH = 8, 63
TOO_LONG = f"The password must be fewer than {MAX_LENGTH + 1} characters long."
GROUPS_NEEDED = 3
POLICY = (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters, only Basic Latin and Latin-1 Supplement characters,"
    " from at least three of these groups: uppercase letters, lowercase letters, numbers (0-9),"
    " special characters (such as ~ ! @ # $ %), Latin-1 letters (such as é, ü, ñ). It can't"
    " contain the user name."
)
# The Latin-1 Supplement's letters (é, ü, ñ, ß, ...): the fifth group. The multiplication and
# division signs among them are symbols.
LATIN1_LETTERS = frozenset(
    character for character in map(chr, range(0xAA, 0x100)) if character.isalpha()
)


def _group(character: str) -> str:
    if character in string.ascii_uppercase:
        return "uppercase"
    if character in string.ascii_lowercase:
        return "lowercase"
    if character in string.digits:
        return "digits"
    if character in LATIN1_LETTERS:
        return "latin1"
    return "symbols"


def _allowed(character: str) -> bool:
    """Basic Latin or Latin-1 Supplement, but not a control character: DEL and the C1 controls
    (U+007F-U+009F) are inside that range and are no more typeable than the C0 ones."""
    return "\u0020" <= character <= "\u00ff" and unicodedata.category(character) != "Cc"


def password_problem(password: str, *, user_name: str = "") -> str | None:
    """What is wrong with `password` under the policy, in the console's words, or None."""
    if not password:
        return "Enter a password."
    if any(not _allowed(character) for character in password):
        return (
            "The password can contain only Basic Latin and Latin-1 Supplement characters"
            " (letters such as é, ü and ñ are allowed; other scripts, emoji and control"
            " characters are not)."
        )
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if len({_group(character) for character in password}) < GROUPS_NEEDED:
        return (
            "The password must contain characters from at least three of these groups:"
            " uppercase letters, lowercase letters, numbers (0-9), special characters"
            " (such as ~ ! @ # $ %), and Latin-1 letters (such as é, ü, ñ)."
        )
    if user_name and user_name.lower() in password.lower():
        return "The password can't contain the user name."
    return None


def validate_password(password: str, *, user_name: str = "") -> str:
    """The password as given, or InvalidPasswordException saying which rule it breaks."""
    if problem := password_problem(password, user_name=user_name):
        raise InvalidPasswordException(problem, field="password")
    return password
