"""The active version as the next build sees it: unchanged documents are carried over with
their stored chunks and vectors (no parse, no embedding), re-stamped with the current trust.
Carried chunks keep the document guard's flags: their text has not changed."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.models import Chunk
from guard.documents import lowered_trust
from index.base import IndexStore, VersionRegistry
from ingestion.trust import TrustConfig

# Read files in 1 MiB blocks: hashing must not load a large file into memory at once.
HASH_BLOCK = 1 << 20

Stored = list[tuple[Chunk, np.ndarray]]


def stamp(trust: TrustConfig, source: str, chunks: list[Chunk]) -> tuple[float, tuple[str, ...]]:
    """The trust weight and tags a document's chunks carry: the trust config's, the weight
    lowered when the document guard flagged any of them."""
    weight, tags = trust.lookup(source)
    return lowered_trust(weight, any(c.flag for c in chunks)), tags


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Previous:
    version: str | None = None
    reusable: bool = False  # built with the same fingerprint: its chunks may be carried
    docs: dict[str, Stored] = field(default_factory=dict)  # by source, in reading order
    skipped: dict[str, str] = field(default_factory=dict)  # source -> sha256 of skipped files

    def hashes(self) -> dict[str, str]:
        """Every file the version saw (indexed or skipped) -> its content hash."""
        return {**self.skipped, **{s: items[0][0].doc_hash for s, items in self.docs.items()}}

    def carry(self, source: str, digest: str) -> Stored | None:
        items = self.docs.get(source)
        return items if self.reusable and items and items[0][0].doc_hash == digest else None

    def retrusted(self, trust: TrustConfig) -> tuple[str, ...]:
        """Documents the trust config now weighs or tags differently."""
        return tuple(s for s, items in self.docs.items()
                     if stamp(trust, s, [c for c, _ in items])
                     != (items[0][0].trust, items[0][0].tags))


def previous_version(store: IndexStore, registry: VersionRegistry, fingerprint: str) -> Previous:
    """The active version's documents. A different fingerprint (embedding model, chunking, BM25
    parameters) means nothing can be reused: the next version is rebuilt from scratch, but its
    files are still compared so the report can say what changed."""
    active = registry.active()
    if active is None or not store.exists(active.id):
        return Previous()
    docs: dict[str, Stored] = defaultdict(list)
    for chunk, vector in store.scan(active.id):
        docs[chunk.source].append((chunk, vector))
    for items in docs.values():
        items.sort(key=lambda item: item[0].position)
    skipped = {s["source"]: s.get("sha256", "") for s in active.report.get("skipped", [])}
    return Previous(active.id, active.fingerprint == fingerprint, dict(docs), skipped)
