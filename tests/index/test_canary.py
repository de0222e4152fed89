"""Canary state in the registry: start, finish by promote, end by rollback, kept by retention."""

from __future__ import annotations

import pytest

from core.errors import BadInput, Conflict
from index.registry import Registry


def ready(registry: Registry) -> str:
    record = registry.begin("m", "fp")
    registry.mark_ready(record.id, 1, 1, {})
    return record.id


@pytest.fixture
def registry(tmp_path) -> Registry:
    reg = Registry(tmp_path)
    reg.promote(ready(reg))
    return reg


def test_canary_runs_beside_the_active_version(registry):
    v2 = ready(registry)
    before = registry.stamp()
    registry.start_canary(v2, 10)
    assert registry.canary() == (v2, 10) and registry.active().id == "v1"
    assert registry.stamp() != before  # API replicas pick the split up


def test_promote_finishes_and_rollback_ends_the_rollout(registry):
    v2 = ready(registry)
    registry.start_canary(v2, 10)
    registry.rollback()
    assert registry.canary() is None and registry.active().id == "v1"
    registry.start_canary(v2, 50)
    registry.promote(v2)
    assert registry.canary() is None and registry.active().id == v2
    registry.rollback()  # no canary now: a normal one-step rollback
    assert registry.active().id == "v1"


def test_bad_canaries_are_refused(registry):
    v2 = ready(registry)
    with pytest.raises(BadInput, match="1 to 99"):
        registry.start_canary(v2, 100)
    with pytest.raises(Conflict, match="active"):
        registry.start_canary("v1", 10)
    building = registry.begin("m", "fp").id
    with pytest.raises(Conflict, match="building"):
        registry.start_canary(building, 10)


def test_first_version_cannot_be_a_canary(tmp_path):
    reg = Registry(tmp_path)
    with pytest.raises(Conflict, match="promote the first one fully"):
        reg.start_canary(ready(reg), 10)


def test_retention_keeps_the_canary(registry):
    canary = ready(registry)
    registry.start_canary(canary, 10)
    for _ in range(4):
        ready(registry)
    gone = registry.retain(1)
    assert canary not in gone and "v1" not in gone
    assert {r.id for r in registry.list()} >= {"v1", canary}
