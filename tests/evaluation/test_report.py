"""report.json/report.md content and chart.png, from hand-made runs (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaluation.chart import write_chart
from evaluation.report import build, delta, markdown, worst, write
from evaluation.runner import METRICS, ItemResult, aggregate

META = {"eval_set": "set.jsonl", "eval_set_sha256": "ab" * 32, "created_at": "2024-01-01"}


def _item(rid: str, metrics: dict[str, float], answerable: bool = True) -> ItemResult:
    return ItemResult(rid, f"question {rid}?", "hr", answerable, ("a.md",) if answerable else (),
                      ("b.md", "a.md", "c.md", "d.md"), "[b.md]\ntext", f"answer {rid}", False,
                      {m: metrics.get(m) for m in METRICS}, {"embed": 1.0, "total": 2.0})


RUN = aggregate("v2", 1024, [
    _item("good", {"hit@5": 1.0, "context_recall": 1.0, "answer_f1": 0.9}),
    _item("bad", {"hit@5": 0.0, "context_recall": 0.2, "answer_f1": 0.0}),
    _item("na", {"correct_abstention": 0.0}, answerable=False),
])
BASELINE: dict[str, Any] = {"version": "v1", "overall": {"hit@5": 1.0, "context_recall": None},
            "categories": {"hr": {"hit@5": 1.0}}}


def test_worst_puts_the_failures_first():
    assert [r.id for r in worst(RUN.items, 2)] == ["na", "bad"]  # 0.0, then 0.2 / 3


def test_delta_is_none_where_either_side_is_unmeasured():
    d = delta(RUN.overall, BASELINE["overall"])
    assert d["hit@5"] == -0.5 and d["context_recall"] is None and d["mrr"] is None


def test_report_keys_and_markdown():
    report = build(RUN, META, BASELINE)
    assert {"version", "baseline", "eval_set", "eval_set_sha256", "budget", "questions",
            "overall", "baseline_overall", "delta", "categories", "counts", "latency_ms",
            "worst", "items"} <= set(report)
    assert report["baseline"] == "v1" and report["questions"] == 3
    assert [w["id"] for w in report["worst"]] == ["na", "bad", "good"]
    assert report["worst"][1]["sources"][0] == "b.md"
    text = markdown(report)
    for heading in ("# Evaluation of v2 against v1", "## Overall", "## Per category",
                    "## Latency (ms)", "## Worst questions", "### bad (hr)"):
        assert heading in text
    assert "| hit@5 | 0.500 | 1.000 | -0.500 |" in text
    assert "retrieved (top 3): b.md, a.md, c.md" in text  # what was retrieved, not d.md


def test_report_without_baseline(tmp_path: Path):
    report = build(RUN, META, None)
    assert report["baseline"] is None and set(report["delta"].values()) == {None}
    write(report, tmp_path)
    assert json.loads((tmp_path / "report.json").read_text())["overall"] == RUN.overall
    assert "| metric | v2 |\n" in (tmp_path / "report.md").read_text()


def test_chart_is_a_png(tmp_path: Path):
    for baseline in (BASELINE, None):
        path = tmp_path / f"chart-{baseline is None}.png"
        write_chart(path, RUN.summary(), baseline)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
