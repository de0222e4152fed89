"""The local trace store: every request's spans and what is needed to replay its decisions,
kept under LORE_HOME with retention, so `lore trace ID` and GET /traces/{id} can show exactly
what the system did and why."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.tracing import Trace
from lore.sqlite_db import open_db

# Deleting expired rows costs a scan; doing it every so many saves keeps it off most requests.
PRUNE_EVERY = 200
_COLUMNS = ("id", "at", "flow", "ms", "version", "abstained", "flagged", "tokens", "cost",
            "error", "body")


def iso(epoch_ns: int) -> str:
    return datetime.fromtimestamp(epoch_ns / 1e9, UTC).isoformat(timespec="microseconds")


def plain(value: Any) -> Any:
    """JSON-ready: dataclasses as dicts, tuples as lists, anything else odd as text."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def spans_of(trace: Trace) -> list[dict[str, Any]]:
    """The contract of GET /traces/{id}: name, start, end, duration_ms, parent, attributes."""
    return [{
        "name": s.name, "parent": s.parent,
        "start": iso(trace.epoch_ns(s.start_ns)),
        "end": iso(trace.epoch_ns(s.end_ns if s.end_ns is not None else s.start_ns)),
        "duration_ms": round(s.duration_ms, 3), "attributes": plain(s.attributes),
    } for s in trace.spans]


@dataclass(frozen=True)
class TraceQuery:
    """`lore traces` filters."""

    slow_ms: float | None = None  # at least this long
    min_cost: float | None = None  # at least this expensive
    abstained: bool = False
    flagged: bool = False
    since: float | None = None  # epoch seconds
    limit: int = 50


class TraceStore:
    """Also a TraceSink: `export` keeps a finished trace."""

    def __init__(self, path: Path, keep_days: float, keep_max: int) -> None:
        self._db = open_db(path)
        self._lock = threading.Lock()
        self._keep_s, self._keep_max, self._saved = keep_days * 86_400, keep_max, 0
        # Called before every read: the Observer waits there for the traces it still holds.
        self.before_read: Callable[[], None] = lambda: None
        with self._lock, self._db:
            self._db.execute("PRAGMA synchronous=NORMAL")  # a lost trace is not a lost answer
            self._db.execute(f"CREATE TABLE IF NOT EXISTS traces ({', '.join(_COLUMNS)}, "
                             "PRIMARY KEY (id))")
            self._db.execute("CREATE INDEX IF NOT EXISTS by_time ON traces(at)")

    def export(self, trace: Trace) -> None:
        body = {"request_id": trace.id, "flow": trace.name, "parent": trace.parent,
                "attributes": plain(trace.attributes), "spans": spans_of(trace)}
        a, root = trace.attributes, trace.spans[0] if trace.spans else None
        row = (trace.id, time.time(), trace.name, root.duration_ms if root else 0.0,
               a.get("version"), int(bool(a.get("abstained"))), int(bool(a.get("flagged"))),
               int(a.get("tokens") or 0), float(a.get("cost") or 0.0), a.get("error"),
               json.dumps(body))
        with self._lock, self._db:
            self._db.execute(f"INSERT OR REPLACE INTO traces VALUES ({', '.join('?' * 11)})", row)
            self._saved += 1
            if self._saved % PRUNE_EVERY == 1:
                self._prune()

    def get(self, request_id: str) -> dict[str, Any] | None:
        self.before_read()
        row = self._db.execute("SELECT body FROM traces WHERE id=?", (request_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def find(self, q: TraceQuery) -> list[dict[str, Any]]:
        """Summaries, newest first."""
        self.before_read()
        where, args = ["1=1"], []
        for clause, value in (("ms >= ?", q.slow_ms), ("cost >= ?", q.min_cost),
                              ("at >= ?", q.since)):
            if value is not None:
                where.append(clause)
                args.append(value)
        where += ["abstained = 1"] * q.abstained + ["flagged = 1"] * q.flagged
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS[:-1])} FROM traces WHERE {' AND '.join(where)} "
            "ORDER BY at DESC LIMIT ?", (*args, q.limit)).fetchall()
        return [dict(zip(_COLUMNS[:-1], r, strict=True)) for r in rows]

    def close(self) -> None:
        self._db.close()

    def _prune(self) -> None:
        self._db.execute("DELETE FROM traces WHERE at < ?", (time.time() - self._keep_s,))
        self._db.execute("DELETE FROM traces WHERE id NOT IN (SELECT id FROM traces ORDER BY "
                         "at DESC LIMIT ?)", (self._keep_max,))
