"""Retrieval settings: candidates, fusion, reranking and the query encoder (LORE_*)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class QueryEncoder(StrEnum):
    ONNX = "onnx"
    TORCH = "torch"


class RetrievalSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    dense_k: int = 50
    sparse_k: int = 50
    rrf_k: int = 60  # Cormack et al. 2009: k=60 is robust across collections
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    trust_weight: float = 0.3
    freshness_half_life_days: float | None = None
    # Ranking: each further chunk of one source counts this share less again (1: off), so the
    # top results are not five paragraphs of one page when another page is nearly as close.
    # 0.95 is the mildest that reorders: python3.11-doc right page in the top 5 52 -> 54 of 58,
    # rhdh dev context recall 0.695 -> 0.693 (docs/tuning.md, "Source decay").
    source_decay: float = Field(default=0.95, gt=0.0, le=1.0)
    top_k: int = Field(default=8, ge=1)
    # Misspelt question words corrected against the passages found, then searched again
    # (retrieval/spelling.py): rhdh answerable refused 12.5% -> 10.6% (docs/abstention.md).
    spell_correct: bool = True
    # How queries are embedded: "onnx" (onnxruntime, the same vectors in half the time of torch,
    # ingestion/onnx_embedder.py) or "torch" (sentence-transformers, as ingestion embeds).
    query_encoder: QueryEncoder = QueryEncoder.ONNX
    onnx_cache: Path | None = None  # where the export is kept; None: <home>/cache/onnx
    # onnxruntime threads per question: 2 embed a question in 5.1 ms p50 against 8.8 on one,
    # on the 2-core reference machine, and cost 4% of throughput under 4 concurrent questions
    # (179 against 186 questions/s); they sleep between questions instead of spinning.
    query_threads: int = Field(default=2, ge=1)
