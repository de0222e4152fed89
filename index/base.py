"""The index-store seam: Qdrant Edge (embedded) and qdrant-client (server) implement it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from core.models import Chunk, Filters, Hit, SparseVector
from index.versions import VersionRecord

DENSE = "dense"
SPARSE = "bm25"


class IndexStore(Protocol):
    def create(self, version: str, dim: int) -> None:
        """Make an empty version; fails if it exists."""
        ...

    def add(
        self,
        version: str,
        chunks: Sequence[Chunk],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
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

    def weights(self, version: str) -> dict[str, SparseVector]:
        """Every chunk's BM25 weights by chunk id, as stored (a version of the very same
        texts has the very same weights)."""
        ...

    def count(self, version: str) -> int: ...

    def warm(self, version: str) -> int:
        """Open the version and bring its data into memory before it takes traffic; returns
        its point count. NotFound for an unknown version."""
        ...

    def exists(self, version: str) -> bool: ...

    def release(self, version: str) -> None:
        """Forget this process's open handle on the version; its data stays."""
        ...

    def drop(self, version: str) -> None: ...

    def close(self) -> None: ...


class VersionRegistry(Protocol):
    """Which versions exist and which one answers; index/registry.py keeps it in a JSON file."""

    def begin(self, embedding_model: str, fingerprint: str) -> VersionRecord: ...

    def mark_ready(
        self, version: str, documents: int, chunks: int, report: dict[str, Any]
    ) -> VersionRecord: ...

    def mark_failed(self, version: str, error: str) -> VersionRecord: ...

    def promote(self, version: str) -> VersionRecord: ...

    def start_canary(self, version: str, percent: int) -> VersionRecord:
        """Send `percent` of the traffic to `version` until promote or rollback."""
        ...

    def canary(self) -> tuple[str, int] | None: ...

    def rollback(self) -> VersionRecord:
        """Ends a running canary; otherwise returns to the previously active version."""
        ...

    def rollback_to(self, version: str) -> VersionRecord:
        """Back to a formerly active version, however many steps back."""
        ...

    def steps_back(self, version: str) -> int:
        """1 for the previous active version, 2 for the one before...; 0: never active."""
        ...

    def delete(self, version: str) -> VersionRecord:
        """Forget a version that serves nothing (not active, canary or building)."""
        ...

    def fail_serving(self, version: str, error: str) -> VersionRecord:
        """The serving (active or canary) `version` cannot be read: mark it failed and let the
        version that served before take over; a version no longer serving is left alone."""
        ...

    def reap(self) -> list[str]:
        """Building versions whose builder died -> failed; their ids, to drop their data."""
        ...

    def retain(self, keep: int) -> list[str]:
        """Forget old versions beyond `keep`; their ids, to drop their data."""
        ...

    def set_eval(self, version: str, result: dict[str, Any]) -> VersionRecord: ...

    def active(self) -> VersionRecord | None: ...

    def get(self, version: str) -> VersionRecord: ...

    def list(self) -> list[VersionRecord]: ...

    def stamp(self) -> str:
        """Changes whenever the active version changes."""
        ...
