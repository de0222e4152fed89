"""Which version serves: re-read from the registry at most every `interval` seconds.

Promote and rollback may happen in another process (`lore promote`), so the API polls the
registry's stamp instead of waiting to be told. A request keeps the version it started with;
the store keeps older shards open, so a swap never fails a request in flight.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from index.base import VersionRegistry
from lore.errors import NotReady

NO_ACTIVE = "no active index version yet: run `lore ingest PATH --promote` (or `lore promote ID`)"


class ActiveVersion:
    def __init__(
        self,
        registry: VersionRegistry,
        interval: float,
        warm: Callable[[str], Any] = lambda v: None,
    ) -> None:
        self._registry = registry
        self._interval = interval
        self._warm = warm  # open a version's index before it takes traffic
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp: str | None = None
        self._version: str | None = None

    def current(self) -> str:
        if time.monotonic() - self._checked >= self._interval:
            self.refresh()
        if self._version is None:
            raise NotReady(NO_ACTIVE)
        return self._version

    def peek(self) -> str | None:
        """The serving version without raising (health and readiness probes)."""
        try:
            return self.current()
        except NotReady:
            return None

    def refresh(self) -> None:
        with self._lock:
            self._checked = time.monotonic()
            stamp = self._registry.stamp()
            if stamp == self._stamp:
                return
            record = self._registry.active()
            if record is not None:
                self._warm(record.id)
            self._version, self._stamp = (record.id if record else None), stamp
