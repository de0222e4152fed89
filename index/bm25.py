"""BM25 as sparse vectors: documents carry the saturated term frequency, the engine the IDF.

Qdrant's `Modifier.Idf` scores a point as  sum_t idf(t) * query_weight(t) * doc_weight(t)  with
    idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5))      (N points in the shard, n_t holding t)
which is Lucene's IDF: always positive. rank_bm25.BM25Okapi uses ln((N - n_t + 0.5) / (n_t + 0.5))
instead, negative for terms in more than half the documents (it floors those at epsilon * mean
idf), so its scores differ but its rankings agree unless a query term is that common.
With doc_weight = BM25's tf part (`doc_vector`) and query_weight = 1 (`query_vector`) the engine's
score is Okapi BM25 with the Lucene IDF; IDF stays right as versions grow, nothing to recompute.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from core.models import SparseVector
from core.text import Analyzer, tokenize

# Stemming lifts recall on prose questions; changing it changes every sparse vector, so it is a
# build-time constant (add it to the index fingerprint if it ever becomes a setting).
DEFAULT_ANALYZER = Analyzer.STEM


def index_terms(text: str) -> list[str]:
    """The terms BM25 indexes a text under; questions are analysed the same way."""
    return tokenize(text, DEFAULT_ANALYZER)


# A corpus's word frequencies follow Zipf's law: the commonest 128k terms are nearly every
# token, so hashing each distinct term once per process does most of the work (~20 MB).
@lru_cache(maxsize=2**17)
def term_id(token: str) -> int:
    """Stable uint32 id (Qdrant's sparse index type), the same in every process and run.

    Birthday bound: V distinct terms give about V^2 / 2^33 colliding pairs, ~1 at 100k terms and
    ~100 at 1M; a collision merges two terms' postings, a small score error on rare terms.
    """
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")


def doc_vector(tokens: Sequence[str], avgdl: float, k1: float, b: float) -> SparseVector:
    """BM25 term weights tf*(k1+1) / (tf + k1*(1 - b + b*dl/avgdl)) of one document."""
    if avgdl <= 0:
        raise ValueError("avgdl must be positive")
    counts: Counter[int] = Counter()
    for token, n in Counter(tokens).items():  # each distinct token hashed once
        counts[term_id(token)] += n  # two tokens that collide add up, as postings would
    norm = k1 * (1 - b + b * len(tokens) / avgdl)
    indices = tuple(sorted(counts))
    return SparseVector(indices, tuple(counts[i] * (k1 + 1) / (counts[i] + norm) for i in indices))


def doc_vectors(
    texts: Sequence[str], k1: float, b: float, analyzer: Analyzer = DEFAULT_ANALYZER
) -> list[SparseVector]:
    """The BM25 vectors of one whole version: avgdl is the mean length over `texts`."""
    tokens = [tokenize(t, analyzer) for t in texts]
    avgdl = sum(map(len, tokens)) / len(tokens) if tokens else 0.0
    # All texts empty: every vector is empty and any positive avgdl gives that.
    return [doc_vector(t, avgdl or 1.0, k1, b) for t in tokens]


def query_vector(tokens: Sequence[str]) -> SparseVector:
    """Each distinct query term once, weight 1: the engine multiplies in its IDF."""
    indices = tuple(sorted({term_id(t) for t in tokens}))
    return SparseVector(indices, (1.0,) * len(indices))
