"""The benchmark's lore index: one home per corpus and chunking fingerprint under /tmp, reused.

Every home shares one embedding cache, so a new chunking re-embeds only chunk texts never seen
before and a rerun with the same settings does not ingest at all.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from answer.extractive import ExtractiveAnswerer
from context.builder import ContextBuilder
from context.packing import PackingOrder
from ingestion.cache import EmbeddingCache
from ingestion.embedder import SentenceTransformerEmbedder
from ingestion.pipeline import Ingestor
from ingestion.trust import TrustConfig
from lore.qa import QAService
from lore.settings import Settings
from lore.tokenizer import get_tokenizer
from lore.wiring import open_registry, open_store

BENCH_ROOT = Path(tempfile.gettempdir()) / "lore-bench"
CACHE = BENCH_ROOT / "embeddings.sqlite"


def corpus_key(docs: Path) -> str:
    """Changes when a file of the corpus is added, removed or rewritten."""
    files = sorted(p for p in docs.rglob("*") if p.is_file())
    stamp = [(p.relative_to(docs).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
             for p in files]
    return hashlib.sha256(repr((str(docs.resolve()), stamp)).encode()).hexdigest()[:12]


def bench_settings(docs: Path, overrides: dict[str, str]) -> Settings:
    """Settings(**overrides) with `home` chosen by corpus and fingerprint."""
    probe = Settings(**overrides)  # type: ignore[arg-type]  # pydantic coerces the strings
    home = BENCH_ROOT / f"{corpus_key(docs)}-{probe.fingerprint()}"
    return Settings(home=home, **overrides)  # type: ignore[arg-type]


def ensure_index(settings: Settings, docs: Path, embedder: SentenceTransformerEmbedder) -> str:
    """The active version of the benchmark home, ingesting the corpus first if there is none."""
    registry = open_registry(settings)
    active = registry.active()
    if active is not None and active.fingerprint == settings.fingerprint():
        return active.id
    store = open_store(settings)
    try:
        ingestor = Ingestor(settings, store, registry, embedder, EmbeddingCache(CACHE),
                            TrustConfig())
        return ingestor.run(docs, promote=True).version
    finally:
        store.close()


def lore_service(
    settings: Settings, embedder: SentenceTransformerEmbedder, order: PackingOrder | None,
    reach: int | None,
) -> QAService:
    """lore's own QA path; the answerer never abstains so the threshold can be swept offline."""
    service = QAService(settings, open_store(settings), open_registry(settings), embedder,
                        ExtractiveAnswerer(threshold=0.0))
    service.builder = ContextBuilder(service.store, get_tokenizer(settings.embedding_model),
                                     settings, order=order, reach=reach)
    return service
