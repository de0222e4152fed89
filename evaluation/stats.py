"""Aggregation: means that skip unmeasured items, latency percentiles."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from core.errors import BadInput


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the measured values (None = not counted); None when nothing was measured."""
    measured = [v for v in values if v is not None]
    return sum(measured) / len(measured) if measured else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """p-th percentile (0..100) with linear interpolation between closest ranks (numpy's default).

    None for no values, so a stage that never ran reports nothing rather than 0.
    """
    if not 0 <= p <= 100:
        raise BadInput(f"percentile must be within 0..100, got {p}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise_latencies(latencies: dict[str, list[float]]) -> dict[str, dict[str, float | None]]:
    """Per stage (e.g. "retrieve", "answer"): median and tail latency, in the input's unit."""
    return {
        stage: {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        for stage, values in latencies.items()
    }
