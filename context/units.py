"""A chunk's own text as sentences: the grain of coverage packing (context/coverage.py).

Each unit carries its span in the chunk's text, its distinct terms (the index's analyzer
without stemming, so "configure" and "configuration" are two things said) and its exact
word-piece count: units are cut at whitespace, and word pieces never span whitespace, so the
count of a run of units is the sum of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from context.render import Count
from context.trim import SENTENCE_END
from index.bm25 import Analyzer, tokenize
from lore.models import Chunk

Span = tuple[int, int]
# Units of ~16k chunks (~1 KB of spans and term sets each): the windows of popular hits come
# back query after query, and splitting a chunk costs ~0.1 ms.
UNIT_CACHE = 16_384


@dataclass(frozen=True)
class Unit:
    chunk: Chunk
    index: int  # order among the chunk's units
    span: Span  # in chunk.text
    terms: frozenset[str]
    tokens: int


def units_of(chunk: Chunk, count: Count) -> tuple[Unit, ...]:
    """The sentences of the chunk's text after its overlap (the previous chunk's tail)."""
    return tuple(
        Unit(chunk, i, span, terms, tokens)
        for i, (span, terms, tokens) in enumerate(_profile(chunk.text, chunk.overlap, count))
    )


Profile = tuple[tuple[Span, frozenset[str], int], ...]


@lru_cache(maxsize=UNIT_CACHE)
def _profile(text: str, overlap: int, count: Count) -> Profile:
    parts = ((span, text[span[0] : span[1]]) for span in sentence_spans(text, overlap))
    return tuple(
        (span, frozenset(tokenize(part, Analyzer.STOPWORDS)), count(part)) for span, part in parts
    )


def sentence_spans(text: str, start: int = 0) -> list[Span]:
    """(start, end) of each non-blank sentence of text[start:], without surrounding space."""
    spans, at = [], start
    for m in [*SENTENCE_END.finditer(text, start), None]:
        end = m.start() if m else len(text)
        part = text[at:end]
        if part.strip():
            lead = len(part) - len(part.lstrip())
            spans.append((at + lead, at + len(part.rstrip())))
        at = m.end() if m else end
    return spans
