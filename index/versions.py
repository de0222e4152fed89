"""Version records and their lifecycle as pure state transitions, whatever stores them.

building -> ready -> active -> retired (-> active again); building/ready -> failed.
`history` is the stack of formerly active ids that `rollback` walks back through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from core.errors import BadInput, Conflict, NotFound


class VersionStatus(StrEnum):
    BUILDING = "building"
    READY = "ready"
    ACTIVE = "active"
    FAILED = "failed"
    RETIRED = "retired"


@dataclass(frozen=True)
class VersionRecord:
    id: str
    created_at: str  # ISO 8601, UTC
    status: VersionStatus
    embedding_model: str
    fingerprint: str
    documents: int = 0
    chunks: int = 0
    report: dict[str, Any] = field(default_factory=dict)
    eval: dict[str, Any] | None = None
    pid: int | None = None  # the builder's, while building
    error: str | None = None


@dataclass(frozen=True)
class RegistryState:
    versions: tuple[VersionRecord, ...] = ()  # oldest first
    history: tuple[str, ...] = ()  # formerly active ids, latest last
    next_id: int = 1  # ids are never reused: shard directories and caches are named by them
    epoch: int = 0  # bumped whenever what serves changes (active version or canary)
    canary: str | None = None  # a candidate taking `canary_percent` of the traffic
    canary_percent: int = 0

    def find(self, version: str) -> VersionRecord:
        for record in self.versions:
            if record.id == version:
                return record
        raise NotFound(f"no index version {version!r}; see `lore versions`")

    def active(self) -> VersionRecord | None:
        return next((r for r in self.versions if r.status is VersionStatus.ACTIVE), None)


Step = tuple[RegistryState, Any]


def _put(state: RegistryState, *records: VersionRecord) -> RegistryState:
    new = {r.id: r for r in records}
    return replace(state, versions=tuple(new.get(r.id, r) for r in state.versions))


def begin(state: RegistryState, embedding_model: str, fingerprint: str, pid: int, now: str) -> Step:
    record = VersionRecord(
        f"v{state.next_id}", now, VersionStatus.BUILDING, embedding_model, fingerprint, pid=pid
    )
    return replace(state, versions=(*state.versions, record), next_id=state.next_id + 1), record


def _expect(record: VersionRecord, *allowed: VersionStatus, action: str) -> None:
    if record.status not in allowed:
        wanted = " or ".join(allowed)
        raise Conflict(f"cannot {action} version {record.id}: it is {record.status}, not {wanted}")


def mark_ready(
    state: RegistryState, version: str, documents: int, chunks: int, report: dict[str, Any]
) -> Step:
    record = state.find(version)
    _expect(record, VersionStatus.BUILDING, action="mark ready")
    ready = replace(
        record,
        status=VersionStatus.READY,
        documents=documents,
        chunks=chunks,
        report=report,
        pid=None,
    )
    return _put(state, ready), ready


def mark_failed(state: RegistryState, version: str, error: str) -> Step:
    record = state.find(version)
    _expect(record, VersionStatus.BUILDING, VersionStatus.READY, action="fail")
    failed = replace(record, status=VersionStatus.FAILED, error=error, pid=None)
    return _put(state, failed), failed


def promote(state: RegistryState, version: str) -> Step:
    record = state.find(version)
    if record.status is VersionStatus.ACTIVE:
        return state, record
    _expect(record, VersionStatus.READY, VersionStatus.RETIRED, action="promote")
    return _activate(state, record, push=True)


def start_canary(state: RegistryState, version: str, percent: int) -> Step:
    if not 1 <= percent <= 99:
        raise BadInput(f"canary percent must be from 1 to 99, got {percent}")
    record = state.find(version)
    _expect(record, VersionStatus.READY, VersionStatus.RETIRED, action="canary")
    if state.active() is None:
        raise Conflict("no active version to share traffic with: promote the first one fully")
    return replace(state, canary=version, canary_percent=percent, epoch=state.epoch + 1), record


def rollback(state: RegistryState) -> Step:
    """Ends a running canary first (the stable version takes all traffic again)."""
    current = state.active()
    if state.canary and current is not None:
        return replace(state, canary=None, canary_percent=0, epoch=state.epoch + 1), current
    if not state.history:
        raise Conflict("no previously active version to roll back to")
    previous = state.find(state.history[-1])
    return _activate(replace(state, history=state.history[:-1]), previous, push=False)


def rollback_to(state: RegistryState, version: str) -> Step:
    """Back to a formerly active `version`, however far back: the versions active after it
    leave the history."""
    if version not in state.history:
        raise Conflict(f"{version} was never active before the current version: promote it "
                       "instead (`lore promote`)")
    keep = state.history[: len(state.history) - 1 - state.history[::-1].index(version)]
    return _activate(replace(state, history=keep), state.find(version), push=False)


def steps_back(state: RegistryState, version: str) -> int:
    """How far back in the history `version` lies (1: the previous one; 0: not in it)."""
    if version not in state.history:
        return 0
    return state.history[::-1].index(version) + 1


def check_deletable(record: VersionRecord, canary: str | None) -> None:
    """Conflict unless the version serves nothing and is not being built."""
    if record.status in (VersionStatus.ACTIVE, VersionStatus.BUILDING) or record.id == canary:
        raise Conflict(f"cannot delete {record.id}: it is {record.status}"
                       f"{' (a canary)' if record.id == canary else ''}; roll it back or "
                       "let the build finish first")


def delete(state: RegistryState, version: str) -> Step:
    """Forget a version that serves nothing; the caller drops its data."""
    record = state.find(version)
    check_deletable(record, state.canary)
    return replace(state, versions=tuple(r for r in state.versions if r.id != version),
                   history=tuple(h for h in state.history if h != version)), record


def _activate(state: RegistryState, record: VersionRecord, push: bool) -> Step:
    state = replace(state, canary=None, canary_percent=0)  # a promotion ends any canary
    current = state.active()
    active = replace(record, status=VersionStatus.ACTIVE)
    if current is None:
        return replace(_put(state, active), epoch=state.epoch + 1), active
    history = (*state.history, current.id) if push else state.history
    retired = replace(current, status=VersionStatus.RETIRED)
    return replace(_put(state, retired, active), history=history, epoch=state.epoch + 1), active


def fail_serving(state: RegistryState, version: str, error: str) -> Step:
    """A serving version found unreadable: failed, and what served before takes over (the
    stable version for a canary, the previous active one for the active version)."""
    record = state.find(version)
    if state.canary == version:
        failed = replace(record, status=VersionStatus.FAILED, error=error)
        return replace(_put(state, failed), canary=None, canary_percent=0,
                       epoch=state.epoch + 1), failed
    if record.status is not VersionStatus.ACTIVE:
        return state, record  # another process got there first
    failed = replace(record, status=VersionStatus.FAILED, error=error)
    state = replace(_put(state, failed), epoch=state.epoch + 1)
    while state.history:
        previous = state.find(state.history[-1])
        state = replace(state, history=state.history[:-1])
        if previous.status is VersionStatus.RETIRED:
            return _put(state, replace(previous, status=VersionStatus.ACTIVE)), failed
    return state, failed


def reap(state: RegistryState, alive: Callable[[int], bool]) -> Step:
    """Building versions whose builder is gone -> failed; returns their ids."""
    dead = [
        replace(r, status=VersionStatus.FAILED, error="interrupted", pid=None)
        for r in state.versions
        if r.status is VersionStatus.BUILDING and (r.pid is None or not alive(r.pid))
    ]
    return _put(state, *dead), [r.id for r in dead]


def retain(state: RegistryState, keep: int) -> Step:
    """Forget all but the newest `keep` versions that are not active, the rollback target or
    still building; returns the forgotten ids so the caller can drop their data."""
    if keep < 0:
        raise BadInput("keep must be >= 0")
    active = state.active()
    protected = {active.id if active else None, state.canary, *state.history[-1:]}
    candidates = [
        r.id
        for r in state.versions
        if r.id not in protected and r.status is not VersionStatus.BUILDING
    ]
    gone = set(candidates[: max(0, len(candidates) - keep)])
    return replace(
        state,
        versions=tuple(r for r in state.versions if r.id not in gone),
        history=tuple(h for h in state.history if h not in gone),
    ), [i for i in candidates if i in gone]


def set_eval(state: RegistryState, version: str, result: dict[str, Any]) -> Step:
    record = replace(state.find(version), eval=result)
    return _put(state, record), record
