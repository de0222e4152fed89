"""Embed chunks through the cache: only text never seen by this encoder is embedded.

Texts go to the model sorted by length: a batch is padded to its longest text, so texts of a
like length together leave almost no padding to compute.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.models import Chunk
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.chunker import text_hash

Progress = Callable[[str, int, int], None]
# Chunks gathered before they are embedded: enough to sort into batches of like length, few
# enough that embedding starts while later files are still being parsed, and a smooth bar.
WINDOW = 512


def embed_chunks(
    chunks: Sequence[Chunk], embedder: Embedder, cache: EmbeddingCache, progress: Progress
) -> tuple[np.ndarray, int]:
    """Vectors for `chunks` in order, and how many had to be embedded (the rest were cached)."""
    hashes = [text_hash(c.embed_text) for c in chunks]
    known = cache.get_many(embedder.model_id, hashes)
    todo = {h: c.embed_text for h, c in zip(hashes, chunks, strict=True) if h not in known}
    items = sorted(todo.items(), key=lambda item: embedder.count_tokens(item[1]))
    progress("embed", 0, len(items))
    step = max(WINDOW // 4, 1)  # a progress update every quarter window
    for i in range(0, len(items), step):
        part = items[i : i + step]
        vecs = embedder.embed([text for _, text in part])
        fresh = {h: v for (h, _), v in zip(part, vecs, strict=True)}
        cache.put_many(embedder.model_id, fresh)
        known.update(fresh)
        progress("embed", min(i + step, len(items)), len(items))
    if not hashes:
        return np.zeros((0, embedder.dim), dtype=np.float32), 0
    return np.stack([known[h] for h in hashes]).astype(np.float32), len(items)


class Embedding:
    """Vectors by chunk id for chunks added as the parser yields them, embedded a window at a
    time (`flush` embeds the rest)."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, progress: Progress,
                 window: int = WINDOW) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        self.embedded = 0  # texts the model embedded (the rest came from the cache)
        self._embedder, self._cache, self._progress = embedder, cache, progress
        self._window = window
        self._pending: list[Chunk] = []

    def add(self, chunks: Sequence[Chunk]) -> None:
        self._pending += chunks
        if len(self._pending) >= self._window:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        done = self.embedded

        def progress(stage: str, n: int, total: int) -> None:
            self._progress(stage, done + n, done + total)

        vectors, n = embed_chunks(self._pending, self._embedder, self._cache, progress)
        self.vectors.update(zip((c.id for c in self._pending), vectors, strict=True))
        self.embedded += n
        self._pending = []
