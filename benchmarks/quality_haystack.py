"""The stock peer: a Haystack hybrid pipeline over 200-word splits, packed like the other rows.

TextFileToDocument -> DocumentSplitter(word, 200, overlap 20) -> SentenceTransformers
embeddings in an InMemoryDocumentStore; per question InMemoryBM25Retriever and
InMemoryEmbeddingRetriever joined by DocumentJoiner(reciprocal_rank_fusion). Everything is
Haystack's default except the model (the same local all-MiniLM-L6-v2 as lore), unit-length
embeddings (so the store's default dot product is the cosine lore uses) and the retriever
depth (lore's candidate depth). Split embeddings go through lore's embedding cache.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from quality_rows import Retrieved, Row, budget_for, pack_greedy, passage

from ingestion.cache import EmbeddingCache
from ingestion.chunker import text_hash

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")  # no network, and none wanted

# DocumentSplitter's unit and length defaults; 20 words of overlap, about lore's 32 tokens.
SPLIT_WORDS = 200
SPLIT_OVERLAP = 20


def splits(docs: Path) -> list[Any]:
    from haystack.components.converters import TextFileToDocument
    from haystack.components.preprocessors import DocumentSplitter

    paths = sorted(p for p in docs.rglob("*.txt") if p.is_file())
    meta = [{"source": p.relative_to(docs).as_posix()} for p in paths]
    files = TextFileToDocument().run(sources=list(paths), meta=meta)["documents"]
    splitter = DocumentSplitter(split_by="word", split_length=SPLIT_WORDS,
                                split_overlap=SPLIT_OVERLAP)
    return list(splitter.run(documents=files)["documents"])


def embed_splits(documents: list[Any], model: str, cache: EmbeddingCache) -> None:
    """Sets each document's embedding, with Haystack's embedder for the ones not cached."""
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
    )

    key = f"haystack:{model}"
    hashes = [text_hash(d.content or "") for d in documents]
    known = cache.get_many(key, hashes)
    todo = [d for d, h in zip(documents, hashes, strict=True) if h not in known]
    if todo:
        embedder = SentenceTransformersDocumentEmbedder(
            model=model, local_files_only=True, progress_bar=False, normalize_embeddings=True)
        embedder.warm_up()
        done = embedder.run(documents=todo)["documents"]
        fresh = {text_hash(d.content or ""): np.asarray(d.embedding, np.float32) for d in done}
        cache.put_many(key, fresh)
        known.update(fresh)
    for d, h in zip(documents, hashes, strict=True):
        d.embedding = known[h].tolist()


def pipeline(documents: list[Any], model: str, depth: int) -> Any:
    from haystack import Pipeline
    from haystack.components.joiners import DocumentJoiner
    from haystack.components.retrievers.in_memory import (
        InMemoryBM25Retriever,
        InMemoryEmbeddingRetriever,
    )
    from haystack.document_stores.in_memory import InMemoryDocumentStore
    from haystack.document_stores.types import DuplicatePolicy
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersTextEmbedder,
    )

    store = InMemoryDocumentStore()
    store.write_documents(documents, policy=DuplicatePolicy.OVERWRITE)
    p = Pipeline()
    p.add_component("embed", SentenceTransformersTextEmbedder(
        model=model, local_files_only=True, progress_bar=False, normalize_embeddings=True))
    p.add_component("bm25", InMemoryBM25Retriever(store, top_k=depth))
    p.add_component("dense", InMemoryEmbeddingRetriever(store, top_k=depth))
    p.add_component("join", DocumentJoiner(join_mode="reciprocal_rank_fusion"))
    p.connect("embed.embedding", "dense.query_embedding")
    p.connect("bm25", "join")
    p.connect("dense", "join")
    p.warm_up()
    return p


def haystack_row(
    docs: Path, model: str, cache: EmbeddingCache, count: Any, total: int, depth: int
) -> tuple[Row, int]:
    """The row, and how many splits the corpus gave."""
    documents = splits(docs)
    embed_splits(documents, model, cache)
    pipe = pipeline(documents, model, depth)

    def row(question: str) -> Retrieved:
        start = time.perf_counter()
        found = pipe.run({"embed": {"text": question}, "bm25": {"query": question}})
        cands = (
            passage(d.meta["source"], d.meta["source"], (), None, d.id, d.content, d.score or 0.0,
                    d.meta.get("split_id", 0), count)
            for d in found["join"]["documents"]
        )
        context = pack_greedy(cands, budget_for(question, total, count))
        return Retrieved(context, (time.perf_counter() - start) * 1000)

    return row, len(documents)
