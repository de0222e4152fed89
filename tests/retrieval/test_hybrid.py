"""HybridRetriever against a real Qdrant Edge store and the real embedding model."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from core.models import Chunk, Turn
from core.tracing import Trace, tracing
from index.bm25 import doc_vectors
from index.edge import EdgeStore
from ingestion.chunker import chunk_id
from ingestion.config import IngestSettings
from retrieval.config import RetrievalSettings
from retrieval.filters import parse_filters
from retrieval.hybrid import HybridRetriever
from retrieval.rewrite import standalone_query

T0 = 1_700_000_000.0  # mtime of the older documents
LATER = T0 + 200 * 86_400.0

KEYS = (
    "Production API keys are rotated every 90 days. The platform team opens a ticket, issues "
    "the new key to every consumer and revokes the old key after one week of overlap."
)
# (source, text, trust, mtime, tags)
DOCS = [
    ("ops/deploy-gke.md",
     "To deploy lore on GKE, install the Helm chart into its own namespace and bind the "
     "service account to a Google service account with Workload Identity. Use a regional "
     "persistent disk for the index volume.", 1.0, T0, ("ops",)),
    ("ops/deploy-eks.md",
     "To deploy lore on EKS, install the same Helm chart with the gp3 storage class. IAM roles "
     "for service accounts (IRSA) give the pods read access to the S3 document bucket.",
     1.0, LATER, ("ops",)),
    ("security/api-keys.md", KEYS, 1.0, T0, ("security",)),
    ("security/key-config.md",
     "Reader and admin API keys are configured in the LORE_READER_KEYS and LORE_ADMIN_KEYS "
     "environment variables, as a JSON list. Restart the server after changing them.",
     1.0, T0, ("security",)),
    ("scratch/api-keys-copy.md", KEYS, 0.4, LATER, ()),
    ("hr/leave.md",
     "Every full-time employee gets 28 days of paid annual leave per year. Requests go through "
     "Workday at least ten working days in advance; five unused days carry over.",
     1.0, T0, ("hr",)),
    ("hr/expenses.md",
     "Travel expenses are claimed in Expensify within 30 days. Hotels are reimbursed up to "
     "EUR 180 per night in Europe; economy class is required for flights under six hours.",
     1.0, LATER, ("hr",)),
]


def make_chunk(source: str, text: str, trust: float, mtime: float, tags: tuple[str, ...]) -> Chunk:
    h = hashlib.sha256(text.encode()).hexdigest()
    return Chunk(
        id=chunk_id(source, 0, h), source=source, title=source.rsplit("/", 1)[-1], text=text,
        breadcrumbs=(), page=None, position=0, content_hash=h, doc_hash=h, mtime=mtime,
        trust=trust, tags=tags,
    )


@pytest.fixture(scope="module")
def retriever(embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HybridRetriever]:
    settings = RetrievalSettings(top_k=5)
    ingest = IngestSettings()
    store = EdgeStore(tmp_path_factory.mktemp("index"))
    chunks = [make_chunk(*d) for d in DOCS]
    sparse = doc_vectors([c.embed_text for c in chunks], ingest.bm25_k1, ingest.bm25_b)
    store.create("v1", embedder.dim)
    store.add("v1", chunks, embedder.embed([c.embed_text for c in chunks]), sparse)
    store.finish("v1")
    yield HybridRetriever(store, embedder, settings)
    store.close()


def sources(result) -> list[str]:
    return [h.chunk.source for h in result.hits]


def test_finds_the_right_chunk_with_a_full_breakdown(retriever: HybridRetriever) -> None:
    # (api-keys.md has a copy that ties with it in both engines, so another document here)
    with tracing(Trace("search")) as trace:
        result = retriever.search("v1", "How many days of paid annual leave do employees get?")
    top = result.hits[0]
    assert top.chunk.source == "hr/leave.md"
    b = top.breakdown
    assert b.dense_rank == 1 and b.bm25_rank == 1
    assert b.dense_score is not None and 0 < b.dense_score <= 1
    assert b.bm25_score is not None and b.bm25_score > 0
    assert b.fused == pytest.approx(1.0) and b.trust == 1.0 and b.freshness == 1.0
    assert top.score == b.final == pytest.approx(1.0)
    stages = [s.name for s in trace.spans]
    assert stages == ["embed", "dense", "sparse", "fuse", "rerank"]
    assert all(s.end_ns is not None and s.end_ns >= s.start_ns for s in trace.spans)
    assert trace.spans[-1].attributes["hits"] == len(result.hits)
    assert len(result.hits) <= 5
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_lower_trust_copy_is_collapsed(retriever: HybridRetriever) -> None:
    result = retriever.search("v1", "API key rotation every 90 days")
    assert "scratch/api-keys-copy.md" not in sources(result)
    (dup,) = result.duplicates
    assert dup.chunk.chunk.source == "scratch/api-keys-copy.md"
    assert dup.kept_id == result.hits[0].chunk.id
    assert result.hits[0].chunk.source == "security/api-keys.md"


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        ({"path_prefix": "ops"}, {"ops/deploy-gke.md", "ops/deploy-eks.md"}),
        ({"tags": "hr"}, {"hr/leave.md", "hr/expenses.md"}),
        ({"source_glob": "*eks*"}, {"ops/deploy-eks.md"}),
        ({"modified_after": "2024-01-01"}, {"ops/deploy-eks.md", "scratch/api-keys-copy.md",
                                            "hr/expenses.md"}),
    ],
)
def test_filters(retriever: HybridRetriever, filters: dict[str, str], allowed: set[str]) -> None:
    result = retriever.search("v1", "how do I deploy lore", parse_filters(**filters))
    assert result.hits and set(sources(result)) <= allowed
    ranks = [h.breakdown.dense_rank for h in result.hits if h.breakdown.dense_rank]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))  # re-ranked after the glob


@pytest.mark.parametrize(
    ("history", "follow_up", "standalone"),
    [
        ("How do I deploy lore on GKE?", "and on EKS?", "How do I deploy lore on EKS?"),
        ("How many days of paid leave do employees get?", "can they carry any over?",
         "Can employees carry unused leave days over?"),
        ("What is the hotel limit for travel expenses in Europe?", "how soon must I claim them?",
         "How soon must I claim travel expenses?"),
    ],
)
def test_follow_up_retrieves_like_the_standalone_question(
    embedder, retriever: HybridRetriever, history: str, follow_up: str, standalone: str
) -> None:
    turns = (Turn("user", history), Turn("assistant", "An answer."))
    query = standalone_query(follow_up, turns)
    rewritten = retriever.search("v1", query)
    direct = retriever.search("v1", standalone)
    assert rewritten.hits[0].chunk.id == direct.hits[0].chunk.id
    # The rewritten query lands nearer the standalone question than the bare follow-up does.
    raw, new, full = embedder.embed([follow_up, query, standalone])
    assert float(new @ full) > float(raw @ full)


def test_freshness_half_life_prefers_newer(embedder, retriever: HybridRetriever) -> None:
    settings = RetrievalSettings(top_k=5, freshness_half_life_days=30, trust_weight=0.0)
    fresh = HybridRetriever(retriever.store, embedder, settings, clock=lambda: LATER)
    result = fresh.search("v1", "API key rotation every 90 days")
    assert result.hits[0].chunk.source == "scratch/api-keys-copy.md"  # same text, newer
    assert result.hits[0].breakdown.freshness == 1.0
    assert [d.chunk.chunk.source for d in result.duplicates] == ["security/api-keys.md"]
    assert result.duplicates[0].chunk.breakdown.freshness == pytest.approx(0.5 ** (200 / 30))
