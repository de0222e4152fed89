"""Hybrid search: dense + BM25 candidates, fused, trust/freshness-weighted, deduplicated."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.models import Filters, Hit, ScoredChunk
from core.tracing import span
from index.base import IndexStore
from index.bm25 import index_terms, query_vector
from ingestion.base import Embedder
from retrieval.config import RetrievalSettings
from retrieval.dedupe import Duplicate, dedupe
from retrieval.filters import apply_glob, candidate_limit
from retrieval.fusion import FusionMethod
from retrieval.rerank import RerankWeights, fused_scores, rerank


@dataclass(frozen=True)
class RetrievalResult:
    hits: list[ScoredChunk]  # best first, at most top_k
    duplicates: list[Duplicate]  # copies collapsed into one of `hits`


class HybridRetriever:
    def __init__(
        self,
        store: IndexStore,
        embedder: Embedder,
        settings: RetrievalSettings,
        method: FusionMethod = FusionMethod.RRF,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.weights = RerankWeights.from_settings(settings, method)
        self.clock = clock  # wall time for freshness; injectable so tests can age documents

    def search(
        self, version: str, query: str, filters: Filters | None = None, top_k: int | None = None,
        vector: np.ndarray | None = None,
    ) -> RetrievalResult:
        """`query` is standalone (a follow-up already rewritten) and not blank; `vector`: its
        embedding, when the caller has it already."""
        k = self.settings.top_k if top_k is None else top_k
        # One after the other: BM25 in a worker thread beside the encoder saved nothing on 2
        # busy cores and cost 5 ms p50 in GIL hand-offs (docs/benchmarks.md, "Query latency").
        with span("embed") as s:
            s.set(reused=vector is not None)
            if vector is None:
                vector = self.embedder.embed([query])[0]
        with span("dense") as s:
            dense = self._dense(version, vector, filters)
            s.set(hits=len(dense))
        with span("sparse") as s:
            sparse = self._sparse(version, query, filters)
            s.set(hits=len(sparse))
        with span("fuse"):
            fused = fused_scores(dense, sparse, self.weights)
        with span("rerank") as s:
            kept, dupes = dedupe(rerank(dense, sparse, fused, self.weights, self.clock()), limit=k)
            hits = kept[:k]
            ids = {h.chunk.id for h in hits}
            dupes = [d for d in dupes if d.kept_id in ids]
            s.set(hits=len(hits), duplicates=len(dupes))
        return RetrievalResult(hits, dupes)

    def _dense(self, version: str, vector: np.ndarray, filters: Filters | None) -> list[Hit]:
        limit = candidate_limit(self.settings.dense_k, filters)
        hits = self.store.search_dense(version, vector, limit, filters)
        return apply_glob(hits, filters)[: self.settings.dense_k]

    def _sparse(self, version: str, text: str, filters: Filters | None) -> list[Hit]:
        tokens = index_terms(text)
        if not tokens:
            return []
        limit = candidate_limit(self.settings.sparse_k, filters)
        hits = self.store.search_sparse(version, query_vector(tokens), limit, filters)
        return apply_glob(hits, filters)[: self.settings.sparse_k]
