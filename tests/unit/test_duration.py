import pytest

from workmail_console.templatetags.console import duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "-"),
        (0.0123, "12 ms"),
        (3.21, "3.2 s"),
        (42, "42 s"),
        (60, "1 min"),
        (252, "4 min 12 s"),
        (7500, "2 h 5 min"),
        (3 * 86400 + 4 * 3600 + 59, "3 d 4 h"),
        (-5, "0 ms"),
    ],
)
def test_durations_read_as_ops_write_them(seconds: float | None, text: str) -> None:
    assert duration(seconds) == text
