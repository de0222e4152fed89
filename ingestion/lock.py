"""One ingest at a time per LORE_HOME: an exclusive, non-blocking flock on home/ingest.lock.

The kernel releases the lock when its holder exits, however it dies, so a crash never leaves
a stale lock behind. The file holds the holder's pid, for the refusal message only.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import Conflict

LOCK_FILE = "ingest.lock"


class IngestRunning(Conflict):
    """Another ingest holds the lock."""


@contextmanager
def ingest_lock(home: Path) -> Iterator[None]:
    Path(home).mkdir(parents=True, exist_ok=True)
    path = Path(home) / LOCK_FILE
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o644), "r+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = f.read().strip() or "unknown"
            raise IngestRunning(
                f"another ingest is running on {home} (pid {holder}); wait for it to finish"
            ) from None
        f.truncate(0)
        f.write(str(os.getpid()))
        f.flush()
        yield
