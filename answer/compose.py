"""Chosen sentences → answer text with [n] markers and the citations they point to."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from answer.citations import normalise
from answer.sentences import Sentence, split_sentences
from lore.models import Answer, Citation, Passage

# Sentences of context quoted on each side of the cited ones, so a reader sees them in place.
WINDOW_SENTENCES = 1


@dataclass(frozen=True)
class Pick:
    passage: int  # index into Context.passages
    sentence: Sentence


def compose(picks: Sequence[Pick], passages: Sequence[Passage], evidence: float) -> Answer:
    """Picks come best first; passages keep that order, sentences keep document order."""
    order = list(dict.fromkeys(p.passage for p in picks))
    number = {passage: i + 1 for i, passage in enumerate(order)}
    ordered = sorted(picks, key=lambda p: (order.index(p.passage), p.sentence.start))
    text = " ".join(f"{normalise(p.sentence.text)} [{number[p.passage]}]" for p in ordered)
    citations = tuple(
        _citation(number[i], passages[i], [p.sentence for p in ordered if p.passage == i])
        for i in order
    )
    return Answer(text=text, abstained=False, citations=citations, evidence=evidence)


def _citation(n: int, passage: Passage, cited: list[Sentence]) -> Citation:
    return Citation(
        n=n, source=passage.source, title=passage.title, page=passage.page,
        chunk_id=chunk_for(passage, cited[0].start), text=window(passage.text, cited),
    )


def window(text: str, cited: list[Sentence]) -> str:
    """The span of the cited sentences widened by WINDOW_SENTENCES neighbours each side."""
    spans = split_sentences(text)
    first = next(i for i, s in enumerate(spans) if s.start == cited[0].start)
    last = next(i for i, s in enumerate(spans) if s.start == cited[-1].start)
    lo = spans[max(0, first - WINDOW_SENTENCES)].start
    hi = spans[min(len(spans) - 1, last + WINDOW_SENTENCES)].end
    return text[lo:hi]


def chunk_for(passage: Passage, offset: int) -> str:
    """The chunk holding `offset` in the passage text (its first chunk if starts are unknown)."""
    if len(passage.chunk_starts) != len(passage.chunk_ids):
        return passage.chunk_ids[0]
    return passage.chunk_ids[max(0, bisect_right(passage.chunk_starts, offset) - 1)]
