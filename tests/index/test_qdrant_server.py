"""Qdrant-server-only behaviour, on qdrant-client's local mode: the active alias and names."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from qdrant_client import QdrantClient

from core.errors import BadInput, NotFound
from index.bm25 import query_vector
from index.qdrant_registry import QdrantRegistry
from index.qdrant_server import QdrantServerStore

ALIAS = "lore_active"


class AliasCallLog(QdrantClient):
    """The real client, recording each alias request it sends (a spy, not a stand-in)."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.alias_requests: list[list[str]] = []

    def update_collection_aliases(
        self, change_aliases_operations: Sequence[Any], timeout: int | None = None, **kwargs: Any
    ) -> bool:
        self.alias_requests.append([type(op).__name__ for op in change_aliases_operations])
        return super().update_collection_aliases(change_aliases_operations, timeout, **kwargs)


@pytest.fixture
def client() -> Iterator[AliasCallLog]:
    c = AliasCallLog()
    yield c
    c.close()


@pytest.fixture
def store(client: AliasCallLog) -> QdrantServerStore:
    """Overrides conftest's backend-parametrized store: these tests are about Qdrant only."""
    return QdrantServerStore(client)


def add_v2(built) -> None:
    """v2: the first three chunks only, so a count tells the versions apart."""
    built.store.create("v2", built.dense.shape[1])
    built.store.add("v2", built.chunks[:3], built.dense[:3], [query_vector([])] * 3)
    built.store.finish("v2")


def test_switch_is_one_request_with_delete_and_create(fresh, client: AliasCallLog) -> None:
    add_v2(fresh)
    fresh.store.set_active_alias("v1")
    fresh.store.set_active_alias("v2")
    create = ["DeleteAliasOperation", "CreateAliasOperation"]
    assert client.alias_requests == [create, create]
    assert fresh.store.alias_target() == "lore_v2"
    assert client.count(ALIAS).count == 3


def test_readers_of_the_alias_never_miss_it(fresh, client: AliasCallLog) -> None:
    add_v2(fresh)
    fresh.store.set_active_alias("v1")
    seen: set[int] = set()
    errors: list[Exception] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.add(client.count(ALIAS).count)
            except Exception as e:  # a switch leaving the alias missing for a moment
                errors.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(200):
        fresh.store.set_active_alias(("v1", "v2")[i % 2])
    done.set()
    reader.join()
    assert errors == []
    assert seen <= {3, len(fresh.chunks)}


def test_alias_follows_promote_and_rollback(fresh, client: AliasCallLog) -> None:
    add_v2(fresh)
    registry = QdrantRegistry(client)
    for _ in range(2):
        version = registry.begin("minilm", "fp").id
        registry.mark_ready(version, 1, 1, {})
    registry.promote("v1")
    assert fresh.store.alias_target() == "lore_v1"
    assert client.count(ALIAS).count == len(fresh.chunks)
    registry.promote("v2")
    assert fresh.store.alias_target() == "lore_v2"
    assert client.count(ALIAS).count == 3
    registry.rollback()
    assert fresh.store.alias_target() == "lore_v1"
    requests = len(client.alias_requests)
    registry.set_eval("v1", {"recall@5": 1.0})  # the active version did not change
    assert len(client.alias_requests) == requests


def test_an_active_version_without_data_has_no_alias(fresh, client: AliasCallLog) -> None:
    registry = QdrantRegistry(client)
    registry.mark_ready(registry.begin("minilm", "fp").id, 1, 1, {})
    registry.promote("v1")
    assert fresh.store.alias_target() == "lore_v1"
    registry.mark_ready(registry.begin("minilm", "fp").id, 1, 1, {})
    registry.promote("v2")  # nothing was stored for v2: no alias beats a wrong one
    assert fresh.store.alias_target() is None


def test_alias_to_a_missing_version_is_refused(fresh) -> None:
    fresh.store.set_active_alias("v1")
    with pytest.raises(NotFound):
        fresh.store.set_active_alias("v9")
    assert fresh.store.alias_target() == "lore_v1"


def test_dropping_the_aliased_version_removes_the_alias(fresh) -> None:
    fresh.store.set_active_alias("v1")
    fresh.store.drop("v1")
    assert fresh.store.alias_target() is None
    fresh.store.set_active_alias(None)  # removing a missing alias is harmless


@pytest.mark.parametrize("name", ["active", "registry", "a/b", ""])
def test_names_the_store_uses_are_not_versions(store: QdrantServerStore, name: str) -> None:
    with pytest.raises(BadInput):
        store.create(name, 4)


def test_collections_are_named_by_prefix(client: AliasCallLog) -> None:
    one, two = QdrantServerStore(client, "one"), QdrantServerStore(client, "two")
    one.create("v1", 4)
    assert client.collection_exists("one_v1")
    assert one.exists("v1") and not two.exists("v1")


def test_wiring_picks_the_backend_from_the_url(tmp_path) -> None:
    from index.edge import EdgeStore
    from index.registry import Registry
    from lore.settings import Settings
    from lore.stores import open_registry, open_store

    # Nothing listens on port 1: building the client sends nothing that must succeed.
    remote = Settings.of(home=tmp_path / "home", qdrant_url="http://127.0.0.1:1")
    store, registry = open_store(remote), open_registry(remote)
    assert isinstance(store, QdrantServerStore) and isinstance(registry, QdrantRegistry)
    assert store.client is registry.client  # one client shared by both
    assert not (tmp_path / "home").exists()  # nothing is kept locally
    local = Settings.of(home=tmp_path / "home", qdrant_url=None)
    assert isinstance(open_store(local), EdgeStore)
    assert isinstance(open_registry(local), Registry)
