from __future__ import annotations

from collections.abc import Callable

import pytest

from core.models import Chunk, Hit, ScoredChunk
from retrieval.config import RetrievalSettings
from retrieval.fusion import FusionMethod
from retrieval.rerank import RerankWeights, freshness, fused_scores, rerank, trust_factor

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
                          freshness_half_life_days=7.0)
    w = RerankWeights.from_settings(s, FusionMethod.WEIGHTED)
    assert w == RerankWeights(10, 2.0, 0.5, 0.1, 7.0, FusionMethod.WEIGHTED)
