"""Final score: fused relevance scaled by source trust and, optionally, freshness; then the
order, which also spreads the top over sources.

final = fused * (1 - trust_weight * (1 - trust)) * freshness

Multiplying (rather than adding a trust bonus) means trust reorders relevant chunks but never
lifts an irrelevant one; with trust_weight 0.3 a trust-0 source keeps 70% of its relevance.
freshness = 0.5 ** (age_days / half_life_days), or 1 when no half-life is set.

Hits are ranked by final * diversity, diversity = source_decay ** k for a chunk with k chunks
of its source ranked above it: a page's fourth paragraph gives way to another page's best when
they were close. `final` stays the relevance that context packing and the answerer weigh:
scaling it instead cost the rhdh dev set context recall and the answers (docs/tuning.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from core.models import Breakdown, Chunk, Hit, ScoredChunk
from retrieval.config import RetrievalSettings
from retrieval.fusion import FusionMethod, fuse

_DAY = 86_400.0  # seconds


@dataclass(frozen=True)
class RerankWeights:
    rrf_k: int = 60  # Cormack et al. 2009
    dense: float = 1.0
    sparse: float = 1.0
    trust: float = 0.3  # same default as RetrievalSettings.trust_weight
    half_life_days: float | None = None
    method: FusionMethod = FusionMethod.RRF
    source_decay: float = 0.95  # same default as RetrievalSettings.source_decay

    @classmethod
    def from_settings(
        cls, s: RetrievalSettings, method: FusionMethod = FusionMethod.RRF
    ) -> RerankWeights:
        return cls(
            s.rrf_k, s.dense_weight, s.sparse_weight, s.trust_weight,
            s.freshness_half_life_days, method, s.source_decay,
        )


def freshness(mtime: float, now: float, half_life_days: float | None) -> float:
    """Exponential decay on age; files dated in the future count as new."""
    if not half_life_days:
        return 1.0
    age_days = max(0.0, now - mtime) / _DAY
    return float(0.5 ** (age_days / half_life_days))


def trust_factor(trust: float, weight: float) -> float:
    return 1.0 - weight * (1.0 - min(1.0, max(0.0, trust)))


def fused_scores(dense: Sequence[Hit], sparse: Sequence[Hit], w: RerankWeights) -> dict[str, float]:
    """Fused relevance in 0..1 of every chunk in either list."""
    return fuse(
        w.method,
        [[(h.chunk.id, h.score) for h in dense], [(h.chunk.id, h.score) for h in sparse]],
        w.rrf_k,
        [w.dense, w.sparse],
    )


def rerank(
    dense: Sequence[Hit],
    sparse: Sequence[Hit],
    fused: Mapping[str, float],
    weights: RerankWeights,
    now: float,
) -> list[ScoredChunk]:
    """Every chunk found by either retriever, best first, each with its full breakdown."""
    by_dense = {h.chunk.id: h for h in dense}
    by_sparse = {h.chunk.id: h for h in sparse}
    chunks: dict[str, Chunk] = {h.chunk.id: h.chunk for h in (*sparse, *dense)}
    scored = [
        _score(chunk, by_dense.get(cid), by_sparse.get(cid), fused[cid], weights, now)
        for cid, chunk in chunks.items()
    ]
    return diversified(_best_first(scored), weights.source_decay)


def diversified(ranked: Sequence[ScoredChunk], decay: float) -> list[ScoredChunk]:
    """`ranked` (by score, best first) in ranking order: each chunk's diversity is `decay` once
    for every chunk of its source above it. A source keeps its best chunk's place; its further
    chunks give way to other sources' best when their scores were close."""
    above: Counter[str] = Counter()
    out = []
    for hit in ranked:
        factor = decay ** above[hit.chunk.source]
        above[hit.chunk.source] += 1
        out.append(replace(hit, breakdown=replace(hit.breakdown, diversity=factor)))
    return sorted(out, key=lambda s: (-s.rank_score, s.chunk.id))


def _best_first(scored: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    return sorted(scored, key=lambda s: (-s.score, s.chunk.id))


def _score(
    chunk: Chunk, d: Hit | None, s: Hit | None, fused: float, w: RerankWeights, now: float
) -> ScoredChunk:
    fresh = freshness(chunk.mtime, now, w.half_life_days)
    final = fused * trust_factor(chunk.trust, w.trust) * fresh
    breakdown = Breakdown(
        dense_rank=d.rank if d else None,
        dense_score=d.score if d else None,
        bm25_rank=s.rank if s else None,
        bm25_score=s.score if s else None,
        fused=fused,
        trust=chunk.trust,
        freshness=fresh,
        final=final,
    )
    return ScoredChunk(chunk=chunk, score=final, breakdown=breakdown)
