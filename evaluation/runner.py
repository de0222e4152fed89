"""Run an eval set through the evaluate flow on one version and aggregate its metrics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from answer.grounding import MARKER
from context.render import render_passages
from core.models import Answer
from evaluation.answer_metrics import abstained_correctly, citation_precision, rouge_l, token_f1
from evaluation.dataset import EvalItem
from evaluation.retrieval_metrics import context_recall, mrr, ndcg_at_k, source_hit_at_k
from evaluation.stats import mean, summarise_latencies
from index.base import VersionRegistry
from pipeline.runner import Flow, run
from pipeline.state import Query, State, need

# Every metric lies in 0..1; all but the two abstention rates are better higher.
METRICS = (
    "hit@1", "hit@5", "mrr", "ndcg@10", "context_recall", "answer_f1", "rouge_l",
    "citation_precision", "abstention_rate", "false_abstention", "correct_abstention",
    "rejected_overlap",
)
# rejected_overlap: token F1 of the answer against the closest answer users rejected.
LOWER_IS_BETTER = frozenset({"abstention_rate", "false_abstention", "rejected_overlap"})
UNCATEGORISED = "uncategorised"

Progress = Callable[[str, int, int], None]  # (label, done, total), as lore's progress display
Metrics = dict[str, float | None]


def no_progress(label: str, done: int, total: int) -> None:
    """Default progress sink: say nothing."""


@dataclass(frozen=True)
class Bench:
    """What an evaluation runs on: the evaluate flow (the ask flow without `record`, so
    evaluation traffic never counts as serving traffic) and where verdicts are kept."""

    flow: Flow
    registry: VersionRegistry
    key: str  # changes whenever the query-time settings or code do: part of the cache key
    budget: int  # the configured budget, when a run names none


@dataclass(frozen=True)
class ItemResult:
    id: str
    question: str
    category: str
    answerable: bool
    expected_sources: tuple[str, ...]
    sources: tuple[str, ...]  # retrieved, in rank order
    context: str  # the passages as the prompt shows them
    answer: str
    abstained: bool
    metrics: Metrics
    timings_ms: dict[str, float]


@dataclass(frozen=True)
class EvalRun:
    version: str
    budget: int
    items: tuple[ItemResult, ...]
    overall: Metrics
    categories: dict[str, Metrics]
    counts: dict[str, int]  # questions per category
    latency_ms: dict[str, dict[str, float | None]]  # stage -> p50/p95

    def summary(self) -> dict[str, Any]:
        """What a comparison needs (no per-item detail): cached on the version record."""
        return {"version": self.version, "budget": self.budget, "questions": len(self.items),
                "overall": self.overall, "categories": self.categories, "counts": self.counts}


def score_item(item: EvalItem, sources: Sequence[str], context: str, answer: Answer) -> Metrics:
    """One question's metrics; None where the item gives nothing to measure against."""
    expected = item.expected_sources
    reference = item.reference_answer if item.answerable else None
    text = MARKER.sub("", answer.text)  # markers are not words of the answer
    correct = abstained_correctly(item.answerable, answer)
    return {
        "hit@1": source_hit_at_k(sources, expected, 1),
        "hit@5": source_hit_at_k(sources, expected, 5),
        "mrr": mrr(sources, expected),
        "ndcg@10": ndcg_at_k(sources, expected, 10),
        "context_recall": context_recall(item.reference_contexts, context),
        "answer_f1": None if reference is None else token_f1(text, reference),
        "rouge_l": None if reference is None else rouge_l(text, reference),
        "citation_precision": citation_precision(answer),
        "abstention_rate": float(answer.abstained),
        "false_abstention": float(answer.abstained) if item.answerable else None,
        "correct_abstention": None if correct is None else float(correct),
        "rejected_overlap": _rejected_overlap(item, answer, text),
    }


def _rejected_overlap(item: EvalItem, answer: Answer, text: str) -> float | None:
    """How close the answer comes to one users rejected; an abstention repeats none."""
    if not item.rejected_answers:
        return None
    if answer.abstained:
        return 0.0
    return max(token_f1(text, rejected) for rejected in item.rejected_answers)


def run_item(flow: Flow, item: EvalItem, version: str, budget: int) -> ItemResult:
    state, trace = run(flow, State(Query(item.question, budget=budget, version=version)))
    answer = need(state.answer, "answer")
    sources = tuple(h.chunk.source for h in need(state.retrieval, "retrieval").hits)
    context = render_passages(need(state.prompt, "prompt").context.passages)
    return ItemResult(
        id=item.id, question=item.question, category=item.category or UNCATEGORISED,
        answerable=item.answerable, expected_sources=item.expected_sources, sources=sources,
        context=context, answer=answer.text, abstained=answer.abstained,
        metrics=score_item(item, sources, context, answer), timings_ms=trace.timings_ms(),
    )


def _means(results: Sequence[ItemResult]) -> Metrics:
    return {m: mean(r.metrics[m] for r in results) for m in METRICS}


def aggregate(version: str, budget: int, results: Sequence[ItemResult]) -> EvalRun:
    """Means over the items that measured each metric, overall and per category."""
    by_category: dict[str, list[ItemResult]] = defaultdict(list)
    latencies: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_category[r.category].append(r)
        for stage, ms in r.timings_ms.items():
            latencies[stage].append(ms)
    names = sorted(by_category)
    return EvalRun(
        version=version, budget=budget, items=tuple(results), overall=_means(results),
        categories={c: _means(by_category[c]) for c in names},
        counts={c: len(by_category[c]) for c in names},
        latency_ms=summarise_latencies(dict(latencies)),
    )


def run_eval(
    bench: Bench, items: Sequence[EvalItem], version: str, budget: int | None = None,
    progress: Progress = no_progress,
) -> EvalRun:
    """Ask every item, in order, of `version` at `budget` tokens (default: the bench's)."""
    budget = budget or bench.budget
    label = f"eval {version}"
    progress(label, 0, len(items))
    results = []
    for done, item in enumerate(items, start=1):
        results.append(run_item(bench.flow, item, version, budget))
        progress(label, done, len(items))
    return aggregate(version, budget, results)
