"""sentence-transformers embedder (all-MiniLM-L6-v2 by default), loaded from a local path."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from core.tokenizer import get_tokenizer


def model_id_of(model_path: str) -> str:
    """Packaged models sit in a generic "model" folder; the parent names them."""
    norm = os.path.normpath(model_path)
    return "/".join(norm.split(os.sep)[-2:])


class SentenceTransformerEmbedder:
    def __init__(self, model_path: str, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weight-loading bar per process is noise in CLI output
        self.model_id = model_id_of(model_path)
        self._model = SentenceTransformer(model_path, device="cpu")
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_path} does not declare an embedding dimension")
        self.dim = dim
        # Longer input is silently truncated by the model: the chunker must stay within this.
        self.max_tokens = (self._model.max_seq_length or 512) - 2  # minus [CLS] and [SEP]
        self.batch_size = batch_size
        self._tokenizer = get_tokenizer(model_path)

    def count_tokens(self, text: str) -> int:
        return self._tokenizer.count(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)
