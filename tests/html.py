"""Read what a person sees on a page: the text of a details page's label/value pairs."""

from html.parser import HTMLParser


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
