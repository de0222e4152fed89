"""Small JSON state files under LORE_HOME (the version registry, the guard policy) that
several processes change: one writer at a time, and a reader never sees half a file."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive lock across processes, held for the block."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def write_json(path: Path, data: Any) -> None:
    """`data` as `path`, all or nothing: written beside it, synced, renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)  # the rename must survive a power cut too
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def poll(lock: threading.Lock, due: bool, refresh: Callable[[], None]) -> None:
    """A follower of such a file: when `due`, one caller re-reads it (`refresh`) and the
    callers meanwhile go on with what they have, never queue behind the read."""
    if due and lock.acquire(blocking=False):
        try:
            refresh()
        finally:
            lock.release()
