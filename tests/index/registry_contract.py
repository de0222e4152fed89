"""The VersionRegistry contract: the lifecycle every registry must keep, whatever stores it.

Mixed into one test class per registry (tests/index/test_registry.py: the JSON file;
tests/index/test_qdrant_registry.py: Qdrant), each providing the `registry` fixture.
"""

from __future__ import annotations

import os

import pytest

from core.errors import BadInput, Conflict, NotFound
from index.base import VersionRegistry
from index.versions import VersionStatus


def built(registry: VersionRegistry, chunks: int = 10) -> str:
    """A new version, built and ready."""
    version = registry.begin("minilm", "fp1").id
    registry.mark_ready(version, documents=2, chunks=chunks, report={"parsed": 2})
    return version


def status(registry: VersionRegistry) -> dict[str, VersionStatus]:
    return {r.id: r.status for r in registry.list()}


class RegistryContract:
    def test_build_promote_rollback(self, registry: VersionRegistry) -> None:
        assert registry.active() is None
        record = registry.begin("minilm", "fp1")
        expected = ("v1", VersionStatus.BUILDING, os.getpid())
        assert (record.id, record.status, record.pid) == expected
        assert record.created_at.endswith("+00:00")
        ready = registry.mark_ready("v1", documents=3, chunks=12, report={"parsed": 3})
        assert (ready.status, ready.documents, ready.chunks, ready.pid) == ("ready", 3, 12, None)
        assert registry.promote("v1").status is VersionStatus.ACTIVE
        v2 = built(registry)
        registry.promote(v2)
        assert status(registry) == {"v1": "retired", "v2": "active"}
        assert registry.rollback().id == "v1"
        assert status(registry) == {"v1": "active", "v2": "retired"}
        with pytest.raises(Conflict):  # one step only: v1 had no predecessor
            registry.rollback()

    def test_rollback_walks_the_history(self, registry: VersionRegistry) -> None:
        for _ in range(3):
            registry.promote(built(registry))
        assert registry.rollback().id == "v2"
        assert registry.rollback().id == "v1"
        registry.promote("v3")  # a retired version can come back
        assert registry.active().id == "v3"  # type: ignore[union-attr]
        assert registry.rollback().id == "v1"

    def test_rollback_without_history_conflicts(self, registry: VersionRegistry) -> None:
        with pytest.raises(Conflict):
            registry.rollback()
        registry.promote(built(registry))
        with pytest.raises(Conflict):
            registry.rollback()

    def test_promote_refuses_building_and_failed(self, registry: VersionRegistry) -> None:
        building = registry.begin("minilm", "fp1").id
        with pytest.raises(Conflict):
            registry.promote(building)
        registry.mark_failed(building, "disk full")
        with pytest.raises(Conflict):
            registry.promote(building)
        assert registry.get(building).error == "disk full"
        assert registry.active() is None

    def test_unknown_version_is_not_found(self, registry: VersionRegistry) -> None:
        for call in (
            lambda: registry.promote("v9"),
            lambda: registry.get("v9"),
            lambda: registry.mark_ready("v9", 1, 1, {}),
            lambda: registry.set_eval("v9", {}),
        ):
            with pytest.raises(NotFound):
                call()

    def test_wrong_transitions_conflict(self, registry: VersionRegistry) -> None:
        version = built(registry)
        with pytest.raises(Conflict):
            registry.mark_ready(version, 1, 1, {})
        registry.promote(version)
        with pytest.raises(Conflict):
            registry.mark_failed(version, "too late")

    def test_promote_active_is_a_no_op(self, registry: VersionRegistry) -> None:
        registry.promote(built(registry))
        stamp = registry.stamp()
        registry.promote("v1")
        assert registry.stamp() == stamp
        with pytest.raises(Conflict):
            registry.rollback()

    def test_stamp_changes_with_the_active_version(self, registry: VersionRegistry) -> None:
        seen = {registry.stamp()}
        v1, v2 = built(registry), built(registry)
        assert registry.stamp() in seen  # building versions do not disturb readers
        for step in (lambda: registry.promote(v1), lambda: registry.promote(v2), registry.rollback):
            step()
            assert registry.stamp() not in seen
            seen.add(registry.stamp())
        registry.set_eval(v1, {"recall@5": 0.9})
        assert registry.stamp() in seen
        assert registry.get(v1).eval == {"recall@5": 0.9}

    def test_retain_keeps_active_and_rollback_target(self, registry: VersionRegistry) -> None:
        for _ in range(5):
            registry.promote(built(registry))  # v5 active, v4 the rollback target
        failed = registry.begin("minilm", "fp1").id
        registry.mark_failed(failed, "boom")
        building = registry.begin("minilm", "fp1").id
        assert registry.retain(1) == ["v1", "v2", "v3"]
        assert set(status(registry)) == {"v4", "v5", failed, building}
        assert registry.retain(0) == [failed]
        assert registry.rollback().id == "v4"
        # v5 was rolled back from, v4 has no predecessor left: only v4 and the build remain.
        assert registry.retain(0) == ["v5"]
        assert set(status(registry)) == {"v4", building}
        with pytest.raises(BadInput):
            registry.retain(-1)
        assert registry.begin("minilm", "fp1").id == "v8"  # ids are never reused

    def test_rollback_to_a_version_further_back(self, registry: VersionRegistry) -> None:
        v1, v2, v3 = built(registry), built(registry), built(registry)
        for v in (v1, v2, v3):
            registry.promote(v)
        assert (registry.steps_back(v2), registry.steps_back(v1), registry.steps_back(v3)) == (
            1, 2, 0)
        assert registry.rollback_to(v1).id == v1
        assert status(registry) == {v1: VersionStatus.ACTIVE, v2: VersionStatus.RETIRED,
                                    v3: VersionStatus.RETIRED}
        with pytest.raises(Conflict):  # v2 and v3 served after v1: no longer in the history
            registry.rollback()
        with pytest.raises(Conflict, match="never active"):
            registry.rollback_to(v3)

    def test_delete_only_what_serves_nothing(self, registry: VersionRegistry) -> None:
        v1, v2 = built(registry), built(registry)
        registry.promote(v1)
        building = registry.begin("minilm", "fp1").id
        for serving in (v1, building):
            with pytest.raises(Conflict):
                registry.delete(serving)
        registry.promote(v2)
        assert registry.delete(v1).id == v1
        assert [r.id for r in registry.list()] == [v2, building]
        with pytest.raises(Conflict):
            registry.rollback()  # the deleted version left the history too

    def test_a_broken_serving_version_hands_over_to_the_previous(
        self, registry: VersionRegistry
    ) -> None:
        v1, v2, v3 = built(registry), built(registry), built(registry)
        registry.promote(v1)
        registry.promote(v2)
        registry.start_canary(v3, 10)
        registry.fail_serving(v3, "bad pages")
        assert registry.canary() is None and registry.get(v3).status is VersionStatus.FAILED
        stamp = registry.stamp()
        registry.fail_serving(v2, "bad pages")
        assert registry.active().id == v1  # type: ignore[union-attr]
        assert registry.get(v2).error == "bad pages" and registry.stamp() != stamp
        registry.fail_serving(v2, "again")  # a second report changes nothing
        assert registry.get(v2).error == "bad pages"
