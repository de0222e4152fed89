"""Shared index fixtures: a small real-text corpus and IndexStore backends to run contracts on."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import QdrantClient

from core.models import Chunk
from index.base import IndexStore
from index.bm25 import doc_vectors
from index.edge import EdgeStore
from index.qdrant_server import QdrantServerStore

CORPUS = (Path(__file__).parent / "corpus.txt").read_text().splitlines()
# Five consecutive corpus lines per document, in reading order.
SOURCES = (
    "ops/k8s/cluster.md",
    "dev/python/setup.md",
    "hr/policies.md",
    "ops/db/postgres.md",
    "hr/onboarding/incidents.md",
    "finance/payments.md",
)
PER_SOURCE = 5
DIM = 16  # small random vectors: the contract is about storage, not embedding quality
T0 = 1_700_000_000.25  # mtimes are T0 + i * STEP: fractional to check floats round-trip
STEP = 1000.5

# One line per backend: tmp dir -> a fresh store. A qdrant-client backend is one more entry.
BACKENDS: dict[str, Callable[[Path], IndexStore]] = {
    "edge": lambda tmp: EdgeStore(tmp / "edge"),
    # qdrant-client's local mode: the server's API in-process (the store borrows the client).
    "qdrant": lambda tmp: QdrantServerStore(QdrantClient(":memory:")),
}


def make_chunk(i: int, text: str) -> Chunk:
    source = SOURCES[i // PER_SOURCE]
    position = i % PER_SOURCE
    return Chunk(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{source}#{position}")),
        source=source,
        title=source.rsplit("/", 1)[-1],
        text=text,
        breadcrumbs=("Handbook", f"Section {position}"),
        page=position + 1 if i % 2 else None,
        position=position,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        doc_hash=hashlib.sha256(source.encode()).hexdigest(),
        mtime=T0 + i * STEP,
        trust=0.5 if source.startswith("finance/") else 1.0,
        tokens=len(text.split()),
        tags=(("public",), ("internal",), ())[i % 3],
    )


@dataclass(frozen=True)
class Built:
    store: IndexStore
    version: str
    chunks: list[Chunk]
    dense: np.ndarray


def unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def build(store: IndexStore) -> Built:
    """Version v1 holding the corpus, finished."""
    chunks = [make_chunk(i, text) for i, text in enumerate(CORPUS)]
    dense = unit_vectors(len(chunks))
    store.create("v1", DIM)
    store.add("v1", chunks, dense, doc_vectors([c.text for c in chunks], 1.2, 0.75))
    store.finish("v1")
    return Built(store, "v1", chunks, dense)


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[IndexStore]:
    s = BACKENDS[backend](tmp_path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def built(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The corpus as v1, shared by a module's tests: only read it."""
    s = BACKENDS[backend](tmp_path_factory.mktemp(backend))
    yield build(s)
    s.close()


@pytest.fixture
def fresh(store: IndexStore) -> Built:
    """The corpus as v1 in a store of the test's own, free to change."""
    return build(store)
