"""Which version serves: re-read from the registry at most every `interval` seconds.

Promote, canary and rollback may happen in another process (`lore promote`), so the API polls
the registry's stamp instead of waiting to be told. A request keeps the version it started
with; the store keeps older shards open, so a swap never fails a request in flight.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import NotReady
from index.base import VersionRegistry

log = logging.getLogger("lore.active")
NO_ACTIVE = "no active index version yet: run `lore ingest PATH --promote` (or `lore promote ID`)"


def to_canary(key: str | None, percent: int) -> bool:
    """Sticky split: a key always lands on the same side; no key, a fresh draw per request."""
    if key is None:
        return random.random() * 100 < percent
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % 100
    return bucket < percent


@dataclass(frozen=True)
class Serving:
    stable: str | None = None
    canary: str | None = None
    percent: int = 0


class ActiveVersion:
    def __init__(
        self, registry: VersionRegistry, interval: float,
        warm: Callable[[str], Any] = lambda v: None,
        release: Callable[[str], Any] = lambda v: None,
    ) -> None:
        self._registry = registry
        self._interval = interval
        self._warm = warm  # open a version's index before it takes traffic
        self._release = release  # let go of one that no longer does (in-flight ones finish)
        self._lock = threading.Lock()
        self._checked = float("-inf")  # the first call always reads the registry
        self._stamp: str | None = None
        self._serving = Serving()

    def serving(self) -> Serving:
        due = time.monotonic() - self._checked >= self._interval
        # One request polls (and warms a new version, which can take a second on a large
        # index); the requests meanwhile go on with the version being served, never queue.
        if due and self._lock.acquire(blocking=False):
            try:
                self._refresh()
            finally:
                self._lock.release()
        return self._serving

    def current(self, key: str | None = None) -> str:
        """The stable version, or the canary for the share of keys routed to it."""
        s = self.serving()
        if s.stable is None:
            raise NotReady(NO_ACTIVE)
        if s.canary is not None and to_canary(key, s.percent):
            return s.canary
        return s.stable

    def peek(self) -> str | None:
        """The stable version without raising (health and readiness probes)."""
        return self.serving().stable

    def _warmed(self, version: str) -> bool:
        try:
            self._warm(version)
        except Exception:  # a missing or broken index must not take the old version down
            log.exception("cannot open index version %s; still serving %s", version,
                          self._serving.stable)
            return False
        return True

    def refresh(self) -> None:
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        stamp = self._registry.stamp()
        if stamp == self._stamp:
            return
        active, canary = self._registry.active(), self._registry.canary()
        for version in (active.id if active else None, canary[0] if canary else None):
            if version is not None and not self._warmed(version):
                return  # keep serving what works; the next poll tries again
        before = self._serving
        self._serving = Serving(active.id if active else None, *(canary if canary else (None, 0)))
        self._stamp = stamp
        serving = {self._serving.stable, self._serving.canary}
        for version in (before.stable, before.canary):
            if version is not None and version not in serving:
                self._release(version)
