from __future__ import annotations

import pytest

from retrieval.fusion import FusionMethod, fuse, rrf, weighted_sum


def test_rrf_matches_hand_computation() -> None:
    # a: 1/(60+1) + 2/(60+2); b: 1/(60+2); c: 2/(60+1)
    scores = rrf([["a", "b"], ["c", "a"]], k=60, weights=[1.0, 2.0])
    assert scores == pytest.approx({"a": 1 / 61 + 2 / 62, "b": 1 / 62, "c": 2 / 61})


def test_rrf_small_k_favours_top_ranks() -> None:
    scores = rrf([["a", "b", "c"]], k=0, weights=[1.0])
    assert scores == pytest.approx({"a": 1.0, "b": 0.5, "c": 1 / 3})


def test_rrf_rejects_mismatched_or_zero_weights() -> None:
    with pytest.raises(ValueError, match="2 rankings but 1 weights"):
        rrf([["a"], ["b"]], 60, [1.0])
    with pytest.raises(ValueError, match="not all 0"):
        rrf([["a"], ["b"]], 60, [0.0, 0.0])


def test_weighted_sum_min_max_normalises_each_list() -> None:
    dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)]
    sparse = [("c", 12.0), ("a", 2.0)]
    scores = weighted_sum([dense, sparse], [1.0, 1.0])
    assert scores == pytest.approx({"a": 1.0 + 0.0, "b": 0.5, "c": 0.0 + 1.0})


def test_weighted_sum_single_score_counts_as_one() -> None:
    assert weighted_sum([[("a", 3.0)]], [0.5]) == {"a": 0.5}


@pytest.mark.parametrize("method", list(FusionMethod))
def test_fuse_scales_to_one_for_first_everywhere(method: FusionMethod) -> None:
    ranked = [[("a", 0.9), ("b", 0.2)], [("a", 7.0), ("c", 1.0)]]
    scores = fuse(method, ranked, 60, [1.0, 0.5])
    assert scores["a"] == pytest.approx(1.0)
    assert all(0.0 <= s <= 1.0 for s in scores.values())


def test_fuse_rrf_normalisation_is_query_independent() -> None:
    # Rank 1 in one list only scores the same whatever else the lists hold.
    one = fuse(FusionMethod.RRF, [[("a", 1.0)], []], 60, [1.0, 1.0])
    other = fuse(FusionMethod.RRF, [[("x", 5.0), ("y", 4.0)], [("z", 9.0)]], 60, [1.0, 1.0])
    assert one["a"] == pytest.approx(other["x"]) == pytest.approx(0.5)
