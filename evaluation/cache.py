"""Eval summaries cached on the version record, so a baseline is not re-run on every promote.

A version is immutable, so its numbers change only with the eval set, the budget, and the
query-time settings and code (`Bench.key`, made by the app from its settings groups and a hash
of the packages that run at query time); all are in the key. The record's `eval` field holds
{"runs": {key: summary}, "gate": last gate result}; each writer keeps the other part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import Conflict
from evaluation.dataset import EvalItem
from evaluation.runner import Bench, EvalRun, Progress, no_progress, run_eval
from index.base import VersionRegistry
from index.versions import VersionRecord, VersionStatus

# Runs kept per version: enough for a few budgets or sets, while the registry file stays small.
KEEP_RUNS = 4


def set_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_key(bench_key: str, eval_set_hash: str, budget: int) -> str:
    return f"{eval_set_hash[:16]}:{budget}:{bench_key}"


def evaluable(registry: VersionRegistry, version: str) -> VersionRecord:
    """The version's record, if it has a complete index to ask."""
    record = registry.get(version)
    if record.status not in (VersionStatus.READY, VersionStatus.ACTIVE, VersionStatus.RETIRED):
        raise Conflict(f"cannot evaluate version {version}: it is {record.status}")
    return record


def eval_field(record: VersionRecord) -> dict[str, Any]:
    return dict(record.eval or {})


def store(registry: VersionRegistry, version: str, key: str, summary: dict[str, Any]) -> None:
    """Add a summary; the oldest runs beyond KEEP_RUNS go (dicts keep insertion order)."""
    current = eval_field(registry.get(version))
    runs = {k: v for k, v in current.get("runs", {}).items() if k != key}
    runs[key] = summary
    current["runs"] = dict(list(runs.items())[-KEEP_RUNS:])
    registry.set_eval(version, current)


def summary_for(
    bench: Bench, items: Sequence[EvalItem], eval_set_hash: str, version: str,
    budget: int, progress: Progress = no_progress,
) -> dict[str, Any]:
    """The cached summary of `version`, or a fresh run's (then cached)."""
    key = run_key(bench.key, eval_set_hash, budget)
    cached = eval_field(evaluable(bench.registry, version)).get("runs", {}).get(key)
    if cached is not None:
        return dict(cached)
    return remember(bench, eval_set_hash, run_eval(bench, items, version, budget, progress))


def remember(bench: Bench, eval_set_hash: str, run: EvalRun) -> dict[str, Any]:
    """Cache a full run's summary; returns it."""
    summary = run.summary()
    store(bench.registry, run.version, run_key(bench.key, eval_set_hash, run.budget), summary)
    return summary
