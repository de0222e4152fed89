"""Sentence splitting for technical documents, with character offsets into the source.

A sentence ends at . ! or ? followed by whitespace and a capital, digit, quote or bracket, so
"v1.2", "3.5", URLs and file names such as "app-config.yaml" never split (no whitespace after
their dots), and neither do abbreviations such as "e.g." (lowercase follows, or listed below).
Lines are units of their own: list items, table rows and headings end at the line break. A line
that stops mid-sentence and continues in lowercase is a soft wrap and is joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    text: str  # source[start:end], original whitespace kept
    start: int
    end: int


# Candidate boundary: terminal punctuation (plus closing quotes/brackets), whitespace, then a
# character that can start a sentence.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[A-Z0-9])")
# Abbreviations that are followed by capitals or digits mid-sentence ("Dr. Lee", "No. 4").
_ABBREVIATED = (
    "e.g i.e cf vs approx dr mr mrs ms prof inc ltd co corp no nos fig figs sec vol ch art "
    "p pp st jr sr dept est mt ft jan feb mar apr jun jul aug sep sept oct nov dec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATED.split())
# "- ", "* ", "• ", "1. ", "2) ", "(a) ", "# " at the start of a line: layout, not content.
_MARKER = re.compile(r"[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|\(?[a-z]\)|#{1,6})[ \t]+")
_LIST_START = re.compile(r"[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|\(?[a-z]\))[ \t]+")
# A line ending in these has finished its sentence (or introduces a list).
_LINE_END = (".", "!", "?", ":", ";")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of `text` in order, stripped of list markers and surrounding whitespace."""
    out: list[Sentence] = []
    for start, end in _units(text):
        out.extend(_split_unit(text, start, end))
    return tuple(out)


def _units(text: str) -> list[tuple[int, int]]:
    """Spans of logical lines: physical lines, with soft-wrapped continuations joined."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        span = (pos, pos + len(line.rstrip("\r\n")))
        pos += len(line)
        if spans and _continues(text[spans[-1][0] : spans[-1][1]], text[span[0] : span[1]]):
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
    return spans


def _continues(previous: str, line: str) -> bool:
    prev, cur = previous.rstrip(), line.strip()
    if not prev or not cur or prev.endswith(_LINE_END) or _LIST_START.match(line):
        return False
    return cur[0].islower()


def _split_unit(text: str, start: int, end: int) -> list[Sentence]:
    marker = _MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    cuts = [m.end() for m in _BOUNDARY.finditer(text, start, end) if _is_end(text, start, m)]
    out: list[Sentence] = []
    for a, b in zip([start, *cuts], [*cuts, end], strict=True):
        sentence = _trimmed(text, a, b)
        if sentence:
            out.append(sentence)
    return out


def _is_end(text: str, start: int, match: re.Match[str]) -> bool:
    """False when the dot belongs to an abbreviation or an initial ("J. Smith")."""
    if not text.startswith(".", match.start()) or match.end() - match.start() > 1:
        return True
    word = text[start : match.start()].split()[-1:] or [""]
    token = word[0].lstrip("(\"'").lower()
    return token not in _ABBREVIATIONS and not (len(token) == 1 and token.isalpha())


def _trimmed(text: str, a: int, b: int) -> Sentence | None:
    chunk = text[a:b]
    left = len(chunk) - len(chunk.lstrip())
    right = len(chunk.rstrip())
    if right <= left:
        return None
    return Sentence(text[a + left : a + right], a + left, a + right)
