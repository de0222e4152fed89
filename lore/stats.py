"""Per-version serving statistics shared by every API process through one SQLite file.

Canary decisions need request counts, abstention rate and latency per version, seen from the
CLI (`lore versions`) as well as from any API replica, so they live under LORE_HOME.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

from lore.sqlite_db import open_db

# The median of the most recent requests is what an operator compares; older ones are history.
RECENT = 10_000


class ServingStats:
    def __init__(self, path: Path) -> None:
        self._db = open_db(path)
        self._lock = threading.Lock()
        with self._db:
            # A lost stats row after a power cut is acceptable; an fsync per request is not.
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS requests "
                "(version TEXT, at REAL, abstained INTEGER, ms REAL, tokens INTEGER, cost REAL)"
            )
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(requests)")}
            for column, kind in (("tokens", "INTEGER"), ("cost", "REAL")):  # older homes
                if column not in columns:
                    self._db.execute(f"ALTER TABLE requests ADD COLUMN {column} {kind}")
            self._db.execute("CREATE INDEX IF NOT EXISTS by_version ON requests(version, at)")

    def record(self, version: str, abstained: bool, ms: float, tokens: int = 0,
               cost: float = 0.0) -> None:
        with self._lock, self._db:
            row = (version, time.time(), int(abstained), ms, tokens, cost)
            self._db.execute("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?)", row)

    def summary(self) -> dict[str, dict[str, float]]:
        """version -> {requests, abstention_rate, p50_ms} over its most recent requests, and
        the model tokens and cost of all of them."""
        out: dict[str, dict[str, float]] = {}
        with self._lock:
            versions = [v for (v,) in self._db.execute("SELECT DISTINCT version FROM requests")]
            for v in versions:
                rows = self._db.execute(
                    "SELECT abstained, ms FROM requests WHERE version=? ORDER BY at DESC LIMIT ?",
                    (v, RECENT),
                ).fetchall()
                total, tokens, cost = self._db.execute(
                    "SELECT COUNT(*), COALESCE(SUM(tokens), 0), COALESCE(SUM(cost), 0) "
                    "FROM requests WHERE version=?", (v,)
                ).fetchone()
                out[v] = {
                    "requests": total,
                    "abstention_rate": round(sum(a for a, _ in rows) / len(rows), 4),
                    "p50_ms": round(statistics.median(ms for _, ms in rows), 2),
                    "tokens": tokens, "cost": round(cost, 6),
                }
        return out

    def close(self) -> None:
        self._db.close()
