"""The naive baseline for the query benchmark: rank_bm25 + qdrant-client local mode.

BM25Okapi.get_scores scores every document in Python; qdrant-client's local mode keeps the
vectors in numpy and searches them exhaustively. Both get the same terms (lore's analyzer) and
vectors as lore's index, and their candidates are fused with the same RRF k.
"""

from __future__ import annotations

import time

import numpy as np
from qdrant_client import QdrantClient, models
from query_corpus import Padded
from rank_bm25 import BM25Okapi

from retrieval.fusion import rrf

COLLECTION = "baseline"
UPSERT_STEP = 1000  # points per local-mode upsert call


class Baseline:
    def __init__(self, data: Padded, dense_k: int, sparse_k: int, rrf_k: int) -> None:
        self.dense_k, self.sparse_k, self.rrf_k = dense_k, sparse_k, rrf_k
        started = time.perf_counter()
        self.bm25 = BM25Okapi(data.terms)
        self.bm25_build_s = time.perf_counter() - started
        self.client: QdrantClient | None = None
        self.dense_build_s = 0.0

    def build_dense(self, dense: np.ndarray) -> None:
        started = time.perf_counter()
        client = QdrantClient(location=":memory:")
        client.create_collection(COLLECTION, vectors_config=models.VectorParams(
            size=dense.shape[1], distance=models.Distance.COSINE))
        for i in range(0, len(dense), UPSERT_STEP):
            rows = dense[i : i + UPSERT_STEP]
            batch = models.Batch(ids=list(range(i, i + len(rows))), vectors=rows.tolist())
            client.upsert(COLLECTION, batch, wait=True)
        self.client = client
        self.dense_build_s = time.perf_counter() - started

    def sparse(self, terms: list[str]) -> list[int]:
        scores = self.bm25.get_scores(terms)
        top = np.argpartition(-scores, self.sparse_k)[: self.sparse_k]
        return [int(i) for i in top[np.argsort(-scores[top])]]

    def dense(self, vector: np.ndarray) -> list[int]:
        assert self.client is not None, "build_dense first"
        hits = self.client.query_points(COLLECTION, query=vector.tolist(), limit=self.dense_k,
                                        with_payload=False).points
        return [int(h.id) for h in hits]

    def fuse(self, dense: list[int], sparse: list[int]) -> list[str]:
        scores = rrf([[str(i) for i in dense], [str(i) for i in sparse]], self.rrf_k, [1.0, 1.0])
        return sorted(scores, key=lambda i: -scores[i])
