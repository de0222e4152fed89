"""Which index backend serves, and how a version's collection is laid out on a Qdrant server or
cluster (lore/settings.py reads these as LORE_*; sizing in docs/deploy.md)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Quantization(StrEnum):
    NONE = "none"
    # int8 per dimension, kept in RAM beside the float32 originals (which may go on disk):
    # a quarter of the vector memory; the top candidates are rescored with the originals.
    INT8 = "int8"


class BackendSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Empty: embedded Qdrant Edge under LORE_HOME; a URL: a Qdrant server or cluster.
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    # The defaults survive the loss of any one node of a 3-node cluster: 3 shards (one per node
    # to start with), each on 2 nodes, and a write needs 1 acknowledgement, so writes and
    # reads go on while a node is down. A single server ignores replication.
    qdrant_shards: int = Field(default=3, ge=1)
    qdrant_replicas: int = Field(default=2, ge=1)
    qdrant_write_consistency: int = Field(default=1, ge=1)
    # float32 vectors in RAM (fastest) or memory-mapped from disk; payload (chunk text, ~60%
    # of a version's bytes) on disk by default: it is read only for the ~50 hits of a query.
    qdrant_on_disk_vectors: bool = False
    qdrant_on_disk_payload: bool = True
    # HNSW graph: Qdrant's defaults (m 16, ef_construct 100) reach ~0.99 recall@10 on 384-d
    # text embeddings; larger values trade build time and memory for recall.
    qdrant_hnsw_m: int = Field(default=16, ge=4)
    qdrant_hnsw_ef_construct: int = Field(default=100, ge=4)
    qdrant_quantization: Quantization = Quantization.NONE
    # With int8: fetch this many times the wanted hits by the quantized vectors, then rescore
    # them with the originals, which makes up the recall int8 alone loses.
    qdrant_oversampling: float = Field(default=2.0, ge=1.0)
