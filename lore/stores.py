"""The storage and encoders the composition root builds on: the index store, the version
registry and the three encoders, from settings. Apart from lore/compose.py so that a command
that only ingests or lists versions does not import the query side (the gateway, the flows,
the guards), a quarter of `lore ingest`'s start-up.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import BadInput
from guard.documents import DocumentGuard, DocumentPolicy
from index.base import IndexStore, VersionRegistry
from ingestion.base import Embedder
from lore.guard_policy import PolicyStore
from lore.offline import stay_offline
from lore.settings import Settings
from retrieval.config import QueryEncoder

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

    from ingestion.embedder import SentenceTransformerEmbedder
    from ingestion.pipeline import Ingestor

log = logging.getLogger("lore")


def ensure_home(home: Path) -> Path:
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create LORE_HOME {home}: {exc.strerror}") from exc
    if not os.access(home, os.R_OK | os.W_OK | os.X_OK):
        raise BadInput(f"LORE_HOME {home} is not readable and writable; fix its permissions")
    return home


@lru_cache(maxsize=4)  # one per server the process talks to; a process talks to one
def qdrant_client(url: str, api_key: str | None) -> QdrantClient:
    """One client per process and server, shared by the store and the registry (they borrow
    it, so it lives as long as the process)."""
    from qdrant_client import QdrantClient

    return QdrantClient(url=url, api_key=api_key)


def open_store(settings: Settings) -> IndexStore:
    """A Qdrant server when LORE_QDRANT_URL is set, else embedded Qdrant Edge under home."""
    backend = settings.backend
    if backend.qdrant_url:
        from index.qdrant_server import QdrantServerStore

        return QdrantServerStore(qdrant_client(backend.qdrant_url, backend.qdrant_api_key),
                                 layout=backend)
    from index.edge import EdgeStore

    return EdgeStore(ensure_home(settings.home) / "index")


def open_registry(settings: Settings) -> VersionRegistry:
    """Kept in the Qdrant server when there is one, so every replica sees it; else a file."""
    backend = settings.backend
    if backend.qdrant_url:
        from index.qdrant_registry import QdrantRegistry

        return QdrantRegistry(qdrant_client(backend.qdrant_url, backend.qdrant_api_key))
    from index.registry import Registry

    return Registry(ensure_home(settings.home))


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    """sentence-transformers in fp32: the reference every other encoder is measured against."""
    from ingestion.embedder import SentenceTransformerEmbedder

    stay_offline()
    return SentenceTransformerEmbedder(settings.ingest.embedding_model, settings.ingest.embed_batch)


def load_query_embedder(settings: Settings) -> Embedder:
    """What the service embeds questions with (`retrieval.query_encoder`)."""
    if settings.retrieval.query_encoder == QueryEncoder.TORCH:
        return load_embedder(settings)
    from ingestion.onnx_embedder import OnnxEmbedder

    r = settings.retrieval
    try:
        return OnnxEmbedder(settings.ingest.embedding_model, onnx_cache(settings),
                            threads=r.query_threads,
                            batch_size=settings.ingest.embed_batch)
    except Exception as exc:  # a model torch cannot export still serves, only slower
        log.warning("cannot run %s on onnxruntime (%s); embedding questions with torch",
                    settings.ingest.embedding_model, exc)
        return load_embedder(settings)


def load_ingest_embedder(settings: Settings) -> Embedder:
    """What ingestion embeds chunks with (`ingest.ingest_encoder`), loaded only once a chunk
    must be embedded: a run that carries or finds every chunk in the cache never loads it."""
    from ingestion.encoders import ingest_embedder

    stay_offline()
    return ingest_embedder(settings.ingest, onnx_cache(settings))


def onnx_cache(settings: Settings) -> Path:
    """Where the ONNX export lives: one export serves the query and the ingest encoder."""
    return settings.retrieval.onnx_cache or ensure_home(settings.home) / "cache" / "onnx"


def ingestor(settings: Settings, embedder: Embedder) -> Ingestor:
    """An Ingestor over the settings' store, registry, embedding cache and trust file."""
    from ingestion.cache import EmbeddingCache
    from ingestion.pipeline import Ingestor
    from ingestion.runner import cache_path
    from ingestion.trust import load_trust

    cache = EmbeddingCache(cache_path(ensure_home(settings.home)))
    policy = PolicyStore(settings.home).effective(settings.guard)  # an admin may change it
    scan = policy.guard_documents is not DocumentPolicy.OFF
    return Ingestor(settings.ingest, open_store(settings), open_registry(settings), embedder,
                    cache, load_trust(settings.ingest.trust_file),
                    guard=DocumentGuard() if scan else None)
