"""Builds the heavy objects from settings; the CLI and the API lifespan both go through here."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from index.base import IndexStore, VersionRegistry
from index.registry import Registry
from ingestion.base import Embedder
from ingestion.embedder import SentenceTransformerEmbedder
from lore.errors import BadInput
from lore.settings import QueryEncoder, Settings

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

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
    if settings.qdrant_url:
        from index.qdrant_server import QdrantServerStore

        return QdrantServerStore(qdrant_client(settings.qdrant_url, settings.qdrant_api_key))
    from index.edge import EdgeStore

    return EdgeStore(ensure_home(settings.home) / "index")


def open_registry(settings: Settings) -> VersionRegistry:
    """Kept in the Qdrant server when there is one, so every replica sees it; else a file."""
    if settings.qdrant_url:
        from index.qdrant_registry import QdrantRegistry

        return QdrantRegistry(qdrant_client(settings.qdrant_url, settings.qdrant_api_key))
    return Registry(ensure_home(settings.home))


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch)


def load_query_embedder(settings: Settings) -> Embedder:
    """What the service embeds questions with (`Settings.query_encoder`)."""
    if settings.query_encoder == QueryEncoder.TORCH:
        return load_embedder(settings)
    from ingestion.onnx_embedder import OnnxEmbedder

    cache = settings.onnx_cache or ensure_home(settings.home) / "cache" / "onnx"
    try:
        return OnnxEmbedder(settings.embedding_model, cache, threads=settings.query_threads,
                            batch_size=settings.embed_batch)
    except Exception as exc:  # a model torch cannot export still serves, only slower
        log.warning("cannot run %s on onnxruntime (%s); embedding questions with torch",
                    settings.embedding_model, exc)
        return load_embedder(settings)
