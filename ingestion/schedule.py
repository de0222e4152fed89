"""`lore ingest --schedule CRON`: the process is its own scheduler, no daemon besides it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TypeVar

from ingestion.cron import Cron, next_fire

T = TypeVar("T")
# Nap at most this long, then read the clock again: after a suspend or a clock change a run
# starts within a minute of its time, not hours late.
MAX_NAP = 60.0


def ticks(
    cron: Cron, now: Callable[[], datetime] = datetime.now,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[datetime]:
    """Each matching minute once it has come (local time). Minutes that pass while the caller
    is busy with a run are skipped, not caught up."""
    while True:
        due = next_fire(cron, now())
        while (left := (due - now()).total_seconds()) > 0:
            sleep(min(left, MAX_NAP))
        yield due


def scheduled(
    cron: Cron, run: Callable[[], T], now: Callable[[], datetime] = datetime.now,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[tuple[datetime, T | Exception]]:
    """(due time, result or error) of each run: one failed night does not end the schedule."""
    for due in ticks(cron, now, sleep):
        try:
            result: T | Exception = run()
        except Exception as exc:  # the run's own record under runs/ has it too
            result = exc
        yield due, result
