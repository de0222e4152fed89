"""The evaluation gate on promotion: a candidate may not regress against the active version.

Both versions answer the configured eval set (`LORE_EVAL_SET`) at the same budget; every
metric in `eval_max_drop` may get worse by at most its limit. The verdict, forced or not, is
recorded on the candidate's record (`eval.gate`), where `lore versions` and `GET /versions`
show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from core.errors import BadInput, Conflict
from evaluation import cache
from evaluation.config import GateSettings
from evaluation.dataset import load_eval_set
from evaluation.runner import LOWER_IS_BETTER, METRICS, Bench, Metrics, Progress, no_progress
from index.base import VersionRegistry
from index.versions import VersionRecord, VersionStatus

GATE_OFF = ("no evaluation gate: set LORE_EVAL_SET (e.g. data/eval.jsonl) to evaluate a "
            "version against the active one before it is promoted")
# Means of equal per-item numbers are equal (fixed summation order); this only absorbs float
# noise, so a limit of 0.0 still refuses any real drop.
TOLERANCE = 1e-9


class GateRefused(Conflict):
    """The candidate regresses against the active version (HTTP 409, exit 5)."""


@dataclass(frozen=True)
class Regression:
    metric: str
    baseline: float
    candidate: float
    limit: float  # the largest change for the worse allowed

    def describe(self) -> str:
        sign = "+" if self.metric in LOWER_IS_BETTER else "-"
        return (f"{self.metric} {self.baseline:.3f} -> {self.candidate:.3f} "
                f"({self.candidate - self.baseline:+.3f}, allowed {sign}{self.limit:.3f})")


def regressions(
    candidate: Mapping[str, float | None], baseline: Mapping[str, float | None],
    max_drop: Mapping[str, float],
) -> list[Regression]:
    """Metrics that got worse by more than their limit; unmeasured ones (None) are skipped."""
    found = []
    for metric, limit in sorted(max_drop.items()):
        if metric not in METRICS:
            raise BadInput(f"LORE_EVAL_MAX_DROP names unknown metric {metric!r}; "
                           f"known: {', '.join(METRICS)}")
        new, old = candidate.get(metric), baseline.get(metric)
        if new is None or old is None:
            continue
        worse = new - old if metric in LOWER_IS_BETTER else old - new
        if worse > limit + TOLERANCE:
            found.append(Regression(metric, old, new, limit))
    return found


@dataclass(frozen=True)
class GateResult:
    candidate: str
    baseline: str | None  # None: nothing active yet, the candidate's numbers stand alone
    candidate_metrics: Metrics
    baseline_metrics: Metrics | None
    regressions: tuple[Regression, ...]
    eval_set: str
    budget: int

    @property
    def passed(self) -> bool:
        return not self.regressions

    @property
    def message(self) -> str:
        if self.baseline is None:
            return f"{self.candidate}: first promotion, no active version to compare with"
        if self.passed:
            return f"{self.candidate} passes the evaluation gate against {self.baseline}"
        reasons = "; ".join(r.describe() for r in self.regressions)
        return (f"{self.candidate} regresses against the active version {self.baseline} on "
                f"{self.eval_set}: {reasons}")

    def as_record(self, forced: bool) -> dict[str, Any]:
        return {
            "passed": self.passed, "forced": forced, "baseline": self.baseline,
            "candidate_metrics": self.candidate_metrics, "baseline_metrics": self.baseline_metrics,
            "regressions": [asdict(r) for r in self.regressions],
            "reasons": [r.describe() for r in self.regressions], "eval_set": self.eval_set,
            "budget": self.budget, "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def check(
    bench: Bench, gate: GateSettings, version: str, progress: Progress = no_progress
) -> GateResult | None:
    """Evaluate `version` against the active one; None when no eval set is configured."""
    if gate.eval_set is None:
        return None
    items, digest = load_eval_set(gate.eval_set), cache.set_hash(gate.eval_set)
    budget = gate.eval_budget or bench.budget
    active = bench.registry.active()
    baseline = active.id if active is not None and active.id != version else None
    new = cache.summary_for(bench, items, digest, version, budget, progress)["overall"]
    if baseline is None:
        return GateResult(version, None, new, None, (), str(gate.eval_set), budget)
    old = cache.summary_for(bench, items, digest, baseline, budget, progress)["overall"]
    found = regressions(new, old, gate.eval_max_drop)
    return GateResult(version, baseline, new, old, tuple(found), str(gate.eval_set), budget)


def promotable(registry: VersionRegistry, version: str) -> VersionRecord:
    """The record, if promoting it can work (checked before an evaluation is spent on it)."""
    record = registry.get(version)
    if record.status not in (VersionStatus.READY, VersionStatus.RETIRED, VersionStatus.ACTIVE):
        raise Conflict(f"cannot promote version {version}: it is {record.status}, "
                       "not ready or retired")
    return record


@dataclass(frozen=True)
class Decision:
    allowed: bool
    message: str
    result: GateResult | None  # None: gate off, or the version is already active


def decide(
    bench: Bench, gate: GateSettings, version: str, force: bool = False,
    progress: Progress = no_progress,
) -> Decision:
    """Run the gate for promoting `version` and record its verdict; promotes nothing."""
    if promotable(bench.registry, version).status is VersionStatus.ACTIVE:
        return Decision(True, f"{version} is already active", None)
    result = check(bench, gate, version, progress)
    if result is None:
        return Decision(True, GATE_OFF, None)
    forced = force and not result.passed
    _record(bench.registry, version, result.as_record(forced))
    if result.passed:
        return Decision(True, result.message, result)
    if forced:
        return Decision(True, f"{result.message}. Promoted anyway (--force)", result)
    return Decision(False, f"{result.message}. Not promoted: force it with `lore promote "
                           f"{version} --force` (API: ?force=true)", result)


def _record(registry: VersionRegistry, version: str, gate: dict[str, Any]) -> None:
    current = cache.eval_field(registry.get(version))
    registry.set_eval(version, {**current, "gate": gate})


def switch(registry: VersionRegistry, version: str, canary: int | None) -> VersionRecord:
    """Make `version` active, or start it as a canary on `canary` percent of /ask traffic."""
    if canary is None:
        return registry.promote(version)
    return registry.start_canary(version, canary)


def label(eval_record: Mapping[str, Any] | None) -> str:
    """Compact verdict for version listings: "pass", "fail: context_recall -0.05", ..."""
    gate = (eval_record or {}).get("gate")
    if not gate:
        return ""
    if gate["passed"]:
        return "pass" if gate["baseline"] else "pass (first)"
    changes = ", ".join(f"{r['metric']} {r['candidate'] - r['baseline']:+.2f}"
                        for r in gate["regressions"])
    return f"{'forced' if gate['forced'] else 'fail'}: {changes}"
