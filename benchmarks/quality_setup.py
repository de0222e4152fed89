"""The benchmark's lore index: one home per corpus and chunking fingerprint under /tmp, reused.

Every home shares one embedding cache, so a new chunking re-embeds only chunk texts never seen
before and a rerun with the same settings does not ingest at all.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from ingestion.cache import EmbeddingCache
from ingestion.embedder import SentenceTransformerEmbedder
from ingestion.pipeline import Ingestor
from ingestion.trust import TrustConfig
from lore.compose import Lore, build
from lore.settings import Settings
from lore.stores import open_registry, open_store

BENCH_ROOT = Path(tempfile.gettempdir()) / "lore-bench"
CACHE = BENCH_ROOT / "embeddings.sqlite"


def corpus_key(docs: Path) -> str:
    """Changes when a file of the corpus is added, removed or rewritten."""
    files = sorted(p for p in docs.rglob("*") if p.is_file())
    stamp = [(p.relative_to(docs).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
             for p in files]
    return hashlib.sha256(repr((str(docs.resolve()), stamp)).encode()).hexdigest()[:12]


def bench_settings(docs: Path, overrides: dict[str, str]) -> Settings:
    """Settings.of(**overrides) with `home` chosen by corpus and fingerprint."""
    probe = Settings.of(**overrides)  # pydantic coerces the strings
    home = BENCH_ROOT / f"{corpus_key(docs)}-{probe.ingest.fingerprint()}"
    return Settings.of(home=home, **overrides)


def ensure_index(settings: Settings, docs: Path, embedder: SentenceTransformerEmbedder) -> str:
    """The active version of the benchmark home, ingesting the corpus first if there is none."""
    registry = open_registry(settings)
    active = registry.active()
    if active is not None and active.fingerprint == settings.ingest.fingerprint():
        return active.id
    store = open_store(settings)
    try:
        ingestor = Ingestor(settings.ingest, store, registry, embedder, EmbeddingCache(CACHE),
                            TrustConfig())
        return ingestor.run(docs, promote=True).version
    finally:
        store.close()


def lore_app(settings: Settings, embedder: SentenceTransformerEmbedder) -> Lore:
    """lore's own query side, its default extractive answerer included (threshold 0: the
    evidence step's threshold is swept offline)."""
    return build(settings, encoder=embedder)
