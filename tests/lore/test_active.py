"""Routing between the stable version and a canary, on a real registry."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from core.errors import NotReady
from index.active import ActiveVersion, to_canary
from index.registry import Registry


def ready(registry: Registry) -> str:
    record = registry.begin("m", "fp")
    registry.mark_ready(record.id, 1, 1, {})
    return record.id


def test_split_is_within_tolerance_and_sticky(tmp_path):
    registry = Registry(tmp_path)
    registry.promote(ready(registry))
    registry.start_canary(ready(registry), 10)
    active = ActiveVersion(registry, interval=0.0)
    served = Counter(active.current(f"conversation-{i}") for i in range(600))
    assert 0.06 <= served["v2"] / 600 <= 0.14  # 10% +- 4 points: binomial sd is 1.2 points
    sticky = {active.current("conversation-7") for _ in range(50)}
    assert len(sticky) == 1


def test_split_without_a_key_is_random_but_proportional():
    hits = sum(to_canary(None, 30) for _ in range(2000))
    assert 0.25 <= hits / 2000 <= 0.35


def test_swaps_follow_the_registry_and_warm_the_new_version(tmp_path):
    registry = Registry(tmp_path)
    warmed: list[str] = []
    active = ActiveVersion(registry, interval=0.0, warm=warmed.append)
    with pytest.raises(NotReady, match="lore ingest"):
        active.current()
    registry.promote(ready(registry))
    assert active.current() == "v1" and warmed == ["v1"]
    registry.start_canary(ready(registry), 50)
    assert active.serving().canary == "v2" and "v2" in warmed
    registry.rollback()
    assert {active.current(str(i)) for i in range(100)} == {"v1"}


def test_polling_interval_caches_the_answer(tmp_path):
    registry = Registry(tmp_path)
    registry.promote(ready(registry))
    active = ActiveVersion(registry, interval=3600.0)
    assert active.current() == "v1"
    registry.promote(ready(registry))
    assert active.current() == "v1"  # not re-read yet
    active.refresh()
    assert active.current() == "v2"


def test_a_version_that_cannot_be_opened_does_not_replace_the_working_one(tmp_path):
    registry = Registry(tmp_path)
    registry.promote(ready(registry))
    broken = ready(registry)

    def warm(version: str) -> None:
        if version == broken:
            raise FileNotFoundError(f"no shard for {version}")

    active = ActiveVersion(registry, interval=0.0, warm=warm)
    assert active.current() == "v1"
    registry.promote(broken)
    assert active.current() == "v1"  # still serving the one that opens


def test_versions_no_longer_served_are_released(tmp_path):
    registry = Registry(tmp_path)
    registry.promote(ready(registry))
    released: list[str] = []
    active = ActiveVersion(registry, interval=0.0, release=released.append)
    assert active.current() == "v1" and released == []
    registry.start_canary(ready(registry), 10)
    active.refresh()
    assert released == []  # v1 still stable, v2 now canary: both serve
    registry.promote("v2")
    active.refresh()
    assert released == ["v1"]


def test_requests_do_not_wait_while_a_new_version_warms(tmp_path):
    registry = Registry(tmp_path)
    registry.promote(ready(registry))
    warming, release = threading.Event(), threading.Event()

    def slow_warm(version: str) -> None:
        if version == "v2":
            warming.set()
            release.wait(10)

    active = ActiveVersion(registry, interval=0.0, warm=slow_warm)
    assert active.current() == "v1"
    registry.promote(ready(registry))
    poller = threading.Thread(target=active.current)
    poller.start()
    assert warming.wait(10)
    assert active.current() == "v1"  # answered at once, from the version being served
    release.set()
    poller.join(10)
    assert active.current() == "v2"


def test_requests_before_the_first_read_wait_for_it(tmp_path):
    """At start-up a request that finds another one reading (and warming) the first version
    waits for it instead of being told nothing is promoted."""
    registry = Registry(tmp_path)
    registry.promote(ready(registry))
    warming, warmed = threading.Event(), threading.Event()

    def warm(version: str) -> None:
        warming.set()
        warmed.wait(30)

    active = ActiveVersion(registry, interval=0.0, warm=warm)
    got: list[str | Exception] = []

    def ask() -> None:
        try:
            got.append(active.current())
        except NotReady as exc:
            got.append(exc)

    first = threading.Thread(target=ask)
    first.start()
    assert warming.wait(30)
    second = threading.Thread(target=ask)
    second.start()
    second.join(0.5)
    assert got == []  # the second request waits behind the first read
    warmed.set()
    first.join(30)
    second.join(30)
    assert got == ["v1", "v1"]
