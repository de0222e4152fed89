"""The ingest encoder (`IngestSettings.ingest_encoder`), loaded only when a chunk must be embedded.

A re-ingest whose chunks are all carried over or cached never loads a model: importing
sentence-transformers and torch alone took 4.3 s of a 6.7 s unchanged run.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.errors import BadInput
from core.tokenizer import get_tokenizer
from ingestion.base import Embedder
from ingestion.config import IngestEncoder, IngestSettings
from ingestion.model_files import embedding_dim, max_seq_length, model_id_of

log = logging.getLogger("lore.ingest")
# The CPU flags under which oneDNN runs bfloat16 matmuls in hardware (elsewhere it emulates
# them, slower than fp32).
BF16_FLAGS = re.compile(r"\b(amx_bf16|avx512_bf16)\b")
SUFFIX = {IngestEncoder.TORCH: None, IngestEncoder.BF16: "bf16", IngestEncoder.ONNX: "onnx"}


def bf16_native(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        return BF16_FLAGS.search(cpuinfo.read_text()) is not None
    except OSError:  # not Linux: assume no native bfloat16
        return False


def resolve(encoder: IngestEncoder) -> IngestEncoder:
    if encoder is IngestEncoder.AUTO:
        return IngestEncoder.BF16 if bf16_native() else IngestEncoder.ONNX
    return encoder


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0))


class LazyEmbedder:
    """The Embedder protocol with the model loaded on the first `embed` of a non-empty batch.
    Its id, width and token counts come from the model's files (ingestion/model_files.py)."""

    def __init__(self, model_path: str, model_id: str, load: Callable[[], Embedder]) -> None:
        self.model_id = model_id
        self.dim = embedding_dim(model_path)
        self.max_tokens = max_seq_length(model_path) - 2  # minus [CLS] and [SEP]
        self._count = get_tokenizer(model_path).count
        self._load = load
        self._model: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def count_tokens(self, text: str) -> int:
        return self._count(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._get().embed(texts)

    def _get(self) -> Embedder:
        with self._lock:
            if self._model is None:
                model = self._load()
                if (model.model_id, model.dim) != (self.model_id, self.dim):
                    raise ValueError(f"loaded {model.model_id} ({model.dim} dimensions), "
                                     f"expected {self.model_id} ({self.dim})")
                self._model = model
            return self._model


def ingest_embedder(settings: IngestSettings, onnx_cache: Path) -> LazyEmbedder:
    """The configured encoder behind a LazyEmbedder; ONNX exports into (or reuses) the query
    encoder's export in `onnx_cache`."""
    encoder = resolve(settings.ingest_encoder)
    path, batch = settings.embedding_model, settings.embed_batch

    def load() -> Embedder:
        log.info("loading %s to embed with %s", path, encoder)
        if encoder is IngestEncoder.ONNX:
            from ingestion.onnx_embedder import OnnxEmbedder

            try:
                return OnnxEmbedder(path, onnx_cache, threads=cores(), batch_size=batch)
            except Exception as exc:
                raise BadInput(f"cannot run {path} on onnxruntime ({exc}); set "
                                 "LORE_INGEST_ENCODER=torch") from exc
        from ingestion.embedder import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(path, batch, bf16=encoder is IngestEncoder.BF16)

    return LazyEmbedder(path, model_id_of(path, SUFFIX[encoder]), load)
