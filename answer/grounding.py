"""Every draft checked against the passages it cites, whatever generator wrote it.

A claim is the text before a run of [n] markers. It is kept when at least one marker resolves
to a passage of the prompt that supports it: the passage contains the claim (whitespace aside),
or it holds MIN_SUPPORT of the claim's content terms, every figure and name of the claim, and
says "not" where the claim does (a claim without a negation must match a clause without one).
Markers to other passages are dropped; a
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
from core.text import (
    Analyzer,
    Sentence,
    clauses,
    figures,
    names,
    negated,
    sentences,
    squash,
    tokenize,
)

NOT_FOUND = "Not found in the indexed documents."
# Why a draft with sentences became an abstention.
UNSUPPORTED = "No sentence of the answer was supported by the passage it cites."
# Sentences of context quoted on each side of the cited ones, so a reader sees them in place.
WINDOW_SENTENCES = 1
# Share of a claim's content terms its passage must hold when it is not quoted verbatim: a
# faithful paraphrase keeps most of the words of what it restates. Measured on
# benchmarks/grounding-labelled.jsonl (40 faithful paraphrases, 40 fabricated sentences in their
# passage's words: changed figures, swapped names, flipped negations, inventions) by
# benchmarks/grounding.py: terms alone at 0.75 keep 100% of the paraphrases and drop 25% of the
# fabrications (0.9: 85% / 82%); with the figure, name and negation checks, 0.5-0.8 keep 100%
# and drop 90%, 0.85 drops 95%, 0.9 keeps 85%. 0.8 leaves room for paraphrases in other words
# than the set's.
MIN_SUPPORT = 0.8
# A clause that shares this many terms with a claim is about what the claim says.
SHARED_TERMS = 2
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


def supported(claim: str, passage: Passage, min_support: float = MIN_SUPPORT) -> bool:
    if not claim:
        return False
    text = passage.text
    if claim in squash(text):
        return True
    wanted = set(tokenize(claim, Analyzer.CONTENT))
    if not wanted:
        return False
    held = wanted & set(tokenize(text, Analyzer.CONTENT))
    return (len(held) / len(wanted) >= min_support and figures(claim) <= figures(text)
            and _names_held(claim, text) and _same_polarity(claim, text, wanted))


def _names_held(claim: str, text: str) -> bool:
    words = set(tokenize(text, Analyzer.PLAIN))
    return all(set(tokenize(n, Analyzer.PLAIN)) <= words for n in names(claim))


def _same_polarity(claim: str, text: str, wanted: set[str]) -> bool:
    """A negated claim needs a negation in a clause it shares SHARED_TERMS terms with; any
    other claim must match best a clause that says no "not" ("SMS codes are accepted" against
    "... are not accepted")."""
    parts = [(c, len(wanted & set(tokenize(c, Analyzer.CONTENT)))) for c in clauses(text)]
    if negated(claim):
        return any(negated(c) for c, shared in parts if shared >= SHARED_TERMS)
    best = max(parts, key=lambda cs: cs[1], default=("", 0))[0]
    return not negated(best)


def abstain(evidence: float = 0.0, reason: str = "") -> Answer:
    return Answer(text=NOT_FOUND, abstained=True, citations=(), evidence=evidence, reason=reason)


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
        return abstain(draft.evidence, UNSUPPORTED)
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
