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

from core.errors import NotFound, NotReady, VersionBroken
from core.files import poll
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


@dataclass(frozen=True)
class Degraded:
    """A version taken out of serving because its data cannot be read; `/readyz` says so
    while its fallback serves."""

    version: str
    reason: str
    fallback: str | None


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
        self._read = threading.Event()  # set once the registry was read a first time
        self.degraded: Degraded | None = None

    def serving(self) -> Serving:
        if not self._read.is_set():  # nothing to go on with yet: wait for the first read
            with self._lock:
                if not self._read.is_set():
                    self._refresh()
                    self._read.set()
            return self._serving
        # One request polls (and warms a new version, which can take a second on a large
        # index); the requests meanwhile go on with the version being served.
        poll(self._lock, time.monotonic() - self._checked >= self._interval, self._refresh)
        return self._serving

    def current(self, key: str | None = None) -> str:
        """The stable version, or the canary for the share of keys routed to it."""
        s = self.serving()
        if s.stable is None:
            raise NotReady(self.not_ready_reason())
        if s.canary is not None and to_canary(key, s.percent):
            return s.canary
        return s.stable

    def not_ready_reason(self) -> str:
        if self.degraded is None:
            return NO_ACTIVE
        d = self.degraded
        return (f"no index version can serve: {d.version} cannot be read ({d.reason}) and no "
                "earlier version is left to fall back to; rebuild with `lore ingest PATH "
                "--promote`")

    def peek(self) -> str | None:
        """The stable version without raising (health and readiness probes)."""
        return self.serving().stable

    def report_broken(self, version: str, reason: str) -> None:
        """A query found `version` unreadable: it stops serving here and everywhere."""
        with self._lock:
            self._retire(version, reason)
            self._refresh()

    def _retire(self, version: str, reason: str) -> None:
        log.error("index version %s cannot be read (%s): marked failed", version, reason)
        self._registry.fail_serving(version, reason)
        active = self._registry.active()
        self.degraded = Degraded(version, reason, active.id if active else None)

    def _warmed(self, version: str) -> bool:
        try:
            self._warm(version)
        except (VersionBroken, NotFound) as exc:  # its data is gone or damaged for good
            self._retire(version, str(exc))
            return False
        except Exception:  # a server that is away: keep what serves, try again next poll
            log.exception("cannot open index version %s; still serving %s", version,
                          self._serving.stable)
            return False
        return True

    def refresh(self) -> None:
        with self._lock:
            self._refresh()
            self._read.set()

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        stamp = self._registry.stamp()
        if stamp == self._stamp:
            return
        active, canary = self._registry.active(), self._registry.canary()
        for version in (active.id if active else None, canary[0] if canary else None):
            if version is not None and not self._warmed(version):
                if self._registry.stamp() != stamp:  # retired: the fallback takes over now
                    self._refresh()
                return  # keep serving what works; the next poll tries again
        if self.degraded and self.degraded.fallback != (active.id if active else None):
            self.degraded = None  # a new promotion replaced the fallback
        before = self._serving
        self._serving = Serving(active.id if active else None, *(canary if canary else (None, 0)))
        self._stamp = stamp
        serving = {self._serving.stable, self._serving.canary}
        for version in (before.stable, before.canary):
            if version is not None and version not in serving:
                self._release(version)
