"""Per-question scores, their summary per row, and the Markdown the benchmark prints and writes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quality_rows import Retrieved

from answer.extractive import NOT_FOUND
from answer.grounding import MARKER
from context.render import render_passages
from core.models import Answer
from evaluation import EvalItem, context_recall, mean, percentile, token_f1

# The share of a reference context's content words that counts as "the evidence arrived".
HIT_RECALL = 0.5


@dataclass(frozen=True)
class Outcome:
    """One question on one row; the answer never abstained, `f1_at` applies a threshold."""

    answerable: bool
    recall: float | None
    tokens: int
    ms: float
    evidence: float
    f1: float  # of the answer given when not abstaining
    f1_abstained: float  # of the "not found" text: what abstaining scores


def outcome(item: EvalItem, got: Retrieved, answer: Answer, evidence: float) -> Outcome:
    text = render_passages(got.context.passages)
    reference = item.reference_answer or ""
    return Outcome(
        answerable=item.answerable,
        recall=context_recall(item.reference_contexts, text),
        tokens=got.context.tokens,
        ms=got.ms,
        evidence=evidence,
        f1=token_f1(MARKER.sub("", answer.text), reference),
        f1_abstained=token_f1(NOT_FOUND, reference),
    )


def f1_at(outcomes: Sequence[Outcome], threshold: float) -> float:
    """Answer F1 over the answerable items, as an answerer with this threshold would score."""
    return mean(
        o.f1 if o.evidence >= threshold else o.f1_abstained for o in outcomes if o.answerable
    ) or 0.0


def abstained_at(outcomes: Sequence[Outcome], threshold: float, answerable: bool) -> float | None:
    """Share of the (un)answerable items an answerer with this threshold abstains on."""
    return mean(float(o.evidence < threshold) for o in outcomes if o.answerable is answerable)


@dataclass(frozen=True)
class Summary:
    recall: float
    hit: float
    f1: float
    f1_answered: float  # over the answerable questions answered
    f1_always: float  # F1 if the answerer never abstained: the context's share of the answer
    refused: float  # share of the answerable questions abstained on
    false: float | None  # share of the unanswerable questions answered (None: no such)
    p50_ms: float
    tokens: float

    @classmethod
    def of(cls, outcomes: Sequence[Outcome], threshold: float) -> Summary:
        measured = [o.recall for o in outcomes if o.recall is not None]
        kept = [o.f1 for o in outcomes if o.answerable and o.evidence >= threshold]
        abstained = abstained_at(outcomes, threshold, False)
        return cls(
            recall=mean(measured) or 0.0,
            hit=sum(r >= HIT_RECALL for r in measured) / max(1, len(measured)),
            f1=f1_at(outcomes, threshold),
            f1_answered=mean(kept) or 0.0,
            f1_always=f1_at(outcomes, 0.0),
            refused=abstained_at(outcomes, threshold, True) or 0.0,
            false=None if abstained is None else 1 - abstained,
            p50_ms=percentile([o.ms for o in outcomes], 50) or 0.0,
            tokens=mean(o.tokens for o in outcomes) or 0.0,
        )


def table(summaries: dict[str, Summary]) -> str:
    lines = [
        "| Row | Context recall | hit@0.5 | Answer F1 | Answer F1, answered "
        "| Answer F1, never abstaining | Refused, answerable | False answers, unanswerable "
        "| p50 retrieval+packing (ms) | Mean context tokens |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {s.recall:.3f} | {s.hit:.3f} | {s.f1:.3f} | {s.f1_answered:.3f} "
        f"| {s.f1_always:.3f} | {s.refused:.1%} | {'' if s.false is None else f'{s.false:.1%}'} "
        f"| {s.p50_ms:.1f} | {s.tokens:.0f} |"
        for name, s in summaries.items()
    ]
    return "\n".join(lines)


def sweep_table(rows: dict[str, Sequence[Outcome]], thresholds: Sequence[float]) -> str:
    """Per threshold and row: answer F1, and the share abstained on answerable / unanswerable."""

    def cell(o: Sequence[Outcome], t: float) -> str:
        wrong, right = abstained_at(o, t, True), abstained_at(o, t, False)
        return f"{f1_at(o, t):.3f} / {wrong or 0:.0%}" + (f" / {right:.0%}" if right is not None
                                                          else "")

    head = "| Threshold (F1 / abstained, answerable / abstained, unanswerable) | " + " | ".join(
        rows) + " |"
    rule = "| ---: |" + " ---: |" * len(rows)
    body = [f"| {t:.2f} | " + " | ".join(cell(o, t) for o in rows.values()) + " |"
            for t in thresholds]
    return "\n".join([head, rule, *body])


def write_section(path: Path, title: str, body: str) -> None:
    """Replaces the "## title" section of `path` (or appends it), leaving the others alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")
