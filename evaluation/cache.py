"""Eval summaries cached on the version record, so a baseline is not re-run on every promote.

A version is immutable, so its numbers change only with the eval set, the budget, the
query-time settings or the query-time code; all four are in the key. The record's `eval` field holds
{"runs": {key: summary}, "gate": last gate result}; each writer keeps the other part.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from evaluation.dataset import EvalItem
from evaluation.runner import EvalRun, Progress, no_progress, run_eval
from index.base import VersionRegistry
from index.versions import VersionRecord, VersionStatus
from lore.errors import Conflict
from lore.qa import QAService
from lore.settings import Settings

# Settings read at question time: changing any of them can move every metric.
QUERY_SETTINGS = (
    "dense_k", "sparse_k", "rrf_k", "dense_weight", "sparse_weight", "trust_weight",
    "freshness_half_life_days", "top_k", "min_evidence", "query_encoder", "packing",
)
# The code between a question and its answer: a change to any of it can move every metric.
QUERY_CODE = ("retrieval", "context", "answer", "lore/qa.py")
ROOT = Path(__file__).resolve().parents[1]
# Runs kept per version: enough for a few budgets or sets, while the registry file stays small.
KEEP_RUNS = 4


def set_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def query_code_hash() -> str:
    digest = hashlib.sha256()
    for name in QUERY_CODE:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def run_key(settings: Settings, eval_set_hash: str, budget: int) -> str:
    query = json.dumps({k: str(getattr(settings, k)) for k in QUERY_SETTINGS}, sort_keys=True)
    settings_hash = hashlib.sha256(query.encode()).hexdigest()[:12]
    return f"{eval_set_hash[:16]}:{budget}:{settings_hash}:{query_code_hash()}"


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
    service: QAService, items: Sequence[EvalItem], eval_set_hash: str, version: str,
    budget: int, progress: Progress = no_progress,
) -> dict[str, Any]:
    """The cached summary of `version`, or a fresh run's (then cached)."""
    key = run_key(service.settings, eval_set_hash, budget)
    cached = eval_field(evaluable(service.registry, version)).get("runs", {}).get(key)
    if cached is not None:
        return dict(cached)
    return remember(service, eval_set_hash, run_eval(service, items, version, budget, progress))


def remember(service: QAService, eval_set_hash: str, run: EvalRun) -> dict[str, Any]:
    """Cache a full run's summary; returns it."""
    summary = run.summary()
    store(service.registry, run.version, run_key(service.settings, eval_set_hash, run.budget),
          summary)
    return summary
