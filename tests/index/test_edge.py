"""Edge-only behaviour: versions survive reopening and several processes read one version."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.edge import EdgeStore

REPO = Path(__file__).resolve().parents[2]  # the child imports `index` from here


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EdgeStore]:
    """Overrides conftest's backend-parametrized store: these tests are about Edge only."""
    s = EdgeStore(tmp_path / "edge")
    yield s
    s.close()


def test_finished_version_survives_reopening(fresh) -> None:
    root = fresh.store.root
    fresh.store.close()
    again = EdgeStore(root)
    assert again.count("v1") == len(fresh.chunks)
    assert again.search_dense("v1", fresh.dense[4], 1)[0].chunk == fresh.chunks[4]
    again.close()


def test_two_stores_read_one_version_at_once(fresh) -> None:
    """API replicas and the CLI open the same version: Edge must not lock it to one opener."""
    fresh.store.count("v1")  # holds the shard open
    other = EdgeStore(fresh.store.root)
    assert other.count("v1") == len(fresh.chunks)
    root = str(fresh.store.root)
    code = f"from index.edge import EdgeStore; print(EdgeStore({root!r}).count('v1'))"
    child = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert child.stdout.strip() == str(len(fresh.chunks))
    assert fresh.store.count("v1") == len(fresh.chunks)
    other.close()
