"""The composition root: the heavy objects built once from settings, and the flows over them.

The CLI, the API, evaluation, the nightly runner, benchmarks and the tests all build here.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from answer.base import Generator
from answer.extractive import ExtractiveAnswerer
from context.builder import ContextBuilder
from core.errors import BadInput, VersionBroken
from core.tokenizer import get_tokenizer
from core.tracing import NullSink, Trace, TraceSink
from index.active import ActiveVersion
from index.base import IndexStore, VersionRegistry
from ingestion.base import Embedder
from lore.offline import stay_offline
from lore.settings import Settings
from lore.stats import ServingStats
from pipeline.flows import Flows, Parts, flows
from pipeline.runner import Flow, run
from pipeline.state import Query, State
from retrieval.config import QueryEncoder
from retrieval.hybrid import HybridRetriever

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

    from ingestion.embedder import SentenceTransformerEmbedder
    from ingestion.pipeline import Ingestor

log = logging.getLogger("lore")


@dataclass
class Lore:
    """One deployment's query side: store, registry, encoder, generator and the flows."""

    settings: Settings
    store: IndexStore
    registry: VersionRegistry
    encoder: Embedder
    generator: Generator
    active: ActiveVersion
    stats: ServingStats
    flows: Flows
    sink: TraceSink

    def ask(self, query: Query) -> tuple[State, Trace]:
        return self._run(self.flows.ask, query)

    def search(self, query: Query) -> tuple[State, Trace]:
        return self._run(self.flows.search, query)

    def _run(self, flow: Flow, query: Query) -> tuple[State, Trace]:
        try:
            return run(flow, State(query), sink=self.sink)
        except VersionBroken as broken:  # this request fails; the next ones get the fallback
            self.active.report_broken(broken.version, broken.reason)
            raise

    def close(self) -> None:
        self.store.close()
        self.stats.close()


def build(
    settings: Settings, *, encoder: Embedder | None = None, generator: Generator | None = None,
) -> Lore:
    """`encoder` and `generator` let a caller share ones already loaded (tests, benchmarks)."""
    stay_offline()
    store, registry = open_store(settings), open_registry(settings)
    encoder = encoder or load_query_embedder(settings)
    generator = generator or ExtractiveAnswerer(
        threshold=settings.answer.min_evidence,
        tokenizer=get_tokenizer(settings.ingest.embedding_model))
    active = ActiveVersion(registry, settings.serve.reload_seconds, warm=store.warm,
                           release=store.release)
    stats = ServingStats(ensure_home(settings.home) / "stats.sqlite")
    parts = Parts(
        limits=settings.request, active=active,
        retriever=HybridRetriever(store, encoder, settings.retrieval),
        builder=ContextBuilder(store, generator.tokenizer.count, settings.context),
        generator=generator, recorder=stats,
    )
    return Lore(settings, store, registry, encoder, generator, active, stats, flows(parts),
                NullSink())


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

        return QdrantServerStore(qdrant_client(backend.qdrant_url, backend.qdrant_api_key))
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
    from ingestion.embedder import SentenceTransformerEmbedder

    stay_offline()
    return SentenceTransformerEmbedder(settings.ingest.embedding_model, settings.ingest.embed_batch)


def load_query_embedder(settings: Settings) -> Embedder:
    """What the service embeds questions with (`retrieval.query_encoder`)."""
    if settings.retrieval.query_encoder == QueryEncoder.TORCH:
        return load_embedder(settings)
    from ingestion.onnx_embedder import OnnxEmbedder

    r = settings.retrieval
    cache = r.onnx_cache or ensure_home(settings.home) / "cache" / "onnx"
    try:
        return OnnxEmbedder(settings.ingest.embedding_model, cache, threads=r.query_threads,
                            batch_size=settings.ingest.embed_batch)
    except Exception as exc:  # a model torch cannot export still serves, only slower
        log.warning("cannot run %s on onnxruntime (%s); embedding questions with torch",
                    settings.ingest.embedding_model, exc)
        return load_embedder(settings)


def ingestor(settings: Settings, embedder: Embedder) -> Ingestor:
    """An Ingestor over the settings' store, registry, embedding cache and trust file."""
    from ingestion.cache import EmbeddingCache
    from ingestion.pipeline import Ingestor
    from ingestion.runner import cache_path
    from ingestion.trust import load_trust

    cache = EmbeddingCache(cache_path(ensure_home(settings.home)))
    return Ingestor(settings.ingest, open_store(settings), open_registry(settings), embedder,
                    cache, load_trust(settings.ingest.trust_file))
