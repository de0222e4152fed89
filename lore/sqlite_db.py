"""The SQLite stores under LORE_HOME (statistics, traces, feedback, approvals, limits) open
alike: every worker process and the CLI share them, so WAL (readers never wait for the writer)
and a busy timeout instead of an immediate "database is locked"."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

# Longer than any one store's write (a row, a prune) under load, short of a request deadline.
BUSY_SECONDS = 5.0


def open_db(path: Path, **options: Any) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_SECONDS, **options)
    db.execute("PRAGMA journal_mode=WAL")
    return db
