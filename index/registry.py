"""The version registry as one JSON file shared by the CLI and API processes.

Every change runs read-modify-write under an exclusive flock on home/registry.lock and lands
with os.replace, so readers (which take no lock) always see a whole file, old or new.
"""

from __future__ import annotations

import builtins
import dataclasses
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import versions as lifecycle
from index.versions import RegistryState, VersionRecord, VersionStatus
from lore.errors import LoreError


def pid_alive(pid: int) -> bool:
    """Signal 0 checks existence only; EPERM means alive but someone else's."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _decode(data: dict[str, Any]) -> RegistryState:
    records = tuple(
        VersionRecord(**{**r, "status": VersionStatus(r["status"])}) for r in data["versions"]
    )
    return RegistryState(records, tuple(data["history"]), data["next_id"], data["epoch"])


class Registry:
    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.path = self.home / "registry.json"
        self._lock_path = self.home / "registry.lock"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            yield

    def _read(self) -> RegistryState:
        try:
            return _decode(json.loads(self.path.read_text()))
        except FileNotFoundError:
            return RegistryState()
        except (ValueError, KeyError, TypeError) as e:
            raise LoreError(f"{self.path} is unreadable ({e}); restore it from a backup") from e

    def _write(self, state: RegistryState) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.home, prefix=".registry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(dataclasses.asdict(state), f, indent=2)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            os.unlink(tmp)
            raise
        # The rename itself must survive a power cut too.
        dir_fd = os.open(self.home, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _change(self, step: Callable[[RegistryState], lifecycle.Step]) -> Any:
        with self._locked():
            old = self._read()
            new, result = step(old)
            if new != old:
                self._write(new)
            return result

    def begin(self, embedding_model: str, fingerprint: str) -> VersionRecord:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        pid = os.getpid()
        return self._change(lambda s: lifecycle.begin(s, embedding_model, fingerprint, pid, now))

    def mark_ready(
        self, version: str, documents: int, chunks: int, report: dict[str, Any]
    ) -> VersionRecord:
        return self._change(lambda s: lifecycle.mark_ready(s, version, documents, chunks, report))

    def mark_failed(self, version: str, error: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.mark_failed(s, version, error))

    def promote(self, version: str) -> VersionRecord:
        return self._change(lambda s: lifecycle.promote(s, version))

    def rollback(self) -> VersionRecord:
        return self._change(lifecycle.rollback)

    def reap(self) -> builtins.list[str]:
        return self._change(lambda s: lifecycle.reap(s, pid_alive))

    def retain(self, keep: int) -> builtins.list[str]:
        return self._change(lambda s: lifecycle.retain(s, keep))

    def set_eval(self, version: str, result: dict[str, Any]) -> VersionRecord:
        return self._change(lambda s: lifecycle.set_eval(s, version, result))

    def active(self) -> VersionRecord | None:
        return self._read().active()

    def get(self, version: str) -> VersionRecord:
        return self._read().find(version)

    def list(self) -> builtins.list[VersionRecord]:
        return builtins.list(self._read().versions)

    def stamp(self) -> str:
        """Changes whenever the active version does (API replicas poll it to hot-swap)."""
        state = self._read()
        active = state.active()
        return f"{state.epoch}:{active.id if active else '-'}"
