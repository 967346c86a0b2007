"""Read what a person sees on a page: the text of a details page's label/value pairs."""

from html import escape
from html.parser import HTMLParser

from django.core.exceptions import NON_FIELD_ERRORS


class _KeyValues(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pairs: dict[str, str] = {}
        self._in: str | None = None
        self._label = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("dt", "dd"):
            self._in, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag != self._in:
            return
        text = " ".join("".join(self._text).split())
        if tag == "dt":
            self._label = text
        else:
            self.pairs[self._label] = text
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


def key_values(html: str) -> dict[str, str]:
    """{label: value} for every <dt>/<dd> pair, as text with the whitespace collapsed."""
    parser = _KeyValues()
    parser.feed(html)
    return parser.pairs


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _ByTestId(HTMLParser):
    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.found: list[str] = []
        self._open: list[tuple[str, list[str] | None]] = []  # (tag, text if it is a match)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._gap()
        if tag in VOID:
            return
        match = dict(attrs).get("data-testid") == self.testid
        self._open.append((tag, [] if match else None))

    def _gap(self) -> None:
        """Tags separate words (cells of a row, say): the text reads as a person sees it."""
        self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        self._gap()
        while self._open:
            open_tag, text = self._open.pop()
            if text is not None:
                self.found.append(" ".join("".join(text).split()))
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        for _, text in self._open:
            if text is not None:
                text.append(data)


def texts(html: str, testid: str) -> list[str]:
    """The text of each element marked `data-testid="<testid>"`, whitespace collapsed, in order
    of their end tags (the page order, unless they nest)."""
    parser = _ByTestId(testid)
    parser.feed(html)
    return parser.found


def text(html: str, testid: str) -> str:
    """The text of the one element marked `data-testid="<testid>"`."""
    [found] = texts(html, testid)
    return found


def refused(response, field: str | None, words: str, form: str = "form") -> None:
    """A 400 (never a 500) with the words under the field (None: above the form), on the page."""
    assert response.status_code == 400
    errors = response.context[form].errors.get(field or NON_FIELD_ERRORS, [])
    assert any(words in error for error in errors), errors
    assert escape(words) in response.content.decode()
