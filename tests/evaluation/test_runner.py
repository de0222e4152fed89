"""The eval runner: per-item scoring, aggregation, and a real run over the sample set.

Measured on data/eval.jsonl at the default budget (1024 reader tokens, cl100k; the evidence
step deciding abstention): hit@1 0.769, hit@5 1.000, MRR 0.839, nDCG@10 0.878, context recall
0.981, answer F1 0.451, ROUGE-L 0.360, citation precision 1.000, abstention rate 0.375, false
abstention 0.231, correct abstention 1.000 (before: recall 1.000, F1 0.486, ROUGE-L 0.425 with
word-piece budgets and the lexical threshold). The bounds below sit a margin under those, so
they catch a real regression and not a tie-break flip.
"""

from __future__ import annotations

import pytest

from core.models import Answer, Citation
from evaluation.dataset import EvalItem
from evaluation.runner import (
    METRICS,
    UNCATEGORISED,
    EvalRun,
    ItemResult,
    aggregate,
    run_eval,
    score_item,
)
from lore.compose import Lore
from lore.promotion import bench


@pytest.fixture(scope="module")
def sample_run(sample_lore: Lore, eval_items: list[EvalItem]) -> EvalRun:
    return run_eval(bench(sample_lore), eval_items, sample_lore.active.current())


def test_overall_metrics_on_the_sample_set(sample_run: EvalRun):
    o = sample_run.overall
    assert set(o) == set(METRICS)
    assert o["hit@5"] >= 0.9 and o["hit@1"] >= 0.6  # type: ignore[operator]
    assert o["mrr"] >= 0.7 and o["ndcg@10"] >= 0.75  # type: ignore[operator]
    assert o["context_recall"] >= 0.9  # type: ignore[operator]
    # ROUGE-L 0.296 (0.346 before) since the evidence threshold was re-swept on the rhdh manuals
    # (0.56 -> 0.58): two two-part questions score 0.57, one sentence answering each part.
    assert o["answer_f1"] >= 0.35 and o["rouge_l"] >= 0.29  # type: ignore[operator]
    assert o["citation_precision"] >= 0.95  # type: ignore[operator]
    assert o["correct_abstention"] >= 0.8  # type: ignore[operator]
    assert o["false_abstention"] <= 0.4  # type: ignore[operator]


def test_categories_partition_the_set(sample_run: EvalRun, eval_items: list[EvalItem]):
    assert sum(sample_run.counts.values()) == len(eval_items) == len(sample_run.items)
    assert set(sample_run.categories) == {i.category or UNCATEGORISED for i in eval_items}
    for name, values in sample_run.categories.items():
        answerable = [i for i in eval_items if i.category == name and i.answerable]
        assert (values["hit@5"] is None) == (not answerable), name


def test_items_keep_what_was_retrieved_and_answered(sample_run: EvalRun):
    for r in sample_run.items:
        assert r.sources, r.id
        assert f"[{r.sources[0]}" in r.context  # the top hit's passage header
        assert r.answer
        if r.answerable:
            assert r.metrics["correct_abstention"] is None
        else:
            assert r.metrics["hit@5"] is None and r.metrics["answer_f1"] is None


def test_latency_per_stage(sample_run: EvalRun):
    stages = {"embed", "dense", "sparse", "retrieve", "assemble", "generate", "verify", "total"}
    assert stages <= set(sample_run.latency_ms)
    for stage, p in sample_run.latency_ms.items():
        assert 0 <= p["p50"] <= p["p95"], stage  # type: ignore[operator]


def test_runs_are_deterministic(sample_lore: Lore, eval_items: list[EvalItem],
                                sample_run: EvalRun):
    again = run_eval(bench(sample_lore), eval_items[:4], sample_run.version)
    for first, second in zip(sample_run.items, again.items, strict=False):
        assert (first.sources, first.context, first.answer, first.metrics) == (
            second.sources, second.context, second.answer, second.metrics)


def test_score_item_strips_citation_markers():
    item = EvalItem("q", "How long?", reference_answer="within 1 hour",
                    reference_contexts=("Report it within 1 hour.",), expected_sources=("a.md",))
    cited = Answer("Report it within 1 hour. [1]", False,
                   (Citation(1, "a.md", "A", None, "c1", "Report it within 1 hour."),))
    m = score_item(item, ["b.md", "a.md"], "[a.md]\nReport it within 1 hour.", cited)
    assert m["hit@1"] == 0.0 and m["hit@5"] == 1.0 and m["mrr"] == 0.5
    assert m["context_recall"] == 1.0 and m["citation_precision"] == 1.0
    assert m["answer_f1"] == pytest.approx(2 * (3 / 5) * 1 / (3 / 5 + 1))  # "[1]" is no word
    assert m["false_abstention"] == 0.0 and m["correct_abstention"] is None


def test_score_item_on_an_unanswerable_question():
    item = EvalItem("n", "Dental plan?", answerable=False)
    m = score_item(item, ["a.md"], "", Answer("Not found in the indexed documents.", True))
    assert m["correct_abstention"] == 1.0 and m["abstention_rate"] == 1.0
    assert m["false_abstention"] is None and m["hit@5"] is None and m["answer_f1"] is None


def _result(rid: str, category: str, **metrics: float | None) -> ItemResult:
    return ItemResult(rid, "?", category, True, (), (), "", "", False,
                      {m: metrics.get(m) for m in METRICS}, {"total": float(len(rid))})


def test_aggregate_means_skip_unmeasured_items():
    run = aggregate("v9", 512, [
        _result("a", "x", **{"hit@5": 1.0}), _result("bb", "x", **{"hit@5": 0.0}),
        _result("ccc", "y", **{"hit@5": None, "correct_abstention": 1.0}),
    ])
    assert run.overall["hit@5"] == 0.5 and run.overall["correct_abstention"] == 1.0
    assert run.categories["x"]["hit@5"] == 0.5 and run.categories["y"]["hit@5"] is None
    assert run.counts == {"x": 2, "y": 1}
    assert run.latency_ms["total"] == {"p50": 2.0, "p95": pytest.approx(2.9)}
    assert run.summary()["overall"] == run.overall and run.summary()["budget"] == 512
