"""The shared SQLite stores open from several processes at once (workers, the CLI)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each child opens the same fresh files as its siblings, at the same instant, and writes a row.
CHILD = """
import sys, time
from pathlib import Path
from lore.sqlite_db import open_db
start, files = float(sys.argv[2]), int(sys.argv[3])
while time.time() < start:
    pass
for i in range(files):
    db = open_db(Path(sys.argv[1]) / f"{i}.sqlite", isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS t (a)")
    db.execute("INSERT INTO t VALUES (1)")
    db.close()
"""
PROCESSES, FILES = 4, 600  # enough rounds that the race shows in most runs without the retry


def test_processes_opening_a_new_store_together_all_get_it(tmp_path: Path) -> None:
    """Two connections switching one new file to WAL at once: SQLite fails one of them at once
    rather than wait (a deadlock otherwise), and a worker must not die of it at start-up."""
    start = time.time() + 2.0  # past every child's interpreter start
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(start),
                                  str(FILES)], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                                 env={"PYTHONPATH": str(ROOT)}) for _ in range(PROCESSES)]
    errors = [c.communicate(timeout=300)[1] for c in children]
    assert not any(errors), errors
    rows = [sqlite3.connect(tmp_path / f"{i}.sqlite").execute("SELECT count(*) FROM t")
            .fetchone()[0] for i in range(FILES)]
    assert rows == [PROCESSES] * FILES
