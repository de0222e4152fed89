"""The index-store seam: Qdrant Edge (embedded) and qdrant-client (server) implement it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np

from lore.models import Chunk, Filters, Hit, SparseVector

DENSE = "dense"
SPARSE = "bm25"


class IndexStore(Protocol):
    def create(self, version: str, dim: int) -> None:
        """Make an empty version; fails if it exists."""
        ...

    def add(
        self, version: str, chunks: Sequence[Chunk], dense: np.ndarray, sparse: Sequence[SparseVector]
    ) -> None: ...

    def finish(self, version: str) -> None:
        """Flush and optimise; after this the version is read-only."""
        ...

    def search_dense(
        self, version: str, vector: np.ndarray, limit: int, filters: Filters | None = None
    ) -> list[Hit]: ...

    def search_sparse(
        self, version: str, vector: SparseVector, limit: int, filters: Filters | None = None
    ) -> list[Hit]: ...

    def get(self, version: str, ids: Sequence[str]) -> list[Chunk]: ...

    def neighbours(self, version: str, source: str, positions: Sequence[int]) -> list[Chunk]:
        """Chunks of `source` at the given positions (for context expansion)."""
        ...

    def scan(self, version: str) -> Iterator[tuple[Chunk, np.ndarray]]:
        """Every chunk with its dense vector (carry-over into the next version)."""
        ...

    def count(self, version: str) -> int: ...

    def exists(self, version: str) -> bool: ...

    def drop(self, version: str) -> None: ...

    def close(self) -> None: ...
