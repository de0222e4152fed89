"""sentence-transformers embedder (all-MiniLM-L6-v2 by default), loaded from a local path."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.tokenizer import get_tokenizer
from ingestion.model_files import model_id_of

BF16 = "bf16"  # names the bfloat16 encoder in its model id (and so in the embedding cache)


class SentenceTransformerEmbedder:
    """`bf16`: the matmuls in bfloat16 (torch autocast). On CPUs with AMX or AVX512-BF16 it
    embeds 2.9x faster than fp32 with vectors within cosine 0.99997 of fp32's (measured on
    the rhdh chunks; docs/benchmarks.md, "Ingest throughput"); elsewhere it is emulated."""

    def __init__(self, model_path: str, batch_size: int = 32, bf16: bool = False) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weight-loading bar per process is noise in CLI output
        self.model_id = model_id_of(model_path, BF16 if bf16 else None)
        self._model = SentenceTransformer(model_path, device="cpu")
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_path} does not declare an embedding dimension")
        self.dim = dim
        # Longer input is silently truncated by the model: the chunker must stay within this.
        self.max_tokens = (self._model.max_seq_length or 512) - 2  # minus [CLS] and [SEP]
        self.batch_size = batch_size
        self._bf16 = bf16
        self._tokenizer = get_tokenizer(model_path)

    def count_tokens(self, text: str) -> int:
        return self._tokenizer.count(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        # The model's output is normalised here, in fp32: a bfloat16 unit vector would round
        # every component to 3 significant digits.
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self._bf16):
            out = self._model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=not self._bf16,
                convert_to_tensor=True, show_progress_bar=False,
            )
        vecs = out.float().numpy()
        if self._bf16:
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return np.asarray(vecs, dtype=np.float32)
