"""The version registry as one JSON file shared by the CLI and API processes.

Every change runs read-modify-write under an exclusive flock on home/registry.lock and lands
with os.replace, so readers (which take no lock) always see a whole file, old or new.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from core.errors import LoreError
from core.files import locked, write_json
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

    def _locked(self) -> AbstractContextManager[None]:
        return locked(self._lock_path)

    def _read(self) -> RegistryState:
        try:
            return _decode(json.loads(self.path.read_text()))
        except FileNotFoundError:
            return RegistryState()
        except (ValueError, KeyError, TypeError) as e:
            raise LoreError(f"{self.path} is unreadable ({e}); restore it from a backup") from e

    def _write(self, state: RegistryState) -> None:
        write_json(self.path, dataclasses.asdict(state))

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
