"""ingestion/ahead.py: results in order, computed in the background, at most `depth` ahead."""

from __future__ import annotations

import threading

import pytest

from ingestion.ahead import ahead

DEPTH = 3


def test_results_come_in_order_from_another_thread() -> None:
    threads: set[str] = set()

    def square(n: int) -> int:
        threads.add(threading.current_thread().name)
        return n * n

    assert list(ahead(range(10), square, DEPTH)) == [n * n for n in range(10)]
    assert threading.current_thread().name not in threads


def test_it_never_runs_more_than_depth_ahead() -> None:
    taken: list[int] = []
    lead: list[int] = []

    def record(n: int) -> int:
        lead.append(n - len(taken))  # how far ahead of the caller this item is
        return n

    for n in ahead(range(20), record, DEPTH):
        taken.append(n)
    assert max(lead) <= DEPTH


def test_an_error_is_raised_where_its_result_is_taken() -> None:
    def fail_on_two(n: int) -> int:
        if n == 2:
            raise ValueError("bad file")
        return n

    results = ahead(range(5), fail_on_two, DEPTH)
    assert [next(results), next(results)] == [0, 1]
    with pytest.raises(ValueError, match="bad file"):
        next(results)


def test_stopping_early_drops_the_rest() -> None:
    started: list[int] = []

    def start(n: int) -> int:
        started.append(n)
        return n

    results = ahead(range(1000), start, DEPTH)
    assert next(results) == 0
    results.close()
    assert len(started) <= DEPTH + 1
