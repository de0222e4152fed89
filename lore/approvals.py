"""Two admins for sensitive actions: the first call files a request, a different admin approves
(then it runs) or rejects it; every request and decision is kept as the audit trail.

Sensitive: a promotion forced past a failed evaluation gate, a rollback more than one step
back, deleting a version, changing a guard policy. The rule holds whenever admin keys are
configured; a deployment without keys (local use, every route open) acts at once. Kept in
LORE_HOME/approvals.sqlite, beside the registry, so the CLI and every API replica share it.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from core.errors import Conflict, Forbidden, NotFound
from lore.sqlite_db import open_db


class Action(StrEnum):
    FORCE_PROMOTE = "force_promote"  # {"version", "canary"}
    ROLLBACK_TO = "rollback_to"  # {"version"}: more than one step back
    DELETE_VERSION = "delete_version"  # {"version"}
    GUARD_POLICY = "guard_policy"  # {"changes": {field: value}} (lore/guard_policy.py)


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # and carried out: `result` says what happened
    REJECTED = "rejected"
    FAILED = "failed"  # approved, but carrying it out failed: `result` says why


@dataclass(frozen=True)
class Approval:
    id: str
    action: Action
    params: dict[str, Any]
    requested_by: str  # a principal (a key's hash), never a key
    requested_at: str
    reason: str  # why it needs a second admin
    status: Status = Status.PENDING
    decided_by: str | None = None
    decided_at: str | None = None
    result: str | None = None


Execute = Callable[[Approval], str]  # carries an approved action out; says what it did

_COLUMNS = ("id", "action", "params", "requested_by", "requested_at", "reason", "status",
            "decided_by", "decided_at", "result")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Approvals:
    def __init__(self, path: Path) -> None:
        self._db = open_db(path)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(f"CREATE TABLE IF NOT EXISTS approvals ({', '.join(_COLUMNS)})")

    def request(self, action: Action, params: dict[str, Any], by: str, reason: str) -> Approval:
        approval = Approval(uuid.uuid4().hex[:12], action, params, by, _now(), reason)
        with self._lock, self._db:
            self._db.execute(f"INSERT INTO approvals VALUES ({', '.join('?' * len(_COLUMNS))})",
                             self._row(approval))
        return approval

    def list(self, status: Status | None = None) -> list[Approval]:
        rows = self._db.execute("SELECT * FROM approvals ORDER BY requested_at, rowid").fetchall()
        found = [self._approval(r) for r in rows]
        return [a for a in found if status is None or a.status is status]

    def get(self, approval_id: str) -> Approval:
        row = self._db.execute("SELECT * FROM approvals WHERE id=?", (approval_id,)).fetchone()
        if row is None:
            raise NotFound(f"no approval request {approval_id!r}; see `lore approvals`")
        return self._approval(row)

    def decide(self, approval_id: str, by: str, approve: bool, execute: Execute) -> Approval:
        """Approve (and carry out) or reject a pending request, as an admin who did not file
        it."""
        with self._lock:
            current = self.get(approval_id)
            if current.status is not Status.PENDING:
                raise Conflict(f"approval {approval_id} is already {current.status}")
            if by == current.requested_by:
                raise Forbidden("a second admin must decide: the key that asked cannot approve "
                                "or reject its own request")
            status, result = Status.REJECTED, None
            if approve:
                try:
                    status, result = Status.APPROVED, execute(current)
                except Exception as exc:  # recorded, then raised: the audit shows the attempt
                    self._store(current, Status.FAILED, by, f"{type(exc).__name__}: {exc}")
                    raise
            return self._store(current, status, by, result)

    def close(self) -> None:
        self._db.close()

    def _store(self, a: Approval, status: Status, by: str, result: str | None) -> Approval:
        with self._db:
            self._db.execute("UPDATE approvals SET status=?, decided_by=?, decided_at=?, "
                             "result=? WHERE id=?", (status, by, _now(), result, a.id))
        return self.get(a.id)

    @staticmethod
    def _row(a: Approval) -> tuple:
        return (a.id, a.action, json.dumps(a.params), a.requested_by, a.requested_at, a.reason,
                a.status, a.decided_by, a.decided_at, a.result)

    @staticmethod
    def _approval(row: tuple) -> Approval:
        values = dict(zip(_COLUMNS, row, strict=True))
        return Approval(**{**values, "action": Action(values["action"]),
                           "status": Status(values["status"]),
                           "params": json.loads(values["params"])})
