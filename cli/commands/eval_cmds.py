"""eval, and the evaluation gate as `lore promote` shows it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, settings_for
from cli.commands.progress import ingest_progress
from core.errors import NotReady
from evaluation import cache, report
from evaluation.dataset import EvalItem, load_eval_set
from evaluation.runner import METRICS, Bench, EvalRun, run_eval
from lore import promotion
from lore.admin import Admin, Outcome

console = Console()


def eval_command(
    eval_set: Annotated[Path, typer.Option("--set", help="Eval set (JSONL, one question a line)")],
    version: Annotated[str | None, typer.Option(help="Version to evaluate (default: active)")] = (
        None
    ),
    baseline: Annotated[
        str | None, typer.Option(help="Version to compare with, or 'active'")
    ] = None,
    budget: Annotated[int | None, typer.Option(min=1, help="Token budget per question")] = None,
    home: HomeOpt = None,
) -> None:
    """Evaluate a version on an eval set: report.json, report.md and chart.png under
    LORE_HOME/evals/."""
    from lore.compose import build  # the query side: only the commands that ask load it

    items = load_eval_set(eval_set)  # a bad file fails before the model loads
    settings = settings_for(home)
    app = build(settings)
    try:
        folder, run, base = evaluate(promotion.bench(app), settings.home, items, eval_set,
                                     version or app.active.current(), baseline, budget)
    finally:
        app.close()
    print_summary(run, base)
    console.print(f"report: {folder}", markup=False)


def evaluate(
    bench: Bench, home: Path, items: Sequence[EvalItem], eval_set: Path, version: str,
    baseline: str | None, budget: int | None,
) -> tuple[Path, EvalRun, dict[str, Any] | None]:
    """Run, compare, write the report folder; returns (folder, run, baseline summary)."""
    from evaluation import chart  # matplotlib: imported only when a chart is drawn

    cache.evaluable(bench.registry, version)
    base_id = _baseline_id(bench, baseline)
    budget = budget or bench.budget
    digest = cache.set_hash(eval_set)
    with ingest_progress(console) as progress:
        run = run_eval(bench, items, version, budget, progress)
        cache.remember(bench, digest, run)
        base = (cache.summary_for(bench, items, digest, base_id, budget, progress)
                if base_id else None)
    now = datetime.now(UTC)
    folder = _folder(home, now, version)
    meta = {"eval_set": str(eval_set), "eval_set_sha256": digest,
            "created_at": now.isoformat(timespec="seconds")}
    report.write(report.build(run, meta, base), folder)
    chart.write_chart(folder / "chart.png", run.summary(), base)
    return folder, run, base


def _baseline_id(bench: Bench, baseline: str | None) -> str | None:
    if baseline != "active":
        return baseline
    active = bench.registry.active()
    if active is None:
        raise NotReady("--baseline active: no version is active yet")
    return active.id


def _folder(home: Path, when: datetime, version: str) -> Path:
    """evals/<timestamp>-<version>, with a counter if two runs start in the same second."""
    base = home / "evals" / f"{when:%Y%m%dT%H%M%SZ}-{version}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def _fmt(value: float | None, sign: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def print_summary(run: EvalRun, base: dict[str, Any] | None) -> None:
    table = Table("metric", run.version, *((base["version"], "Δ") if base else ()))
    for m in METRICS:
        new = run.overall[m]
        cells = [_fmt(new)]
        if base:
            old = base["overall"].get(m)
            cells += [_fmt(old), _fmt(None if new is None or old is None else new - old, True)]
        table.add_row(m, *cells)
    console.print(table)
    stages = ", ".join(f"{s} {v['p50']:.0f}/{v['p95']:.0f}" for s, v in run.latency_ms.items())
    console.print(f"latency ms p50/p95: {stages}", style="dim", markup=False)


def promote_with_report(
    admin: Admin, version: str, force: bool, canary: int | None, key: str | None
) -> Outcome:
    """`lore promote`: the promotion path, with the gate's table when it ran."""
    with ingest_progress(console) as progress:
        outcome, message = admin.promote(version, admin.principal(key), force, canary, progress)
    gate = (admin.registry.get(version).eval or {}).get("gate")
    gate = gate if admin.settings.gate.eval_set is not None else None  # none ran: gate off
    if gate and gate.get("baseline_metrics") is not None:
        _print_gate(gate["candidate_metrics"], gate["baseline_metrics"], gate["baseline"],
                    version, admin.settings.gate.eval_max_drop)
    console.print(message, markup=False, style=None if gate else "dim")
    return outcome


def _print_gate(new: dict, old: dict, baseline: str, version: str, limits: dict) -> None:
    table = Table("metric", baseline, version, "Δ", "allowed drop")
    for m, limit in sorted(limits.items()):
        change = None if new.get(m) is None or old.get(m) is None else new[m] - old[m]
        table.add_row(m, _fmt(old.get(m)), _fmt(new.get(m)), _fmt(change, True), f"{limit:.3f}")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
