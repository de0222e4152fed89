from __future__ import annotations

import numpy as np

from core.models import Chunk
from ingestion.cache import EmbeddingCache
from ingestion.chunker import text_hash
from ingestion.embedding import embed_chunks


def chunk(text: str, i: int) -> Chunk:
    return Chunk(str(i), "s.md", "S", text, ("S",), None, i, "h", "d", 0.0)


def test_real_model_vectors_are_normalised_and_semantic(embedder):
    v = embedder.embed(["How many vacation days?", "Employees get 25 days of paid leave.",
                        "The reactor coolant pump is blue."])
    assert v.shape == (3, embedder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_cache_reuses_vectors_across_runs_and_models(tmp_path, embedder):
    chunks = [chunk(f"Policy {i} covers travel to site {i}.", i) for i in range(5)]
    seen = []
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    first, embedded = embed_chunks(chunks, embedder, cache, lambda *a: seen.append(a))
    assert embedded == 5 and seen[-1] == ("embed", 5, 5)
    cache.close()
    reopened = EmbeddingCache(tmp_path / "c.sqlite")
    second, embedded = embed_chunks([*chunks, chunk("A new policy.", 9)], embedder, reopened,
                                    lambda *a: None)
    assert embedded == 1
    assert np.array_equal(first, second[:5])
    keys = [text_hash(c.embed_text) for c in chunks]
    assert len(reopened.get_many(embedder.model_id, keys)) == 5
    assert reopened.get_many("another/model", keys) == {}
