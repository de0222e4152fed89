"""The registry kept in Qdrant (qdrant-client local mode): the file registry's lifecycle cases,
compare-and-set, per-host reaping, and several API processes agreeing on the active version."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from index import versions as lifecycle
from index.qdrant_registry import QdrantRegistry, Snapshot
from index.qdrant_server import QdrantServerStore
from index.versions import VersionStatus
from tests.index.registry_contract import RegistryContract

REPO = Path(__file__).resolve().parents[2]  # the child process imports `index` from here


@pytest.fixture
def client() -> Iterator[QdrantClient]:
    c = QdrantClient(":memory:")
    yield c
    c.close()


@pytest.fixture
def registry(client: QdrantClient) -> QdrantRegistry:
    return QdrantRegistry(client)


class TestQdrantRegistry(RegistryContract):
    """The lifecycle contract on the registry kept in Qdrant."""


def ready(registry: QdrantRegistry) -> str:
    version = registry.begin("minilm", "fp").id
    registry.mark_ready(version, 1, 1, {})
    return version


def dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


def begin_as(registry: QdrantRegistry, pid: int) -> str:
    """A build recorded for `pid` on registry.host, through the registry's own write path."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    step = lambda s: lifecycle.begin(s.state, "minilm", "fp", pid, now)  # noqa: E731
    return registry._change_snapshot(step, claim=True).id


def test_reading_an_empty_store_writes_nothing(registry: QdrantRegistry, client) -> None:
    assert registry.active() is None and registry.list() == [] and registry.stamp() == "0:-:-"
    assert not client.collection_exists("lore_registry")


def test_builds_record_their_host(registry: QdrantRegistry) -> None:
    version = registry.begin("minilm", "fp").id
    assert registry.hosts() == {version: registry.host}
    registry.mark_ready(version, 1, 1, {})
    assert registry.hosts() == {}  # only builds in progress need one


def test_reap_checks_only_this_hosts_builders(client: QdrantClient) -> None:
    here, there = QdrantRegistry(client), QdrantRegistry(client)
    there.host = "another-host"  # a builder elsewhere: its pid means nothing here
    pid = dead_pid()
    remote, local = begin_as(there, pid), begin_as(here, pid)
    mine = here.begin("minilm", "fp").id  # this process is alive: left alone
    assert here.reap() == [local]
    assert here.get(local).status is VersionStatus.FAILED
    assert here.get(local).error == "interrupted"
    assert here.get(remote).status is VersionStatus.BUILDING
    assert here.get(mine).status is VersionStatus.BUILDING
    assert there.hosts() == {remote: "another-host", mine: here.host}


def test_a_stale_write_is_refused(registry: QdrantRegistry, client: QdrantClient) -> None:
    registry.begin("minilm", "fp")
    stale = registry._load(strong=True)
    QdrantRegistry(client).begin("minilm", "fp")  # another replica writes first: v2
    lost = lifecycle.begin(stale.state, "minilm", "fp", os.getpid(), "now")[0]
    assert not registry._commit(stale, lost, {})
    assert [r.id for r in registry.list()] == ["v1", "v2"]  # v2 kept, not overwritten


def test_the_first_write_only_inserts(registry: QdrantRegistry, client: QdrantClient) -> None:
    registry.begin("minilm", "fp")  # the first writer creates the point
    empty = Snapshot()
    late = lifecycle.begin(empty.state, "other", "fp", os.getpid(), "now")[0]
    assert not QdrantRegistry(client)._commit(empty, late, {})
    assert [r.embedding_model for r in registry.list()] == ["minilm"]


def test_writers_retry_past_a_lost_race(client: QdrantClient) -> None:
    a, b = QdrantRegistry(client), QdrantRegistry(client)
    a.begin("minilm", "fp")
    calls = 0

    def step(s: Snapshot) -> lifecycle.Step:
        nonlocal calls
        calls += 1
        if calls == 1:  # b commits between a's read and a's write
            b.begin("minilm", "fp")
        return lifecycle.set_eval(s.state, "v1", {"n": calls})

    assert a._change_snapshot(step).eval == {"n": 2}
    assert [r.id for r in b.list()] == ["v1", "v2"] and b.get("v1").eval == {"n": 2}


def test_api_replicas_agree_on_the_active_version(client: QdrantClient) -> None:
    cli, api1, api2 = (QdrantRegistry(client) for _ in range(3))
    v1, v2 = ready(cli), ready(cli)
    api1.promote(v1)
    assert cli.active().id == api2.active().id == v1  # type: ignore[union-attr]
    api2.promote(v2)
    assert {r.stamp() for r in (cli, api1, api2)} == {api2.stamp()}
    assert api1.active().id == v2  # type: ignore[union-attr]
    api1.rollback()
    assert cli.active().id == api2.active().id == v1  # type: ignore[union-attr]


CHILD = """
import sys
from qdrant_client import QdrantClient
from index.qdrant_registry import QdrantRegistry
client = QdrantClient(path=sys.argv[1])
registry = QdrantRegistry(client)
print(registry.active().id)
registry.promote(sys.argv[2])
client.close()
"""


def test_another_process_sees_and_changes_the_active_version(tmp_path: Path) -> None:
    """Local mode locks its folder to one client, so the processes take turns."""
    path = str(tmp_path / "qdrant")
    client = QdrantClient(path=path)
    store, registry = QdrantServerStore(client), QdrantRegistry(client)
    for version in (ready(registry), ready(registry)):
        store.create(version, 4)
    registry.promote("v1")
    client.close()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, path, "v2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == "v1"
    client = QdrantClient(path=path)
    assert QdrantRegistry(client).active().id == "v2"  # type: ignore[union-attr]
    assert QdrantServerStore(client).alias_target() == "lore_v2"
    client.close()
