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
import math
from collections.abc import Callable, Sequence

from context.packing import NEIGHBOUR_DECAY
from context.render import Count
from context.selection import Selection
from context.units import Unit, units_of
from core.models import Passage, ScoredChunk
from core.text import signature
from index.bm25 import Analyzer, tokenize

# How fast a candidate's sentences lose to the best one's: with a neighbour scored 0.97 per
# position from its hit, 10 gives the sentence 3 chunks away 0.4 of the hit's weight. Swept
# 5 / 10 / 15 / 20 on the rhdh dev set (question share 0.5): context recall 0.656 / 0.662 /
# 0.655 / 0.641 (docs/tuning.md, third round).
FOCUS = 10
# Candidates weighing less are not split (nor their neighbours fetched): their sentences would
# need 10 times the new terms per token of the best chunk's to be taken. 0.1 / 0.2 / 0.3 on
# rhdh: context recall 0.670 / 0.670 / 0.655, hit@0.5 0.820 / 0.812 / 0.776; 0.2 is a tenth
# faster but lets one unanswerable question of the sample set through.
MIN_WEIGHT = 0.1
# Neighbours each side of a hit: sentences are cheaper to leave out than whole chunks, so a
# wider window pays; 3 / 4 / 6 on rhdh: 0.657 / 0.662 / 0.664 context recall.
COVERAGE_REACH = 4
# Question terms keep a sentence worth packing after other sentences covered them: the
# sentence that answers is often not the one that first said its words. 0 / 0.25 / 0.5 / 1 on
# rhdh: answer F1 at the abstention threshold 0.272 / 0.291 / 0.291 / 0.300, context recall
# 0.671 / 0.669 / 0.662 / 0.648.
QUESTION_SHARE = 0.25
# A definition's head: its signature line and the sentence that says what it does.
DEFINITION_UNITS = 2


def coverage_reach(
    hits: Sequence[ScoredChunk], decay: float = NEIGHBOUR_DECAY
) -> Callable[[ScoredChunk], int]:
    """Per hit, the farthest neighbour that can still weigh MIN_WEIGHT, at most COVERAGE_REACH:
    a neighbour d positions away weighs (hit score / best * decay**d) ** FOCUS, and fetching
    one that weighs less would only feed sentences never weighed."""
    best = max((h.score for h in hits), default=0.0)

    def reach(hit: ScoredChunk) -> int:
        if best <= 0 or hit.score <= 0:
            return COVERAGE_REACH
        room = (math.log(MIN_WEIGHT) / FOCUS - math.log(hit.score / best)) / math.log(decay)
        return max(0, min(COVERAGE_REACH, math.floor(room + 1e-9)))

    return reach


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
    # gain = scale * (|terms - covered| + asked): only the first part changes as units go in.
    scale = [w / (u.tokens + 1) for u, w in units]
    asked = [QUESTION_SHARE * len(u.terms & question) for u, _ in units]
    covered: set[str] = set()
    said: set[frozenset[str]] = set()
    heap = [(-scale[i] * (len(u.terms) + asked[i]), i) for i, (u, _) in enumerate(units)]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        unit = units[i][0]
        fresh = scale[i] * (len(unit.terms - covered) + asked[i])
        if fresh <= 0 or unit.terms in said:
            continue
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, i))
        elif add(unit):
            covered |= unit.terms
            said.add(unit.terms)
    return covered


def signed(add: Callable[[Unit], bool], units: Sequence[Unit]) -> Callable[[Unit], bool]:
    """`add`, and with any unit of a definition's chunk its signature line and the sentence
    after it too (when they fit): an answer from an API reference must be able to quote what
    it describes, and a signature alone ("random.choice(seq)") does not say what it does."""
    signed_ids = {u.chunk.id for u in units if u.index == 0
                  and signature(u.chunk.text[u.span[0] : u.span[1]], u.chunk.breadcrumbs)}
    heads = {(u.chunk.id, u.index): u for u in units
             if u.chunk.id in signed_ids and u.index < DEFINITION_UNITS}
    taken: set[tuple[str, int]] = set()

    def add_signed(unit: Unit) -> bool:
        if (unit.chunk.id, unit.index) in taken:  # a definition's head, offered again
            return True
        if not add(unit):
            return False
        taken.add((unit.chunk.id, unit.index))
        for index in range(DEFINITION_UNITS):
            head = heads.pop((unit.chunk.id, index), None)
            if head is not None and head is not unit and add(head):
                taken.add((head.chunk.id, head.index))
        return True

    return add_signed


def pack_coverage(
    candidates: Sequence[ScoredChunk], question: str, limit: int, count: Count
) -> tuple[list[Passage], list[str]]:
    """The passages of the sentences taken within `limit` tokens, and the ids of the
    candidates left out because every term they hold is in them already."""
    best = max((c.score for c in candidates), default=0.0)
    weights = [(c, (c.score / best) ** FOCUS if best > 0 else 1.0) for c in candidates]
    weighed = [(c, w, units_of(c.chunk, count)) for c, w in weights if w >= MIN_WEIGHT]
    units = [(u, w) for _, w, us in weighed for u in us]
    selection = Selection(limit, count, {c.chunk.id: c.score for c in candidates})
    add = signed(selection.add, [u for u, _ in units])
    covered = cover(units, frozenset(tokenize(question, Analyzer.STOPWORDS)), add)
    placed = selection.placed()
    repeats = [
        c.chunk.id
        for c, _, us in weighed
        if c.chunk.id not in placed and all(u.terms <= covered for u in us)
    ]
    return selection.passages(), repeats
