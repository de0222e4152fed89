"""Text a reader does not see: invisible characters in a chunk, hidden elements in HTML.

A chunk's text has lost its styling, so white-on-white or `display:none` can only be seen in
the file: `hidden_html` lists the text of such elements, and a chunk holding one of those
runs is flagged (guard/documents.py). PDF and Office files keep their colours in their own
formats; only HTML (and Markdown's inline HTML) is read here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from core.text import squash

# Unicode tag characters spell ASCII invisibly ("ASCII smuggling"); bidi overrides reorder
# what is shown against what is stored.
_TAGS = re.compile("[\U000e0000-\U000e007f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Zero-width characters inside words (not one stray BOM or a joiner in an emoji).
_ZERO_WIDTH = re.compile(r"\w[\u200b-\u200d\u2060\ufeff]+\w")
ZERO_WIDTH_RUNS = 3


def invisible(text: str) -> str:
    """Why the text hides characters from its reader, or "" when it does not."""
    if _TAGS.search(text):
        return "hidden text: Unicode tag characters"
    if _BIDI.search(text):
        return "hidden text: bidirectional overrides"
    if len(_ZERO_WIDTH.findall(text)) >= ZERO_WIDTH_RUNS:
        return "hidden text: zero-width characters inside words"
    return ""


_WHITE = r"(?:#fff(?:fff)?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)"
_HIDDEN_STYLE = {
    "display:none": re.compile(r"display\s*:\s*none"),
    "visibility:hidden": re.compile(r"visibility\s*:\s*hidden"),
    "font-size:0": re.compile(r"font-size\s*:\s*0(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:;|$)"),
    "opacity:0": re.compile(r"opacity\s*:\s*0(?:\.0*)?\s*(?:;|$)"),
    "white text": re.compile(rf"(?:^|;)\s*color\s*:\s*{_WHITE}"),
}
_BACKGROUND = re.compile(r"background(?:-color)?\s*:")
_WHITE_BACKGROUND = re.compile(rf"background(?:-color)?\s*:\s*{_WHITE}")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
# Hidden runs shorter than this are layout (an icon's label, "×"), not a message.
MIN_WORDS = 3


def _hidden_by(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    values = {k.lower(): (v or "") for k, v in attrs}
    if "hidden" in values:
        return "hidden attribute"
    style = values.get("style", "").lower()
    why = next((why for why, pattern in _HIDDEN_STYLE.items() if pattern.search(style)), "")
    if why == "white text" and _BACKGROUND.search(style) and not _WHITE_BACKGROUND.search(style):
        return ""  # white on a background of its own (a dark banner): seen
    return why


class _Hidden(HTMLParser):
    """Collects the text of each outermost hidden element, nested markup included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # Each open element and why it hides ("" when it does not).
        self.stack: list[tuple[str, str]] = []
        self.runs: list[tuple[str, str]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append((tag, _hidden_by(tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        """Closes `tag` and what is still open inside it (HTML lets `<p>` and `<li>` go
        unclosed); an end tag with no open element of its name is ignored."""
        if all(t != tag for t, _ in self.stack):
            return
        while self.stack:
            closed, why = self.stack.pop()
            if why and not self.hidden:  # the outermost hidden element ends
                self.flush(why)
            if closed == tag:
                return

    @property
    def hidden(self) -> bool:
        return any(why for _, why in self.stack)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            self._text.append(data)

    def flush(self, why: str) -> None:
        text = squash(" ".join(self._text))
        self._text = []
        if len(text.split()) >= MIN_WORDS:
            self.runs.append((text, why))


def hidden_html(markup: str) -> list[tuple[str, str]]:
    """(text, why it is hidden) of every hidden element's text of MIN_WORDS words or more."""
    parser = _Hidden()
    parser.feed(markup)
    parser.close()
    if parser.hidden:  # unclosed elements at the end of the file
        parser.flush(next(why for _, why in parser.stack if why))
    return parser.runs
