"""The version registry kept in Qdrant, so API replicas and CLIs on every host share one.

The whole RegistryState is the payload of one point in f"{prefix}_registry", a collection
without vectors: {"revision": n, "state": JSON, "hosts": {version: builder's host},
"log": [the tokens of the last LOG commits]}. Every change is an optimistic read-modify-write:

- read the point (revision n), apply the pure step from index/versions.py;
- write it back conditionally: insert-only when n == 0 (no point yet), otherwise an upsert
  with `update_filter` revision == n and `update_mode=update_only`, so the server applies
  it only while the revision is still n (Qdrant >= 1.17). The write is ordered STRONG: on a
  cluster it goes through the shard's permanent leader, so two writers are serialised;
- the server does not say whether the filter matched, so re-read: the new state carries a
  fresh token in `log`, and any later state derived from it still does. Token present: the
  change landed. Absent: another writer took revision n + 1; read again and retry.

Limits: needs Qdrant >= 1.17 (`update_mode`). A writer must re-read before LOG other commits
land, or it cannot tell (it raises rather than guess). Writers read from all replicas, so a
replica of the registry's shard being down blocks changes (not reads) until it is back.
Local mode (tests) applies one client's calls in-process, and its filter-then-write is not
atomic across threads. The alias switch follows the commit, so a crash between them leaves
the alias behind the registry until the next promote, rollback or `align_alias()`; readers
that go through the registry are never affected.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import random
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

from core.errors import Conflict, LoreError, NotFound
from index import versions as lifecycle
from index.lifecycle_api import LifecycleMethods, StateStep
from index.qdrant_server import QdrantServerStore
from index.registry import _decode, pid_alive
from index.versions import RegistryState, VersionStatus

# The registry is one point; any fixed id names it.
POINT_ID = 1
# Commit tokens kept: enough that a writer re-reading right after its write always finds its
# own even if dozens of other changes landed in between (changes are human-paced).
LOG = 64
# Attempts before giving up on a change others keep beating us to; with BACKOFF_S the last
# waits up to ~1 s, far beyond any real contention over promotes and builds.
RETRIES = 50
BACKOFF_S = 0.02


@dataclass(frozen=True)
class Snapshot:
    state: RegistryState = field(default_factory=RegistryState)
    hosts: dict[str, str] = field(default_factory=dict)  # building version -> builder's host
    revision: int = 0  # 0: nothing written yet
    log: tuple[str, ...] = ()


def _snapshot(payload: dict[str, Any]) -> Snapshot:
    state = _decode(json.loads(payload["state"]))
    return Snapshot(state, dict(payload["hosts"]), payload["revision"], tuple(payload["log"]))


def _revision_is(n: int) -> models.Filter:
    return models.Filter(
        must=[models.FieldCondition(key="revision", match=models.MatchValue(value=n))]
    )


class QdrantRegistry(LifecycleMethods):
    """Borrows `client` (see QdrantServerStore); the same client may back the store."""

    def __init__(self, client: QdrantClient, prefix: str = "lore") -> None:
        self.client = client
        self.collection = f"{prefix}_registry"
        self.store = QdrantServerStore(client, prefix)
        self.host = socket.gethostname()
        self._ensured = False

    def _ensure(self) -> None:
        """Create the registry collection once; writers racing to do it all succeed."""
        if self._ensured:
            return
        if not self.client.collection_exists(self.collection):
            try:
                self.client.create_collection(self.collection, vectors_config={})
            except (UnexpectedResponse, ValueError):  # server / local mode: someone was first
                if not self.client.collection_exists(self.collection):
                    raise
        # Servers in strict mode refuse updates filtered on a field without an index.
        self.client.create_payload_index(
            self.collection, "revision", field_schema=models.PayloadSchemaType.INTEGER, wait=True
        )
        self._ensured = True

    def _load(self, strong: bool = False) -> Snapshot:
        """Writers read from every replica (`strong`); pollers take any one, a moment stale."""
        consistency = models.ReadConsistencyType.ALL if strong else None
        try:
            records = self.client.retrieve(
                self.collection, [POINT_ID], with_payload=True, consistency=consistency
            )
        except (UnexpectedResponse, ValueError):
            if self.client.collection_exists(self.collection):
                raise
            return Snapshot()  # no registry yet: nothing built
        return _snapshot(records[0].payload or {}) if records else Snapshot()

    def _commit(self, old: Snapshot, state: RegistryState, hosts: dict[str, str]) -> bool:
        """Write `state` if the revision is still old's; whether it landed."""
        token = uuid.uuid4().hex
        payload = {
            "revision": old.revision + 1,
            "state": json.dumps(dataclasses.asdict(state)),
            "hosts": hosts,
            "log": [*old.log, token][-LOG:],
        }
        first = old.revision == 0  # no point yet: only an insert may land
        self.client.upsert(
            self.collection,
            [models.PointStruct(id=POINT_ID, vector={}, payload=payload)],
            wait=True,
            ordering=models.WriteOrdering.STRONG,
            update_mode=models.UpdateMode.INSERT_ONLY if first else models.UpdateMode.UPDATE_ONLY,
            update_filter=None if first else _revision_is(old.revision),
        )
        now = self._load(strong=True)
        if token in now.log:
            return True
        if now.revision - old.revision > LOG:
            raise LoreError("cannot tell whether a registry change landed; run `lore versions`")
        return False

    def _change(self, step: StateStep, claim: bool = False) -> Any:
        return self._change_snapshot(lambda snap: step(snap.state), claim)

    def _change_snapshot(
        self, step: Callable[[Snapshot], lifecycle.Step], claim: bool = False
    ) -> Any:
        """Apply `step` atomically; `claim`: the result is a version this host builds."""
        self._ensure()
        for attempt in range(RETRIES):
            old = self._load(strong=True)
            state, result = step(old)
            hosts = {v: h for v, h in old.hosts.items() if _building(state, v)}
            if claim:
                hosts[result.id] = self.host
            if (state, hosts) == (old.state, old.hosts):
                return result
            if self._commit(old, state, hosts):
                if state.epoch != old.state.epoch:
                    self.align_alias()
                return result
            time.sleep(random.uniform(0, BACKOFF_S * (attempt + 1)))  # let the winner finish
        raise Conflict("the registry kept changing under this request; try again")

    def align_alias(self) -> None:
        """Point the store's alias at the active version. Promotes racing can land their alias
        switches out of order, so repeat until the active version read after the switch is
        the one just switched to. A version without a collection gets no alias."""
        for _ in range(RETRIES):
            active = self._load(strong=True).state.active()
            target = active.id if active and self.store.exists(active.id) else None
            try:
                self.store.set_active_alias(target)
            except NotFound:
                continue  # dropped after we looked: look again
            after = self._load(strong=True).state.active()
            if (after.id if after else None) == (active.id if active else None):
                return
        raise Conflict("the active version kept changing while switching the alias; try again")

    def _reap(self, old: Snapshot) -> lifecycle.Step:
        """Only this host's builders can be checked; others' are left for their own hosts."""
        mine = tuple(r for r in old.state.versions if old.hosts.get(r.id, self.host) == self.host)
        reaped, ids = lifecycle.reap(replace(old.state, versions=mine), pid_alive)
        changed = {r.id: r for r in reaped.versions}
        versions = tuple(changed.get(r.id, r) for r in old.state.versions)
        return replace(old.state, versions=versions), ids

    def _state(self) -> RegistryState:
        return self._load().state

    def reap(self) -> builtins.list[str]:
        return self._change_snapshot(self._reap)

    def hosts(self) -> dict[str, str]:
        """Building version -> the host its builder runs on (not in the shared VersionRecord)."""
        return self._load().hosts


def _building(state: RegistryState, version: str) -> bool:
    return any(r.id == version and r.status is VersionStatus.BUILDING for r in state.versions)
