"""What both store backends read the same way once they can page through a version's points:
every chunk with its dense vector (carry-over), every chunk's BM25 weights (an unchanged
re-ingest). Each backend supplies only `_records`, its own scroll."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from core.models import Chunk, SparseVector
from index.base import DENSE, SPARSE
from index.payload import from_payload, stored_sparse


class PagedReads:
    def _records(self, version: str, vector: str, payload: bool) -> Iterator[Any]:
        """Every point of `version` with `vector` (and its payload), a page at a time."""
        raise NotImplementedError

    def scan(self, version: str) -> Iterator[tuple[Chunk, np.ndarray]]:
        """Every chunk with its dense vector, as stored (Cosine: unit length)."""
        for r in self._records(version, DENSE, payload=True):
            yield from_payload(r.id, r.payload or {}), np.asarray(r.vector[DENSE], np.float32)

    def weights(self, version: str) -> dict[str, SparseVector]:
        return {str(r.id): stored_sparse(r.vector[SPARSE])
                for r in self._records(version, SPARSE, payload=False)}
