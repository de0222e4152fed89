"""BM25 terms and weights, and the engine's sparse ranking against rank_bm25."""

from __future__ import annotations

import hashlib
import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import pytest
from rank_bm25 import BM25Okapi

from index.bm25 import Analyzer, doc_vector, doc_vectors, query_vector, term_id, tokenize

K1, B = 1.2, 0.75  # Robertson defaults, as in Settings
QUERIES = (
    "How do I roll back a helm release?",
    "database backups restore",
    "how many vacation days can I carry over",
    "deploy the service to k8s",
    "approval needed for travel above five hundred euros",
    "what happens during an outage",
    "access keys rate limit",
    "virtual environment packages",
)


class LuceneIdfBM25(BM25Okapi):
    """rank_bm25's Okapi BM25 with Qdrant's (Lucene's) IDF: ln(1 + (N - n + 0.5) / (n + 0.5))."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def engine_scores(built, query: str) -> list[tuple[int, float]]:
    """(corpus line, score) best first, as the shard's sparse Idf search ranks them."""
    line = {c.id: i for i, c in enumerate(built.chunks)}
    hits = built.store.search_sparse("v1", query_vector(tokenize(query)), len(built.chunks))
    return [(line[h.chunk.id], h.score) for h in hits]


def reference(model: BM25Okapi, query: str) -> list[float]:
    # query_vector weighs each distinct term once, so the reference sees each term once too.
    return list(model.get_scores(sorted(set(tokenize(query)))))


@pytest.fixture
def docs(built) -> list[list[str]]:
    return [tokenize(c.text) for c in built.chunks]


@pytest.mark.parametrize("query", QUERIES)
def test_engine_matches_bm25_with_lucene_idf(built, docs, query: str) -> None:
    expected = reference(LuceneIdfBM25(docs, k1=K1, b=B), query)
    got = engine_scores(built, query)
    assert {i for i, _ in got} == {i for i, s in enumerate(expected) if s > 0}
    for i, score in got:
        assert score == pytest.approx(expected[i], rel=1e-4)
    # Same ranking: walking the engine's order, the reference scores never go up.
    ranked = [expected[i] for i, _ in got]
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(ranked))


@pytest.mark.parametrize("query", QUERIES)
def test_engine_top_results_agree_with_plain_okapi(built, docs, query: str) -> None:
    scores = reference(BM25Okapi(docs, k1=K1, b=B), query)
    top = sorted(range(len(scores)), key=lambda i: -scores[i])[:3]
    got = engine_scores(built, query)[:3]
    assert got[0][0] == top[0]
    assert len({i for i, _ in got} & set(top)) >= 2
    # The scores themselves differ: the engine does not use Okapi's IDF.
    assert got[0][1] != pytest.approx(scores[top[0]], rel=1e-3)


def test_tokenizer_keeps_alphanumerics_and_splits_the_rest() -> None:
    text = "Deploy K8s on AWS_EC2 (v1.2) — Ünïcode ﬁle e-mail"
    assert tokenize(text, Analyzer.PLAIN) == [
        "deploy", "k8s", "on", "aws", "ec2", "v1", "2", "ünïcode", "file", "e", "mail",
    ]  # fmt: skip
    assert tokenize("The cat is on the mat", Analyzer.STOPWORDS) == ["cat", "mat"]
    assert tokenize("Configuring the running clusters", Analyzer.STEM) == [
        "configur", "run", "cluster",
    ]  # fmt: skip
    assert tokenize("Configuration") == tokenize("configuring")


def test_term_ids_are_stable() -> None:
    # Pinned values: a change here silently invalidates every stored sparse vector.
    digest = hashlib.blake2b(b"k8s", digest_size=4).digest()
    assert term_id("k8s") == int.from_bytes(digest, "little") == 0xBF09007D
    assert term_id("kubernet") != term_id("k8s")
    assert 0 <= term_id("x" * 1000) < 2**32


def test_tokenize_is_thread_safe() -> None:
    text = " ".join(QUERIES) * 20
    expected = tokenize(text)
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda _: tokenize(text), range(32))) == [expected] * 32


def test_doc_vector_weights() -> None:
    # dl = avgdl = 3, so the length norm is k1: tf 2 -> 2*2.2/3.2, tf 1 -> 1.
    vec = doc_vector(["a", "b", "a"], avgdl=3, k1=K1, b=B)
    weights = dict(zip(vec.indices, vec.values, strict=True))
    assert list(vec.indices) == sorted(vec.indices)
    assert weights == {term_id("a"): pytest.approx(1.375), term_id("b"): pytest.approx(1.0)}
    longer = doc_vector(["a", "b", "a", "c", "d", "e"], avgdl=3, k1=K1, b=B)
    assert dict(zip(longer.indices, longer.values, strict=True))[term_id("a")] < 1.375
    assert doc_vector([], avgdl=3, k1=K1, b=B).indices == ()
    with pytest.raises(ValueError):
        doc_vector(["a"], avgdl=0, k1=K1, b=B)


def test_doc_vectors_use_the_mean_length() -> None:
    texts = ["Rolling update", "The rolling update of pods", ""]
    tokens = [tokenize(t) for t in texts]
    avgdl = sum(map(len, tokens)) / 3
    assert doc_vectors(texts, K1, B) == [doc_vector(t, avgdl, K1, B) for t in tokens]
    assert doc_vectors(["", "the"], K1, B) == [query_vector([])] * 2
    assert doc_vectors([], K1, B) == []


def test_query_vector_counts_each_term_once() -> None:
    vec = query_vector(["a", "b", "a"])
    assert sorted(vec.indices) == sorted({term_id("a"), term_id("b")})
    assert vec.values == (1.0, 1.0)
