"""Carry unchanged documents over from the active version: no parse, no embedding."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import numpy as np

from index.base import IndexStore
from index.registry import Registry
from lore.models import Chunk

# Read files in 1 MiB blocks: hashing must not load a large file into memory at once.
HASH_BLOCK = 1 << 20

Previous = dict[str, list[tuple[Chunk, np.ndarray]]]


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def previous_version(store: IndexStore, registry: Registry, fingerprint: str) -> Previous:
    """The active version's chunks and vectors by source, if built with the same pipeline.

    A different fingerprint (embedding model, chunking, BM25 parameters) means nothing can be
    reused: the next version is rebuilt from scratch.
    """
    active = registry.active()
    if active is None or active.fingerprint != fingerprint or not store.exists(active.id):
        return {}
    by_source: Previous = defaultdict(list)
    for chunk, vector in store.scan(active.id):
        by_source[chunk.source].append((chunk, vector))
    for items in by_source.values():
        items.sort(key=lambda item: item[0].position)
    return dict(by_source)
