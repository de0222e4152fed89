"""Neighbour windows: the text around a clearly best hit comes before weaker hits elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from context.assemble import assemble
from context.packing import PackingOrder, chunk_tokens, windows
from core.models import Budget, Chunk, ScoredChunk
from core.tokenizer import Tokenizer

# Whole chunks: the order these tests pin down; coverage packing has tests/context/test_coverage.py.
SCORE = PackingOrder.SCORE
Scored = Callable[..., list[ScoredChunk]]
Fetch = Callable[[str, Sequence[int]], list[Chunk]]


def ids(hits: Sequence[ScoredChunk]) -> list[str]:
    return [h.chunk.id for h in hits]


def test_neighbours_score_as_their_hit_less_a_decay_per_position(
    scored: Scored, neighbours: Fetch
) -> None:
    hits = scored(("ops/deploy.md#1", 1.0), ("security/keys.md#0", 0.9))
    queue = windows(hits, 2, neighbours, decay=0.9)
    assert [(h.chunk.id, round(h.score, 3)) for h in queue] == [
        ("ops/deploy.md#1", 1.0),
        ("ops/deploy.md#2", 0.9),  # after the hit first on a tie
        ("ops/deploy.md#0", 0.9),
        ("security/keys.md#0", 0.9),
        ("ops/deploy.md#3", 0.81),
        ("security/keys.md#1", 0.81),
        ("security/keys.md#2", 0.729),
    ]


def test_a_chunk_takes_its_best_score(scored: Scored, neighbours: Fetch) -> None:
    hits = scored(("hr/leave.md#0", 0.9), ("hr/leave.md#1", 0.4))
    queue = windows(hits, 1, neighbours, decay=0.5)
    assert queue[0] is hits[0]
    assert (queue[1].chunk.id, queue[1].score) == ("hr/leave.md#1", 0.45)  # as #0's neighbour
    strong = scored(("hr/leave.md#0", 0.5), ("hr/leave.md#1", 0.4))
    assert windows(strong, 1, neighbours, decay=0.5)[1] is strong[1]  # its own 0.4 beats 0.25


def test_collapsed_copies_and_repeated_texts_are_not_queued(
    scored: Scored, neighbours: Fetch, make_chunk: Callable[..., Chunk]
) -> None:
    hits = scored(("security/keys.md#1", 0.9))
    assert ids(windows(hits, 1, neighbours, skip=["security/keys.md#2"])) == [
        "security/keys.md#1", "security/keys.md#0",
    ]  # #2 was collapsed into another chunk
    text = hits[0].chunk.text
    twin = ScoredChunk(make_chunk("copy/keys.md", 0, text), 0.8)
    assert ids(windows([*hits, twin], 0, neighbours)) == ["security/keys.md#1"]


def test_window_of_the_best_hit_is_packed_before_a_weaker_hit(
    chunks: dict[str, Chunk], scored: Scored, neighbours: Fetch, tokenizer: Tokenizer
) -> None:
    best, weak = chunks["ops/deploy.md#1"], chunks["hr/leave.md#0"]
    after = chunks["ops/deploy.md#2"]
    room = chunk_tokens(best, tokenizer.count) + tokenizer.count(after.text) + 1
    hits = scored((best.id, 0.9), (weak.id, 0.8))
    budget = Budget(total=room, system=0, history=0, question=0, reserve=0)
    ctx = assemble(hits, budget, tokenizer.count, neighbours=neighbours, reach=1, order=SCORE)
    assert [p.chunk_ids for p in ctx.passages] == [(best.id, after.id)]
    assert [d.chunk_id for d in ctx.dropped] == [weak.id]
    # Without windows the weaker hit gets in.
    plain = assemble(hits, budget, tokenizer.count, order=SCORE)
    assert weak.id in {cid for p in plain.passages for cid in p.chunk_ids}
