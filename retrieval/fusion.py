"""Fusion of the dense and BM25 rankings into one relevance in 0..1.

Both methods return scores scaled so that 1.0 means "first in every list", which keeps the
trust and freshness factors applied afterwards comparable from one query to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

Ranking = Sequence[tuple[str, float]]  # (chunk id, retriever score), best first


class FusionMethod(StrEnum):
    RRF = "rrf"  # ranks only: robust when cosine and BM25 scales are incomparable
    WEIGHTED = "weighted"  # min-max normalised scores: keeps the size of score gaps


def rrf(ranked: Sequence[Sequence[str]], k: int, weights: Sequence[float]) -> dict[str, float]:
    """Reciprocal rank fusion (Cormack et al. 2009): sum of w / (k + rank), ranks 1-based."""
    _check_weights(len(ranked), weights)
    scores: dict[str, float] = {}
    for ids, weight in zip(ranked, weights, strict=True):
        for rank, chunk_id in enumerate(ids, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k + rank)
    return scores


def weighted_sum(ranked: Sequence[Ranking], weights: Sequence[float]) -> dict[str, float]:
    """Sum of w * min-max normalised score; a list whose scores are all equal counts as 1."""
    _check_weights(len(ranked), weights)
    scores: dict[str, float] = {}
    for pairs, weight in zip(ranked, weights, strict=True):
        values = [s for _, s in pairs]
        low, span = (min(values), max(values) - min(values)) if values else (0.0, 0.0)
        for chunk_id, score in pairs:
            norm = (score - low) / span if span > 0 else 1.0
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight * norm
    return scores


def fuse(
    method: FusionMethod, ranked: Sequence[Ranking], k: int, weights: Sequence[float]
) -> dict[str, float]:
    """Fused relevance in 0..1: divided by the best score any chunk could reach."""
    if method is FusionMethod.RRF:
        raw = rrf([[cid for cid, _ in pairs] for pairs in ranked], k, weights)
        best = sum(weights) / (k + 1)
    else:
        raw = weighted_sum(ranked, weights)
        best = sum(weights)
    return {cid: score / best for cid, score in raw.items()}


def _check_weights(lists: int, weights: Sequence[float]) -> None:
    if len(weights) != lists:
        raise ValueError(f"{lists} rankings but {len(weights)} weights")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError(f"fusion weights must be >= 0 and not all 0, got {list(weights)}")
