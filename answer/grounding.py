"""Every draft checked against the passages it cites, whatever generator wrote it.

A claim is the text before a run of [n] markers. It is kept when at least one marker resolves
to a passage of the prompt that supports it: the passage contains the claim (whitespace aside),
or holds MIN_SUPPORT of the claim's content terms. Markers to other passages are dropped; a
claim with none left, and text after the last marker, are dropped; a draft left with no claim
becomes an abstention. Citations are numbered in order of first use and quote the supporting
sentences of their passage with WINDOW_SENTENCES of context each side.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from answer.base import Draft
from core.models import Answer, Citation, Context, Passage
from core.text import Analyzer, Sentence, sentences, squash, tokenize

NOT_FOUND = "Not found in the indexed documents."
# Sentences of context quoted on each side of the cited ones, so a reader sees them in place.
WINDOW_SENTENCES = 1
# Share of a claim's content terms its passage must hold when it is not quoted verbatim: a
# faithful paraphrase keeps most of the words of what it restates.
MIN_SUPPORT = 0.75
MARKER = re.compile(r"\[(\d+)\]")
MARKER_RUN = re.compile(r"(?:\s*\[\d+\])+")


@dataclass(frozen=True)
class Claim:
    text: str  # whitespace-squashed
    cites: tuple[int, ...]  # passage numbers, 1-based, as written


def claims(text: str) -> list[Claim]:
    """The claims of a draft in order; text after the last marker run cites nothing."""
    out, pos = [], 0
    for run in MARKER_RUN.finditer(text):
        cited = tuple(dict.fromkeys(int(n) for n in MARKER.findall(run.group())))
        out.append(Claim(squash(text[pos : run.start()]), cited))
        pos = run.end()
    return out


def supported(claim: str, passage: Passage) -> bool:
    if not claim:
        return False
    if claim in squash(passage.text):
        return True
    wanted = set(tokenize(claim, Analyzer.CONTENT))
    if not wanted:
        return False
    held = wanted & set(tokenize(passage.text, Analyzer.CONTENT))
    return len(held) / len(wanted) >= MIN_SUPPORT


def abstain(evidence: float = 0.0) -> Answer:
    return Answer(text=NOT_FOUND, abstained=True, citations=(), evidence=evidence)


def ground(draft: Draft, context: Context) -> Answer:
    """The draft's supported claims, cited; an abstention when none is left."""
    if draft.abstained:
        return abstain(draft.evidence)
    passages = context.passages
    kept: list[tuple[str, list[int]]] = []
    for claim in claims(draft.text):
        cites = [n for n in claim.cites
                 if 1 <= n <= len(passages) and supported(claim.text, passages[n - 1])]
        if cites:
            kept.append((claim.text, cites))
    if not kept:
        return abstain(draft.evidence)
    order = list(dict.fromkeys(n for _, cites in kept for n in cites))
    number = {n: i + 1 for i, n in enumerate(order)}
    text = " ".join(f"{c} {' '.join(f'[{number[n]}]' for n in cites)}" for c, cites in kept)
    citations = tuple(
        _citation(number[n], passages[n - 1], [c for c, cites in kept if n in cites])
        for n in order
    )
    return Answer(text=text, abstained=False, citations=citations, evidence=draft.evidence)


def _citation(n: int, passage: Passage, cited: Sequence[str]) -> Citation:
    spans = sentences(passage.text)
    anchors = sorted({s for claim in cited for s in _anchors(claim, spans)}, key=lambda s: s.start)
    return Citation(
        n=n, source=passage.source, title=passage.title, page=passage.page,
        chunk_id=chunk_for(passage, anchors[0].start if anchors else 0),
        text=window(passage.text, anchors) if anchors else passage.text,
    )


def _anchors(claim: str, spans: Sequence[Sentence]) -> list[Sentence]:
    """The passage sentences a claim quotes, or else the one sharing most of its terms."""
    quoted = [s for s in spans if claim in squash(s.text)]
    if quoted or not spans:
        return quoted
    wanted = set(tokenize(claim, Analyzer.CONTENT))
    return [max(spans, key=lambda s: len(wanted & set(tokenize(s.text, Analyzer.CONTENT))))]


def window(text: str, cited: Sequence[Sentence]) -> str:
    """The span of the cited sentences widened by WINDOW_SENTENCES neighbours each side."""
    spans = sentences(text)
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
