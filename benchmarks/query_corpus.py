"""A padded corpus for the query benchmark: the rhdh manuals, copied until N chunks.

Each copy's chunks start with a line "copy NNN", so every chunk text (and its BM25 vector) is
distinct. Embedding 100k texts would take hours on 2 cores, so only the base chunks go through
the model (through the embedding cache); copy k > 0 reuses its base chunk's vector plus a little
Gaussian noise, renormalised. That keeps the HNSW graph free of exact duplicates and measures
index and search cost, not embedding quality.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.models import Chunk
from index.base import IndexStore
from index.bm25 import doc_vector, index_terms
from index.registry import Registry
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.chunker import chunk_document, chunk_id, text_hash
from ingestion.config import IngestSettings
from ingestion.embedding import embed_chunks
from ingestion.parsers import parse_file

# Noise per dimension for copies: cosine to the base vector ~0.98, so copies cluster tightly
# around their original without being identical points.
COPY_NOISE = 0.01
ADD_STEP = 512  # points per upsert, as the ingest pipeline does
SEED = 7  # fixed: the same padded corpus on every run
BENCH = "rhdh-padded"  # marks versions this benchmark built, so reruns can reuse them


@dataclass(frozen=True)
class Base:
    chunks: list[Chunk]
    vectors: np.ndarray  # one unit-length row per chunk
    heading_tokens: list[list[str]]  # BM25 terms of each chunk's heading and body, kept apart
    body_tokens: list[list[str]]     # so a copy's terms are heading + copy id + body


def load_base(docs: Path, settings: IngestSettings, embedder: Embedder,
              cache: EmbeddingCache) -> Base:
    chunks: list[Chunk] = []
    for path in sorted(docs.glob("*.txt")):
        doc = parse_file(path, path.name, int(settings.max_file_mb * 2**20))
        chunks += chunk_document(doc, embedder.count_tokens, settings.chunk_tokens,
                                 settings.chunk_overlap)
    vectors, _ = embed_chunks(chunks, embedder, cache, lambda *_: None)
    return Base(chunks, vectors, [index_terms(c.heading) for c in chunks],
                [index_terms(c.text) for c in chunks])


def copy_chunk(base: Chunk, k: int, prefix_tokens: int) -> Chunk:
    prefix = f"copy {k:03d}\n"
    text = prefix + base.text
    source = f"copy-{k:03d}/{base.source}"
    h = text_hash(text)
    # The overlap (stripped when neighbours merge) now also covers the copy line.
    overlap = base.overlap + len(prefix) if base.overlap else 0
    return replace(base, id=chunk_id(source, base.position, h), source=source, text=text,
                   content_hash=h, doc_hash=text_hash(f"{k}:{base.doc_hash}"),
                   tokens=base.tokens + prefix_tokens, overlap=overlap)


@dataclass(frozen=True)
class Padded:
    chunks: list[Chunk]
    dense: np.ndarray
    terms: list[list[str]]  # BM25 terms of each chunk's embed_text


def copies(base: Base, n: int, count: Callable[[str], int]) -> Iterator[Padded]:
    """The first `n` chunks of copies 0, 1, 2, ..., one copy at a time: a million chunks never
    sit in memory at once (their BM25 vectors alone would take ~5 GB as Python objects)."""
    rng = np.random.default_rng(SEED)
    done, k = 0, 0
    while done < n:
        take = min(len(base.chunks), n - done)
        line = f"copy {k:03d}"
        extra = count(line)
        rows = base.vectors[:take]
        if k:
            rows = rows + rng.normal(0, COPY_NOISE, rows.shape).astype(np.float32)
            rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        ids = index_terms(line)
        terms = [h + ids + b for h, b in zip(base.heading_tokens[:take], base.body_tokens[:take],
                                             strict=True)]
        yield Padded([copy_chunk(c, k, extra) for c in base.chunks[:take]],
                     rows.astype(np.float32), terms)
        done, k = done + take, k + 1


def padded(base: Base, n: int, count: Callable[[str], int]) -> Padded:
    """All of `copies` at once (the naive baseline needs every text in one index)."""
    parts = list(copies(base, n, count))
    data = Padded([c for p in parts for c in p.chunks], np.concatenate([p.dense for p in parts]),
                  [t for p in parts for t in p.terms])
    assert index_terms(data.chunks[-1].embed_text) == data.terms[-1], "copy terms must match"
    return data


def mean_length(base: Base, n: int) -> float:
    """BM25's avgdl over the first `n` padded chunks, without making them."""
    total, done, k = 0, 0, 0
    while done < n:
        take = min(len(base.chunks), n - done)
        extra = len(index_terms(f"copy {k:03d}"))
        total += sum(len(h) + extra + len(b) for h, b in zip(
            base.heading_tokens[:take], base.body_tokens[:take], strict=True))
        done, k = done + take, k + 1
    return total / n


def build_version(store: IndexStore, registry: Registry, settings: IngestSettings, model_id: str,
                  base: Base, n: int, count: Callable[[str], int]) -> tuple[str, float]:
    """A ready version of `n` padded chunks (reused if this home already has one of that size);
    its id and the build time in seconds (0 when reused)."""
    for record in registry.list():
        if record.report.get("bench") == BENCH and record.chunks == n and store.exists(record.id):
            return record.id, 0.0
    started = time.perf_counter()
    avgdl = mean_length(base, n)
    record = registry.begin(model_id, settings.fingerprint())
    store.create(record.id, base.vectors.shape[1])
    sources: set[str] = set()
    for part in copies(base, n, count):
        sparse = [doc_vector(t, avgdl, settings.bm25_k1, settings.bm25_b) for t in part.terms]
        for i in range(0, len(part.chunks), ADD_STEP):
            end = i + ADD_STEP
            store.add(record.id, part.chunks[i:end], part.dense[i:end], sparse[i:end])
        sources |= {c.source for c in part.chunks}
    store.finish(record.id)
    registry.mark_ready(record.id, len(sources), n, {"bench": BENCH})
    return record.id, time.perf_counter() - started
