"""A chunk's own text as sentences: the grain of coverage packing (context/coverage.py).

Each unit carries its span in the chunk's text, its distinct terms (the index's analyzer
without stemming, so "configure" and "configuration" are two things said) and its count with
the break before it (a line break when it opens a line, else a space), as it sits in a passage:
units are cut at whitespace, so in word pieces (which never span whitespace) a run of units
costs exactly the sum of theirs, and in a BPE, where a space merges into the next word and a
line break is a token, the sum stays within a few tokens of the run's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from context.render import Count
from core.models import Chunk
from core.text import Analyzer, sentences, tokenize

Span = tuple[int, int]
# Units of ~16k chunks (~1 KB of spans and term sets each): the windows of popular hits come
# back query after query, and splitting a chunk costs ~0.1 ms.
UNIT_CACHE = 16_384


@dataclass(frozen=True, slots=True)
class Unit:
    chunk: Chunk
    index: int  # order among the chunk's units
    span: Span  # in chunk.text
    terms: frozenset[str]
    tokens: int
    edge: bool  # the chunk's first or last unit: where it meets the chunks either side


@lru_cache(maxsize=UNIT_CACHE)
def units_of(chunk: Chunk, count: Count) -> tuple[Unit, ...]:
    """The sentences of the chunk's text after its overlap (the previous chunk's tail)."""
    spans = sentence_spans(chunk.text, chunk.overlap)
    last = len(spans) - 1
    return tuple(
        Unit(chunk, i, span, frozenset(tokenize(part, Analyzer.STOPWORDS)),
             count(_lead(chunk.text, span[0], i) + part), i in (0, last))
        for i, span in enumerate(spans)
        for part in (chunk.text[span[0] : span[1]],)
    )


def _lead(text: str, start: int, index: int) -> str:
    """The break a unit follows in a passage: a line break when it opens a line (a chunk's
    first unit follows a header, a gap or the chunk before on a line of its own), else a space."""
    line = text.rfind("\n", 0, start)
    opens = index == 0 or (line >= 0 and not text[line + 1 : start].strip())
    return "\n" if opens else " "


def sentence_spans(text: str, start: int = 0) -> list[Span]:
    """(start, end) of each sentence of text[start:], list markers kept, without surrounding
    space."""
    return [(start + s.lead, start + s.end) for s in sentences(text[start:], join_wrapped=False)]
