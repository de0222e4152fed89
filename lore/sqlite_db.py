"""The SQLite stores under LORE_HOME (statistics, traces, feedback, approvals, limits) open
alike: every worker process and the CLI share them, so WAL (readers never wait for the writer)
and a busy timeout instead of an immediate "database is locked"."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

# Longer than any one store's write (a row, a prune) under load, short of a request deadline.
BUSY_SECONDS = 5.0
# Between tries of the mode switch: far shorter than the other process's switch takes.
RETRY_SECONDS = 0.01


def open_db(path: Path, **options: Any) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_SECONDS, **options)
    _use_wal(db)
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Two processes switching a new file to WAL at once would deadlock, so SQLite answers one
    "locked" at once instead of calling its busy handler: that one tries again."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(RETRY_SECONDS)
