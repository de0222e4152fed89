"""An eval run as report.json (everything, per item) and report.md (for people)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evaluation.runner import METRICS, EvalRun, ItemResult, Metrics
from evaluation.stats import mean

# Enough to see a pattern in the failures without reading every question.
WORST = 5
# Sources shown per worst question: the top of the ranking is what the answerer mostly reads.
TOP_SOURCES = 3
# Per-category table: the columns that tell retrieval, context and answer problems apart.
CATEGORY_METRICS = ("hit@5", "mrr", "context_recall", "answer_f1", "citation_precision",
                    "correct_abstention")
# Long answers are truncated in the Markdown; report.json keeps them whole.
ANSWER_CHARS = 200


def _change(new: float | None, old: float | None) -> float | None:
    return None if new is None or old is None else new - old


def delta(candidate: Metrics, baseline: Mapping[str, float | None] | None) -> Metrics:
    return {m: _change(v, (baseline or {}).get(m)) for m, v in candidate.items()}


def item_score(r: ItemResult) -> float:
    """How well one question went, to rank the worst: unanswerable ones by abstention."""
    keys = ("hit@5", "context_recall", "answer_f1") if r.answerable else ("correct_abstention",)
    return mean(r.metrics[k] for k in keys) or 0.0


def worst(items: Sequence[ItemResult], n: int = WORST) -> list[ItemResult]:
    return sorted(items, key=lambda r: (item_score(r), r.id))[:n]


def build(run: EvalRun, meta: dict[str, Any], baseline: dict[str, Any] | None) -> dict[str, Any]:
    """`meta`: eval_set, eval_set_sha256, created_at; `baseline`: a cached summary or None."""
    base = baseline or {}
    return {
        **meta, "version": run.version, "baseline": base.get("version"), "budget": run.budget,
        "questions": len(run.items), "overall": run.overall,
        "baseline_overall": base.get("overall"), "delta": delta(run.overall, base.get("overall")),
        "categories": run.categories, "counts": run.counts,
        "baseline_categories": base.get("categories"),
        "latency_ms": run.latency_ms,
        "worst": [{**asdict(r), "score": item_score(r)} for r in worst(run.items)],
        "items": [asdict(r) for r in run.items],
    }


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _overall(report: dict[str, Any]) -> list[str]:
    base = report["baseline_overall"]
    head = f"| metric | {report['version']} |" + (f" {report['baseline']} | Δ |" if base else "")
    lines = [head, "|---|---:|" + ("---:|---:|" if base else "")]
    for m in METRICS:
        row = f"| {m} | {fmt(report['overall'][m])} |"
        if base:
            change = report["delta"][m]
            row += f" {fmt(base.get(m))} | {'–' if change is None else f'{change:+.3f}'} |"
        lines.append(row)
    return lines


def _categories(report: dict[str, Any]) -> list[str]:
    lines = ["| category | n | " + " | ".join(CATEGORY_METRICS) + " |",
             "|---|---:|" + "---:|" * len(CATEGORY_METRICS)]
    for name, values in report["categories"].items():
        cells = " | ".join(fmt(values[m]) for m in CATEGORY_METRICS)
        lines.append(f"| {name} | {report['counts'][name]} | {cells} |")
    return lines


def _worst(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for w in report["worst"]:
        m = w["metrics"]
        answer = w["answer"].replace("\n", " ")
        lines += [
            f"### {w['id']} ({w['category']}) — score {w['score']:.2f}", "", w["question"], "",
            f"- expected: {', '.join(w['expected_sources']) or '(unanswerable)'}",
            f"- retrieved (top {TOP_SOURCES}): {', '.join(w['sources'][:TOP_SOURCES]) or '—'}",
            f"- hit@5 {fmt(m['hit@5'])} · context recall {fmt(m['context_recall'])} · "
            f"answer F1 {fmt(m['answer_f1'])} · abstained {w['abstained']}",
            f"- answer: {answer[:ANSWER_CHARS]}{'…' if len(answer) > ANSWER_CHARS else ''}", "",
        ]
    return lines


def markdown(report: dict[str, Any]) -> str:
    against = f" against {report['baseline']}" if report["baseline"] else ""
    latency = ["| stage | p50 | p95 |", "|---|---:|---:|"] + [
        f"| {s} | {v['p50']:.1f} | {v['p95']:.1f} |" for s, v in report["latency_ms"].items()
    ]
    parts = [
        f"# Evaluation of {report['version']}{against}", "",
        f"{report['questions']} questions from `{report['eval_set']}` · budget "
        f"{report['budget']} tokens · {report['created_at']}", "",
        "## Overall", "", *_overall(report), "",
        "## Per category", "", *_categories(report), "",
        "## Latency (ms)", "", *latency, "",
        "## Worst questions", "", *_worst(report),
    ]
    return "\n".join(parts)


def write(report: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (folder / "report.md").write_text(markdown(report), encoding="utf-8")
