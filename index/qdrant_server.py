"""IndexStore on a Qdrant server or cluster through qdrant-client: one collection per version.

The alias f"{prefix}_active" follows the active version so tools outside lore that read the
alias agree with the registry. The same code runs on qdrant-client's local mode
(`QdrantClient(":memory:")` or `path=`), which the tests use.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

from core.errors import BadInput, Conflict, IndexBuildError, NotFound
from core.models import Chunk, Filters, Hit, SparseVector
from index.base import DENSE, SPARSE
from index.config import BackendSettings
from index.paged import PagedReads
from index.payload import (
    BATCH,
    FLOAT_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    PAGE,
    check_ids,
    check_version,
    conditions,
    from_payload,
    neighbour_conditions,
    to_payload,
)
from index.qdrant_filter import qdrant_filter
from index.qdrant_layout import create_args, search_params

# `finish` waits for the server's optimisers (HNSW build) this long at most, polling this often:
# a million chunks index in minutes; an hour means the cluster is stuck, not busy.
OPTIMISE_TIMEOUT_S = 3600.0
POLL_S = 0.5
# Names the store and the registry use next to the version collections.
RESERVED = frozenset({"active", "registry"})

_Status = models.CollectionStatus

_INDEXES = (
    [(f, models.PayloadSchemaType.KEYWORD) for f in KEYWORD_FIELDS]
    + [(f, models.PayloadSchemaType.INTEGER) for f in INTEGER_FIELDS]
    + [(f, models.PayloadSchemaType.FLOAT) for f in FLOAT_FIELDS]
)


def _point(chunk: Chunk, dense: np.ndarray, sparse: SparseVector) -> models.PointStruct:
    bm25 = models.SparseVector(indices=list(sparse.indices), values=list(sparse.values))
    vectors: dict[str, models.Vector] = {DENSE: dense.tolist(), SPARSE: bm25}
    return models.PointStruct(id=chunk.id, vector=vectors, payload=to_payload(chunk))


class QdrantServerStore(PagedReads):
    """Borrows `client`: `close` leaves it open for the registry sharing it; its maker closes
    it. The client holds no per-version state, so `release` has nothing to do. `layout`: how
    each version's collection is sharded, replicated, stored and indexed (index/config.py)."""

    def __init__(self, client: QdrantClient, prefix: str = "lore",
                 layout: BackendSettings | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.alias = f"{prefix}_active"
        self.layout = layout or BackendSettings()
        self._dense_params = search_params(self.layout)

    def collection(self, version: str) -> str:
        if check_version(version) in RESERVED:
            raise BadInput(f"invalid version name {version!r}: {version} is reserved")
        return f"{self.prefix}_{version}"

    @contextmanager
    def _existing(self, version: str) -> Iterator[str]:
        """The collection's name; a call on a missing one fails as NotFound. The server answers
        404 and local mode raises ValueError, so ask which it was instead of parsing text."""
        name = self.collection(version)
        try:
            yield name
        except (UnexpectedResponse, ValueError):
            if not self.client.collection_exists(name):
                raise NotFound(f"index version {version} does not exist") from None
            raise

    def create(self, version: str, dim: int) -> None:
        name = self.collection(version)
        if self.client.collection_exists(name):
            raise Conflict(f"index version {version} already exists")
        self.client.create_collection(name, **create_args(self.layout, dim))
        for field, schema in _INDEXES:
            self.client.create_payload_index(name, field, field_schema=schema, wait=True)

    def add(
        self,
        version: str,
        chunks: Sequence[Chunk],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
    ) -> None:
        if not len(chunks) == len(dense) == len(sparse):
            raise ValueError("chunks, dense and sparse must have the same length")
        with self._existing(version) as name:
            for start in range(0, len(chunks), BATCH):
                end = start + BATCH
                points = list(map(_point, chunks[start:end], dense[start:end], sparse[start:end]))
                self.client.upsert(name, points, wait=True)

    def finish(self, version: str) -> None:
        """Writes were acknowledged durable (`wait=True`); wait for the optimisers so the first
        queries on a promoted version do not hit unindexed segments."""
        deadline = time.monotonic() + OPTIMISE_TIMEOUT_S
        with self._existing(version) as name:
            while (status := self.client.get_collection(name).status) != _Status.GREEN:
                if status == _Status.RED:
                    raise IndexBuildError(f"optimising {name} failed; see the Qdrant server log")
                if status == _Status.GREY:  # pending but not started: an update starts them
                    self.client.update_collection(
                        name, optimizers_config=models.OptimizersConfigDiff()
                    )
                if time.monotonic() > deadline:
                    raise IndexBuildError(f"{name} still optimising after {OPTIMISE_TIMEOUT_S} s")
                time.sleep(POLL_S)

    def _search(
        self,
        version: str,
        query: list[float] | models.SparseVector,
        using: str,
        limit: int,
        filters: Filters | None,
    ) -> list[Hit]:
        with self._existing(version) as name:
            points = self.client.query_points(
                name,
                query=query,
                using=using,
                limit=limit,
                query_filter=qdrant_filter(conditions(filters)),
                search_params=self._dense_params if using == DENSE else None,
                with_payload=True,
                with_vectors=False,
            ).points
        return [
            Hit(from_payload(p.id, p.payload or {}), p.score, rank)
            for rank, p in enumerate(points, start=1)
        ]

    def search_dense(
        self, version: str, vector: np.ndarray, limit: int, filters: Filters | None = None
    ) -> list[Hit]:
        return self._search(version, vector.tolist(), DENSE, limit, filters)

    def search_sparse(
        self, version: str, vector: SparseVector, limit: int, filters: Filters | None = None
    ) -> list[Hit]:
        if not vector.indices:  # nothing can match: spare the server an empty query
            if not self.exists(version):
                raise NotFound(f"index version {version} does not exist")
            return []
        query = models.SparseVector(indices=list(vector.indices), values=list(vector.values))
        return self._search(version, query, SPARSE, limit, filters)

    def get(self, version: str, ids: Sequence[str]) -> list[Chunk]:
        """The chunks found, in the order asked; unknown ids are skipped."""
        check_ids(ids)
        with self._existing(version) as name:
            records = self.client.retrieve(name, list(ids), with_payload=True) if ids else []
        found = {str(r.id): from_payload(r.id, r.payload or {}) for r in records}
        return [found[i] for i in ids if i in found]

    def neighbours(self, version: str, source: str, positions: Sequence[int]) -> list[Chunk]:
        """Chunks of `source` at `positions`, in reading order."""
        wanted = sorted(set(positions))
        if not wanted:
            return []
        with self._existing(version) as name:
            records, _ = self.client.scroll(
                name,
                scroll_filter=qdrant_filter(neighbour_conditions(source, wanted)),
                limit=len(wanted),
                with_payload=True,
                with_vectors=False,
            )
        chunks = [from_payload(r.id, r.payload or {}) for r in records]
        return sorted(chunks, key=lambda c: c.position)

    def _records(self, version: str, vector: str, payload: bool) -> Iterator[Any]:
        """Every point of `version` with `vector` (and its payload), a page at a time."""
        offset: models.ExtendedPointId | None = None
        while True:
            with self._existing(version) as name:
                records, offset = self.client.scroll(
                    name, offset=offset, limit=PAGE, with_payload=payload, with_vectors=[vector]
                )
            yield from records
            if offset is None:
                return

    def count(self, version: str) -> int:
        with self._existing(version) as name:
            return self.client.count(name, exact=True).count

    def warm(self, version: str) -> int:
        """The server keeps its own caches warm; this only checks the collection is there."""
        return self.count(version)

    def exists(self, version: str) -> bool:
        return self.client.collection_exists(self.collection(version))

    def release(self, version: str) -> None:
        """Nothing is held per version."""

    def drop(self, version: str) -> None:
        """Delete the collection (and any alias on it); a missing version does nothing."""
        self.client.delete_collection(self.collection(version))

    def close(self) -> None:
        """The client is borrowed: see the class docstring."""

    def set_active_alias(self, version: str | None) -> None:
        """Point the alias at `version`'s collection (None: remove it) in ONE request, so a
        reader of the alias sees the old collection or the new one, never none."""
        delete = models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=self.alias))
        if version is None:
            self.client.update_collection_aliases(change_aliases_operations=[delete])
            return
        with self._existing(version) as name:
            create = models.CreateAlias(collection_name=name, alias_name=self.alias)
            self.client.update_collection_aliases(
                change_aliases_operations=[delete, models.CreateAliasOperation(create_alias=create)]
            )

    def alias_target(self) -> str | None:
        """The collection the alias points at now, if any."""
        aliases = self.client.get_aliases().aliases
        return next((a.collection_name for a in aliases if a.alias_name == self.alias), None)
