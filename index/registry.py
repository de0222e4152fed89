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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import LoreError
from index import versions as lifecycle
from index.lifecycle_api import LifecycleMethods, StateStep
from index.versions import RegistryState, VersionRecord, VersionStatus


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
    return RegistryState(
        records, tuple(data["history"]), data["next_id"], data["epoch"],
        data.get("canary"), data.get("canary_percent", 0),
    )


class Registry(LifecycleMethods):
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

    def _change(self, step: StateStep, claim: bool = False) -> Any:
        with self._locked():
            old = self._read()
            new, result = step(old)
            if new != old:
                self._write(new)
            return result

    def _state(self) -> RegistryState:
        return self._read()

    def reap(self) -> builtins.list[str]:
        return self._change(lambda s: lifecycle.reap(s, pid_alive))
