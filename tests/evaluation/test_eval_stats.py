import numpy as np
import pytest

from core.errors import BadInput
from evaluation.stats import mean, percentile, summarise_latencies


def test_percentile_linear_interpolation():
    values = [4.0, 1.0, 3.0, 2.0]  # sorted: 1 2 3 4, positions 0..3
    assert percentile(values, 50) == 2.5  # position 3 * 0.5 = 1.5 -> 2 + 0.5 * (3 - 2)
    assert percentile(values, 95) == pytest.approx(3.85)  # 3 * 0.95 = 2.85 -> 3 + 0.85 * 1
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile([7.0], 95) == 7.0


def test_percentile_agrees_with_numpy_default():
    values = [12.5, 3.0, 40.0, 7.25, 7.25, 100.0, 0.5]
    for p in (0, 10, 50, 90, 95, 99, 100):
        assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


def test_percentile_edges():
    assert percentile([], 50) is None
    with pytest.raises(BadInput, match=r"0\.\.100"):
        percentile([1.0], 101)
    with pytest.raises(BadInput):
        percentile([1.0], -1)


def test_summarise_latencies():
    summary = summarise_latencies({"retrieve": [10, 20, 30, 40, 50], "answer": []})
    # retrieve: p50 at position 4 * 0.5 = 2 -> 30; p95 at 3.8 -> 40 + 0.8 * 10 = 48
    assert summary["retrieve"] == {"p50": 30, "p95": pytest.approx(48)}
    assert summary["answer"] == {"p50": None, "p95": None}


def test_mean_skips_unmeasured():
    assert mean([1.0, None, 0.0]) == 0.5
    assert mean([None, None]) is None
    assert mean([]) is None
