"""The file-backed version registry: lifecycle, rollback, reaping, retention, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from index.base import VersionRegistry
from index.registry import Registry
from index.versions import VersionStatus
from tests.index.registry_contract import RegistryContract

# Spawned children start clean: forking a test process that holds Edge shard threads is unsafe.
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def registry(tmp_path: Path) -> VersionRegistry:
    return Registry(tmp_path / "home")


class TestFileRegistry(RegistryContract):
    """The lifecycle contract on the JSON file registry."""


def test_reap_fails_versions_whose_builder_died(registry: VersionRegistry) -> None:
    child = SPAWN.Process(target=registry.begin, args=("minilm", "fp1"))
    child.start()
    child.join()
    mine = registry.begin("minilm", "fp1").id  # this process is alive: left alone
    assert registry.get("v1").pid == child.pid
    assert registry.reap() == ["v1"]
    assert registry.get("v1").status is VersionStatus.FAILED
    assert registry.get("v1").error == "interrupted"
    assert registry.get(mine).status is VersionStatus.BUILDING
    assert registry.reap() == []


def test_concurrent_processes_get_distinct_ids(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "home")
    with ProcessPoolExecutor(max_workers=4, mp_context=SPAWN) as pool:
        futures = [pool.submit(registry.begin, "minilm", f"fp{i}") for i in range(40)]
        ids = [f.result().id for f in futures]
    assert sorted(ids) == sorted(f"v{i}" for i in range(1, 41))
    assert len(registry.list()) == 40


def test_file_is_never_half_written(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "home")
    registry.begin("minilm", "fp")
    with ProcessPoolExecutor(max_workers=3, mp_context=SPAWN) as pool:
        result = {"pad": "x" * 5000}  # big enough that a non-atomic write could be seen torn
        futures = [pool.submit(registry.set_eval, "v1", {**result, "n": i}) for i in range(60)]
        reads = 0
        while not all(f.done() for f in futures) or reads < 200:
            data = json.loads(registry.path.read_text())  # a torn file would not parse
            assert [r["id"] for r in data["versions"]] == ["v1"]
            reads += 1
        for f in futures:
            f.result()
    assert set(os.listdir(registry.home)) == {"registry.json", "registry.lock"}  # no temp left
    assert registry.get("v1").eval is not None
