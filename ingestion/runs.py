"""One JSON record per ingest run under LORE_HOME/runs/: when, what happened, what changed."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

RUNS_DIR = "runs"


class Outcome(StrEnum):
    BUILT = "built"
    UNCHANGED = "unchanged"  # --skip-if-unchanged: nothing built
    REFUSED = "refused"  # another ingest held the lock
    FAILED = "failed"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class RunRecord:
    started_at: str  # ISO 8601, UTC
    ended_at: str
    root: str
    outcome: Outcome
    version: str | None = None
    promoted: bool = False
    gate: str | None = None  # the evaluation gate's verdict, when promotion was asked for
    report: dict[str, Any] | None = None  # counts, skipped files with reasons, warnings
    error: str | None = None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def write_record(home: Path, record: RunRecord) -> Path:
    """runs/<start>-<pid>.json, written whole (temp file + rename): readers never see half."""
    folder = Path(home) / RUNS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = record.started_at.replace(":", "").replace("-", "").replace("+0000", "Z")
    path = folder / f"{stamp}-{os.getpid()}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(record), indent=2))
    os.replace(tmp, path)
    return path


def read_records(home: Path) -> list[RunRecord]:
    """Oldest first."""
    paths = sorted((Path(home) / RUNS_DIR).glob("*.json"))
    records = (json.loads(p.read_text()) for p in paths)
    return [RunRecord(**{**r, "outcome": Outcome(r["outcome"])}) for r in records]
