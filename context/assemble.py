"""Retrieved hits -> Context: threshold, pack with neighbour windows, order for reading, report
the drops."""

from __future__ import annotations

from collections.abc import Sequence

from context.coverage import coverage_reach, pack_coverage
from context.packing import (
    NEIGHBOUR_REACH,
    NeighbourFetch,
    Packer,
    PackingOrder,
    ordered,
    pack_hits,
    windows,
)
from context.passages import reading_order
from context.render import Count, render_passages
from core.models import Budget, Context, Dropped, DropReason, Passage, ScoredChunk
from retrieval.dedupe import Duplicate


def assemble(
    hits: Sequence[ScoredChunk],
    budget: Budget,
    count: Count,
    *,
    duplicates: Sequence[Duplicate] = (),
    neighbours: NeighbourFetch | None = None,
    min_score: float = 0.0,
    order: PackingOrder = PackingOrder.COVERAGE,
    dropped: Sequence[Dropped] = (),
    reach: int | None = None,
    question: str = "",
) -> Context:
    """`count` must be the exact tokenizer count; `dropped` carries earlier drops (history).

    With `neighbours`, each hit brings the chunks out to `reach` positions around it (by
    default the order's own reach); `question` steers coverage packing.
    """
    kept = [h for h in hits if h.score >= min_score]
    below = [h for h in hits if h.score < min_score]
    candidates = pool(kept, neighbours, duplicates, order, reach)
    passages, redundant, tokens = _fit(candidates, question, budget.context, count, order)
    placed = {cid for p in passages for cid in p.chunk_ids}
    repeats = set(redundant)
    report = [
        *dropped,
        *_drops([d.chunk for d in duplicates], DropReason.DUPLICATE, placed, count),
        *_drops([h for h in kept if h.chunk.id in repeats], DropReason.DUPLICATE, placed, count),
        *_drops(below, DropReason.BELOW_THRESHOLD, placed, count),
        *_drops([h for h in kept if h.chunk.id not in repeats], DropReason.BUDGET, placed, count),
    ]
    assert tokens <= budget.context, f"packed {tokens} tokens into {budget.context}"
    return Context(passages=passages, tokens=tokens, budget=budget, dropped=tuple(report))


def pool(
    kept: Sequence[ScoredChunk], neighbours: NeighbourFetch | None,
    duplicates: Sequence[Duplicate], order: PackingOrder, reach: int | None,
) -> list[ScoredChunk]:
    """What packing chooses among: the hits kept and, with `neighbours`, the chunks out to
    `reach` positions around them (None: the order's own reach), copies left out."""
    if neighbours is None:
        return list(kept)
    default = coverage_reach(kept) if order is PackingOrder.COVERAGE else NEIGHBOUR_REACH
    return windows(kept, default if reach is None else reach, neighbours,
                   (d.chunk.chunk.id for d in duplicates))


def _fit(
    candidates: Sequence[ScoredChunk], question: str, limit: int, count: Count,
    order: PackingOrder,
) -> tuple[tuple[Passage, ...], list[str], int]:
    """The passages in reading order, the repeats left out, and the exact count of the
    rendered passages. Packing adds up the parts' counts; in word pieces that is the count of
    the whole, in a BPE it can run over by a few tokens: then it packs again into the room
    less the overrun, until the rendered passages fit."""
    room = limit
    while True:
        packed, redundant = _pack(candidates, question, room, count, order)
        passages = tuple(reading_order(packed))
        tokens = count(render_passages(passages))
        if tokens <= limit:
            return passages, redundant, tokens
        room -= tokens - limit


def _pack(
    candidates: Sequence[ScoredChunk], question: str, limit: int, count: Count,
    order: PackingOrder,
) -> tuple[list[Passage], list[str]]:
    """The packed passages and the candidates left out as repeats of packed text."""
    if order is PackingOrder.COVERAGE:
        return pack_coverage(candidates, question, limit, count)
    packer = Packer(limit, count)
    pack_hits(packer, ordered(candidates, order, count))
    return packer.passages(), packer.redundant


def _drops(hits: Sequence[ScoredChunk], reason: DropReason, placed: set[str],
           count: Count) -> list[Dropped]:
    """Each with the reader's count of the chunk's own text (without a passage header)."""
    return [
        Dropped(h.chunk.id, h.chunk.source, reason, count(h.chunk.text), h.score)
        for h in hits
        if h.chunk.id not in placed
    ]
