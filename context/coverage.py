"""Coverage packing: the sentences of the candidates chosen for what they add, within budget.

Budgeted maximum coverage (Khuller, Moss & Naor 1999; Lin & Bilmes 2011 for extractive
summaries), greedy by gain per word piece:

    gain(u) = weight(u) * (|terms(u) - covered| + QUESTION_SHARE * |terms(u) & question|)
              / (tokens(u) + 1)
    weight(u) = (score of u's chunk / best candidate score) ** FOCUS

A sentence that only repeats packed terms is worth its question terms alone; one with neither
is never packed. Gains only shrink as terms get covered, so the greedy is lazy (Minoux 1978):
a popped sentence whose fresh gain still tops the next stale one is taken without rescoring
the rest.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from context.render import Count
from context.selection import Selection
from context.units import Unit, units_of
from index.bm25 import Analyzer, tokenize
from lore.models import Passage, ScoredChunk

# How fast a candidate's sentences lose to the best one's: with a neighbour scored 0.97 per
# position from its hit, 10 gives the sentence 3 chunks away 0.4 of the hit's weight. Swept
# 5 / 10 / 15 / 20 on the rhdh dev set: context recall 0.656 / 0.662 / 0.655 / 0.641
# (docs/tuning.md, third round).
FOCUS = 10
# Candidates weighing less are not split: their sentences would need 10 times the new terms
# per token of the best chunk's to be taken. 0.05 / 0.1 / 0.2 / 0.3 on rhdh: recall 0.662 /
# 0.662 / 0.662 / 0.649, and at 0.1 assembly takes 3.8 ms instead of 5.3.
MIN_WEIGHT = 0.1
# Neighbours each side of a hit: sentences are cheaper to leave out than whole chunks, so a
# wider window pays; 3 / 4 / 6 on rhdh: 0.657 / 0.662 / 0.664 context recall.
COVERAGE_REACH = 4
# Question terms keep a sentence worth packing after other sentences covered them: the
# sentence that answers is often not the one that first said its words. 0 / 0.25 / 0.5 / 1 on
# rhdh: answer F1 at the abstention threshold 0.272 / 0.291 / 0.291 / 0.300, context recall
# 0.671 / 0.669 / 0.662 / 0.648.
QUESTION_SHARE = 0.25


def gain(unit: Unit, weight: float, covered: set[str], question: frozenset[str]) -> float:
    new = len(unit.terms - covered) + QUESTION_SHARE * len(unit.terms & question)
    return weight * new / (unit.tokens + 1)


def cover(
    units: Sequence[tuple[Unit, float]],
    question: frozenset[str],
    add: Callable[[Unit], bool],
) -> set[str]:
    """Offers `add` the (unit, weight) pairs by lazy greedy gain until none has any left;
    `add` packs a unit or refuses it (no room). Returns the terms covered.

    A unit saying what a packed one said, in the same words, is never offered: its question
    terms would keep it worth packing, and the manuals repeat whole sentences across books.
    """
    covered: set[str] = set()
    said: set[frozenset[str]] = set()
    heap = [(-gain(u, w, covered, question), i) for i, (u, w) in enumerate(units)]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        unit, weight = units[i]
        fresh = gain(unit, weight, covered, question)
        if fresh <= 0 or unit.terms in said:
            continue
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, i))
        elif add(unit):
            covered |= unit.terms
            said.add(unit.terms)
    return covered


def pack_coverage(
    candidates: Sequence[ScoredChunk], question: str, limit: int, count: Count
) -> tuple[list[Passage], list[str]]:
    """The passages of the sentences taken within `limit` tokens, and the ids of the
    candidates left out because every term they hold is in them already."""
    best = max((c.score for c in candidates), default=0.0)
    weights = {c.chunk.id: (c.score / best) ** FOCUS if best > 0 else 1.0 for c in candidates}
    units = [
        (u, weights[c.chunk.id])
        for c in candidates
        if weights[c.chunk.id] >= MIN_WEIGHT
        for u in units_of(c.chunk, count)
    ]
    selection = Selection(limit, count, {c.chunk.id: c.score for c in candidates})
    asked = frozenset(tokenize(question, Analyzer.STOPWORDS))
    covered = cover(units, asked, selection.add)
    placed = selection.placed()
    repeats = [
        c.chunk.id
        for c in candidates
        if c.chunk.id not in placed and all(u.terms <= covered for u in units_of(c.chunk, count))
    ]
    return selection.passages(), repeats
