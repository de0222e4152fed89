"""chart.png: key metrics by category, candidate vs baseline bars (matplotlib, Agg)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# One panel each for retrieval, context, answer and abstention quality.
CHART_METRICS = ("hit@5", "context_recall", "answer_f1", "correct_abstention")
BAR_WIDTH = 0.38  # two bars side by side fill most of a category's slot
DPI = 110  # readable on screen, small enough to attach to a pull request


def _values(summary: dict[str, Any], metric: str, groups: list[str]) -> list[float]:
    """Per group (categories, then "overall"); NaN where unmeasured, which draws no bar."""
    table = {**summary["categories"], "overall": summary["overall"]}
    values = [table.get(g, {}).get(metric) for g in groups]
    return [math.nan if v is None else v for v in values]


def write_chart(path: Path, candidate: dict[str, Any], baseline: dict[str, Any] | None) -> None:
    """`candidate` and `baseline`: run summaries (EvalRun.summary())."""
    groups = [*candidate["categories"], "overall"]
    # Pyplot-free figure with an explicit Agg canvas: no global backend, safe in the API too.
    figure = Figure(figsize=(12, 7), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 2, sharey=True).flat
    positions = list(range(len(groups)))
    for ax, metric in zip(axes, CHART_METRICS, strict=True):
        offset = BAR_WIDTH / 2 if baseline else 0.0
        ax.bar([p - offset for p in positions], _values(candidate, metric, groups), BAR_WIDTH,
               label=f"{candidate['version']} (candidate)")
        if baseline:
            ax.bar([p + offset for p in positions], _values(baseline, metric, groups), BAR_WIDTH,
                   label=f"{baseline['version']} (baseline)")
        ax.set_title(metric)
        ax.set_ylim(0, 1.05)
        ax.set_xticks(positions, groups, rotation=30, ha="right")
        ax.grid(axis="y", alpha=0.3)
    figure.legend(*figure.axes[0].get_legend_handles_labels(), loc="outside upper right")
    figure.savefig(path, metadata={"Software": None})
