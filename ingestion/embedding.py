"""Embed chunks through the cache: only text never seen by this model is embedded."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.models import Chunk
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.chunker import text_hash

Progress = Callable[[str, int, int], None]
# Big enough to keep the model's batches full, small enough for a smooth progress bar.
EMBED_STEP = 256


def embed_chunks(
    chunks: Sequence[Chunk], embedder: Embedder, cache: EmbeddingCache, progress: Progress
) -> tuple[np.ndarray, int]:
    """Vectors for `chunks` in order, and how many had to be embedded (the rest were cached)."""
    hashes = [text_hash(c.embed_text) for c in chunks]
    known = cache.get_many(embedder.model_id, hashes)
    todo = {h: c.embed_text for h, c in zip(hashes, chunks, strict=True) if h not in known}
    items = list(todo.items())
    progress("embed", 0, len(items))
    for i in range(0, len(items), EMBED_STEP):
        part = items[i : i + EMBED_STEP]
        vecs = embedder.embed([text for _, text in part])
        fresh = {h: v for (h, _), v in zip(part, vecs, strict=True)}
        cache.put_many(embedder.model_id, fresh)
        known.update(fresh)
        progress("embed", min(i + EMBED_STEP, len(items)), len(items))
    matrix = np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, embedder.dim))
    return matrix.astype(np.float32), len(items)
