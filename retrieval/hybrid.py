"""Hybrid search: dense + BM25 candidates, fused, trust/freshness-weighted, deduplicated."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from index.base import IndexStore
from index.bm25 import query_vector, tokenize
from ingestion.base import Embedder
from lore.errors import BadInput
from lore.models import Filters, Hit, ScoredChunk, Turn
from lore.settings import Settings
from retrieval.dedupe import Duplicate, dedupe
from retrieval.filters import apply_glob, candidate_limit
from retrieval.fusion import FusionMethod
from retrieval.rerank import RerankWeights, fused_scores, rerank
from retrieval.rewrite import standalone_query


@dataclass(frozen=True)
class RetrievalResult:
    query: str  # what was searched: the standalone form of a follow-up
    hits: list[ScoredChunk]  # best first, at most top_k
    duplicates: list[Duplicate]  # copies collapsed into one of `hits`
    timings_ms: dict[str, float] = field(default_factory=dict)  # embed/dense/sparse/fuse/rerank


class HybridRetriever:
    def __init__(
        self,
        store: IndexStore,
        embedder: Embedder,
        settings: Settings,
        method: FusionMethod = FusionMethod.RRF,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.weights = RerankWeights.from_settings(settings, method)
        self.clock = clock  # wall time for freshness; injectable so tests can age documents

    def search(
        self,
        version: str,
        query: str,
        filters: Filters | None = None,
        top_k: int | None = None,
        history: Sequence[Turn] = (),
    ) -> RetrievalResult:
        k = self.settings.top_k if top_k is None else top_k
        if not query.strip():
            raise BadInput("the query is empty: ask a question with at least one word")
        if k < 1:
            raise BadInput(f"top_k must be at least 1, got {k}")
        text = standalone_query(query, history)
        timings: dict[str, float] = {}
        # One after the other: BM25 in a worker thread beside the encoder saved nothing on 2
        # busy cores and cost 5 ms p50 in GIL hand-offs (docs/benchmarks.md, "Query latency").
        with _timed(timings, "embed"):
            vector = self.embedder.embed([text])[0]
        with _timed(timings, "dense"):
            dense = self._dense(version, vector, filters)
        with _timed(timings, "sparse"):
            sparse = self._sparse(version, text, filters)
        with _timed(timings, "fuse"):
            fused = fused_scores(dense, sparse, self.weights)
        with _timed(timings, "rerank"):
            kept, dupes = dedupe(rerank(dense, sparse, fused, self.weights, self.clock()), limit=k)
            hits = kept[:k]
            ids = {h.chunk.id for h in hits}
            dupes = [d for d in dupes if d.kept_id in ids]
        return RetrievalResult(text, hits, dupes, timings)

    def _dense(self, version: str, vector: np.ndarray, filters: Filters | None) -> list[Hit]:
        limit = candidate_limit(self.settings.dense_k, filters)
        hits = self.store.search_dense(version, vector, limit, filters)
        return apply_glob(hits, filters)[: self.settings.dense_k]

    def _sparse(self, version: str, text: str, filters: Filters | None) -> list[Hit]:
        tokens = tokenize(text)
        if not tokens:
            return []
        limit = candidate_limit(self.settings.sparse_k, filters)
        hits = self.store.search_sparse(version, query_vector(tokens), limit, filters)
        return apply_glob(hits, filters)[: self.settings.sparse_k]


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[stage] = (time.perf_counter() - start) * 1000
