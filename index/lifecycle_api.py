"""The public registry methods, shared by every registry as pure steps over its state.

A registry only supplies `_change` (apply a step atomically) and `_state` (read); the JSON file
registry and the Qdrant registry then behave identically by construction.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from index import versions as lifecycle
from index.versions import RegistryState, VersionRecord

StateStep = Callable[[RegistryState], lifecycle.Step]


class LifecycleMethods:
    def _change(self, step: StateStep, claim: bool = False) -> Any:
        """Apply `step` atomically; `claim`: the result is a version this process builds."""
        raise NotImplementedError

    def _state(self) -> RegistryState:
        raise NotImplementedError

    def begin(self, embedding_model: str, fingerprint: str) -> VersionRecord:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        pid = os.getpid()
        step: StateStep = lambda s: lifecycle.begin(s, embedding_model, fingerprint, pid, now)  # noqa: E731
        return self._change(step, claim=True)

    def mark_ready(
        self, version: str, documents: int, chunks: int, report: dict[str, Any]
    ) -> VersionRecord:
        return self._change(lambda s: lifecycle.mark_ready(s, version, documents, chunks, report))

    def mark_failed(self, version: str, error: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.mark_failed(s, version, error))

    def promote(self, version: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.promote(s, version))

    def start_canary(self, version: str, percent: int) -> VersionRecord:
        return self._change(lambda s: lifecycle.start_canary(s, version, percent))

    def rollback(self) -> VersionRecord:
        return self._change(lifecycle.rollback)

    def rollback_to(self, version: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.rollback_to(s, version))

    def steps_back(self, version: str) -> int:
        return lifecycle.steps_back(self._state(), version)

    def delete(self, version: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.delete(s, version))

    def fail_serving(self, version: str, error: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.fail_serving(s, version, error))

    def retain(self, keep: int) -> builtins.list[str]:
        return self._change(lambda s: lifecycle.retain(s, keep))

    def set_eval(self, version: str, result: dict[str, Any]) -> VersionRecord:
        return self._change(lambda s: lifecycle.set_eval(s, version, result))

    def active(self) -> VersionRecord | None:
        return self._state().active()

    def canary(self) -> tuple[str, int] | None:
        """(candidate version, percent of traffic) while a canary rollout runs."""
        state = self._state()
        return (state.canary, state.canary_percent) if state.canary else None

    def get(self, version: str) -> VersionRecord:
        return self._state().find(version)

    def list(self) -> builtins.list[VersionRecord]:
        return builtins.list(self._state().versions)

    def stamp(self) -> str:
        """Changes whenever what serves changes (API replicas poll it to hot-swap)."""
        state = self._state()
        active = state.active()
        return f"{state.epoch}:{active.id if active else '-'}:{state.canary or '-'}"
