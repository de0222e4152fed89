from __future__ import annotations

from collections.abc import Callable

import pytest

from core.models import Chunk, Hit, ScoredChunk
from retrieval.config import RetrievalSettings
from retrieval.fusion import FusionMethod
from retrieval.rerank import (
    RerankWeights,
    diversified,
    freshness,
    fused_scores,
    rerank,
    trust_factor,
)

MakeChunk = Callable[..., Chunk]
MakeHits = Callable[[list[Chunk], list[float]], list[Hit]]

DAY = 86_400.0
NOW = 1_750_000_000.0


def run(
    dense: list[Hit], sparse: list[Hit], weights: RerankWeights, now: float = NOW
) -> list[ScoredChunk]:
    return rerank(dense, sparse, fused_scores(dense, sparse, weights), weights, now)


def test_breakdown_is_complete_and_consistent(make_chunk: MakeChunk, make_hits: MakeHits) -> None:
    a, b, c = make_chunk("a"), make_chunk("b", trust=0.5), make_chunk("c")
    w = RerankWeights(rrf_k=60, trust=0.3)
    out = run(make_hits([a, b], [0.8, 0.6]), make_hits([b, c], [9.0, 3.0]), w)
    by_id = {s.chunk.id: s for s in out}
    bb = by_id["b"].breakdown
    assert (bb.dense_rank, bb.dense_score, bb.bm25_rank, bb.bm25_score) == (2, 0.6, 1, 9.0)
    assert bb.fused == pytest.approx((1 / 62 + 1 / 61) / (2 / 61))
    assert bb.trust == 0.5 and bb.freshness == 1.0
    assert bb.final == pytest.approx(bb.fused * (1 - 0.3 * 0.5)) == by_id["b"].score
    ca = by_id["c"].breakdown
    assert (ca.dense_rank, ca.dense_score, ca.bm25_rank) == (None, None, 2)
    assert [s.score for s in out] == sorted((s.score for s in out), reverse=True)


def test_lower_trust_copy_ranks_below(make_chunk: MakeChunk, make_hits: MakeHits) -> None:
    text = "Rotate API keys every 90 days."
    official = make_chunk("official", text, trust=1.0)
    copy = make_chunk("copy", text, trust=0.2)
    # The copy even wins both retrievers; trust still puts it second.
    w = RerankWeights(trust=0.3)
    out = run(make_hits([copy, official], [0.91, 0.90]), make_hits([copy, official], [5.1, 5.0]), w)
    assert [s.chunk.id for s in out] == ["official", "copy"]


def test_zero_trust_weight_ignores_trust(make_chunk: MakeChunk, make_hits: MakeHits) -> None:
    a, b = make_chunk("a", trust=0.0), make_chunk("b", trust=1.0)
    out = run(make_hits([a, b], [0.9, 0.8]), [], RerankWeights(trust=0.0))
    assert [s.chunk.id for s in out] == ["a", "b"]


def test_trust_factor_clamps() -> None:
    assert trust_factor(1.0, 0.3) == 1.0
    assert trust_factor(0.0, 0.3) == pytest.approx(0.7)
    assert trust_factor(7.0, 0.3) == 1.0 and trust_factor(-1.0, 0.3) == pytest.approx(0.7)


def test_freshness_halves_every_half_life() -> None:
    assert freshness(NOW - 30 * DAY, NOW, 30) == pytest.approx(0.5)
    assert freshness(NOW - 60 * DAY, NOW, 30) == pytest.approx(0.25)
    assert freshness(NOW + DAY, NOW, 30) == 1.0  # dated in the future
    assert freshness(0.0, NOW, None) == 1.0


def test_freshness_reorders_when_enabled(make_chunk: MakeChunk, make_hits: MakeHits) -> None:
    old = make_chunk("old", mtime=NOW - 365 * DAY)
    new = make_chunk("new", mtime=NOW - DAY)
    dense = make_hits([old, new], [0.9, 0.85])
    assert run(dense, [], RerankWeights())[0].chunk.id == "old"
    fresh = run(dense, [], RerankWeights(half_life_days=90))
    assert fresh[0].chunk.id == "new"
    assert fresh[1].breakdown.freshness == pytest.approx(0.5 ** (365 / 90))


def test_weights_from_settings() -> None:
    s = RetrievalSettings(rrf_k=10, dense_weight=2.0, sparse_weight=0.5, trust_weight=0.1,
                          freshness_half_life_days=7.0, source_decay=0.5)
    w = RerankWeights.from_settings(s, FusionMethod.WEIGHTED)
    assert w == RerankWeights(10, 2.0, 0.5, 0.1, 7.0, FusionMethod.WEIGHTED, 0.5)


def _page(make_chunk: MakeChunk, name: str, scores: list[float]) -> list[ScoredChunk]:
    return [ScoredChunk(make_chunk(f"{name}{i}", source=f"{name}.html"), score)
            for i, score in enumerate(scores)]


def test_a_page_gives_way_to_another_after_its_best_chunk(make_chunk: MakeChunk) -> None:
    """Four paragraphs of zipfile.html nearly as close as shutil.html's best: with the source
    decay shutil.html comes second instead of fifth, zipfile.html keeps the lead, and every
    score stays the relevance packing weighs."""
    zipfile = _page(make_chunk, "zip", [0.84, 0.79, 0.75, 0.72])
    shutil = _page(make_chunk, "shutil", [0.71])
    ranked = sorted([*zipfile, *shutil], key=lambda s: -s.score)
    out = diversified(ranked, 0.85)
    assert [s.chunk.id for s in out] == ["zip0", "shutil0", "zip1", "zip2", "zip3"]
    third = next(s for s in out if s.chunk.id == "zip2")
    assert third.breakdown.diversity == pytest.approx(0.85 ** 2)
    assert third.score == 0.75 and third.rank_score == pytest.approx(0.75 * 0.85 ** 2)
    assert [s.chunk.id for s in diversified(ranked, 1.0)] == [s.chunk.id for s in ranked]


def test_a_clearly_better_page_still_fills_the_top(make_chunk: MakeChunk) -> None:
    ranked = [*_page(make_chunk, "a", [0.9, 0.88]), *_page(make_chunk, "b", [0.5])]
    assert [s.chunk.id for s in diversified(ranked, 0.85)] == ["a0", "a1", "b0"]


def test_rerank_applies_the_source_decay(make_chunk: MakeChunk, make_hits: MakeHits) -> None:
    a1, a2 = make_chunk("a1", source="a.md"), make_chunk("a2", source="a.md")
    b = make_chunk("b", source="b.md")
    dense = make_hits([a1, a2, b], [0.9, 0.85, 0.8])
    def order(decay: float) -> list[str]:
        return [s.chunk.id for s in run(dense, [], RerankWeights(source_decay=decay))]

    assert order(1.0) == ["a1", "a2", "b"]
    assert order(0.5) == ["a1", "b", "a2"]
