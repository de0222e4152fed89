"""A version created on the Qdrant server backend carries the configured cluster layout.

qdrant-client's local mode keeps a collection's vector parameters but not its sharding,
replication or quantization, so the create call's arguments are read where the client sends
them (a recording subclass of the real client; the collection is still created by local mode).
"""

from __future__ import annotations

from typing import Any

import pytest
from qdrant_client import QdrantClient, models

from index.base import DENSE, SPARSE
from index.bm25 import index_terms, query_vector
from index.config import BackendSettings, Quantization
from index.qdrant_server import QdrantServerStore
from lore.settings import Settings
from tests.index.conftest import build

NODES = 3  # the cluster the defaults are meant for (docker-compose.yml, profile "cluster")


class CreateCallLog(QdrantClient):
    """The real local-mode client, keeping the arguments of each create_collection call."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.created: dict[str, dict[str, Any]] = {}

    def create_collection(self, collection_name: str, **kwargs: Any) -> bool:  # type: ignore[override]
        self.created[collection_name] = kwargs
        return super().create_collection(collection_name, **kwargs)


@pytest.fixture
def client() -> CreateCallLog:
    return CreateCallLog()


def test_the_defaults_survive_the_loss_of_one_node_of_three(client: CreateCallLog) -> None:
    store = QdrantServerStore(client)
    built = build(store)
    sent = client.created[store.collection(built.version)]
    replicas, acks = sent["replication_factor"], sent["write_consistency_factor"]
    assert replicas >= 2 and replicas <= NODES  # every shard has a copy on another node
    assert acks <= replicas - 1  # writes go on with one replica down
    assert sent["shard_number"] == NODES and sent["on_disk_payload"] is True
    assert sent["quantization_config"] is None
    info = client.get_collection(store.collection(built.version)).config.params
    assert info.vectors[DENSE].on_disk is False  # type: ignore[index]
    assert info.sparse_vectors[SPARSE].modifier == models.Modifier.IDF  # type: ignore[index]


def test_a_configured_layout_reaches_the_collection(client: CreateCallLog) -> None:
    settings = Settings.of(qdrant_shards=6, qdrant_replicas=3, qdrant_write_consistency=2,
                           qdrant_on_disk_vectors=True, qdrant_on_disk_payload=False,
                           qdrant_hnsw_m=32, qdrant_hnsw_ef_construct=200,
                           qdrant_quantization="int8", qdrant_oversampling=3.0)
    store = QdrantServerStore(client, layout=settings.backend)
    built = build(store)
    sent = client.created[store.collection(built.version)]
    assert (sent["shard_number"], sent["replication_factor"],
            sent["write_consistency_factor"], sent["on_disk_payload"]) == (6, 3, 2, False)
    assert (sent["hnsw_config"].m, sent["hnsw_config"].ef_construct) == (32, 200)
    scalar = sent["quantization_config"].scalar
    assert scalar.type == models.ScalarType.INT8 and scalar.always_ram is True
    assert sent["sparse_vectors_config"][SPARSE].index.on_disk is True
    info = client.get_collection(store.collection(built.version)).config.params
    assert info.vectors[DENSE].on_disk is True  # type: ignore[index]
    # Searches on the quantized version still answer, dense and BM25 alike.
    hit = store.search_dense(built.version, built.dense[3], 1)[0]
    assert hit.chunk.id == built.chunks[3].id
    words = query_vector(index_terms(built.chunks[3].text))
    assert built.chunks[3].id in [h.chunk.id for h in store.search_sparse(built.version, words, 5)]


def test_int8_searches_rescore_with_oversampling() -> None:
    from index.qdrant_layout import search_params

    assert search_params(BackendSettings()) is None
    params = search_params(BackendSettings(qdrant_quantization=Quantization.INT8,
                                           qdrant_oversampling=2.5))
    assert params is not None and params.quantization is not None
    assert (params.quantization.rescore, params.quantization.oversampling) == (True, 2.5)


def test_settings_read_the_layout_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LORE_QDRANT_SHARDS", "12")
    monkeypatch.setenv("LORE_QDRANT_QUANTIZATION", "int8")
    backend = Settings().backend
    assert (backend.qdrant_shards, backend.qdrant_quantization) == (12, Quantization.INT8)
    assert backend.qdrant_oversampling == 2.0
