"""`lore ingest --schedule`: the foreground scheduler, on a clock the test turns by hand."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from core.errors import NotFound
from ingestion.cron import parse_cron
from ingestion.runner import Job, run_job
from ingestion.runs import Outcome, read_records
from ingestion.schedule import MAX_NAP, scheduled, ticks
from lore.promotion import unattended
from lore.settings import Settings
from lore.stores import open_registry, open_store
from tests.ingestion.conftest import active_id


class Clock:
    """Wall clock and sleep for the scheduler: sleeping moves time on, nothing waits."""

    def __init__(self, start: datetime) -> None:
        self.t = start
        self.naps: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.t += timedelta(seconds=seconds)


def test_ticks_come_at_each_matching_minute_after_short_naps():
    clock = Clock(datetime(2025, 3, 14, 1, 58, 30))
    due = list(islice(ticks(parse_cron("0 2 * * *"), clock.now, clock.sleep), 2))
    assert due == [datetime(2025, 3, 14, 2, 0), datetime(2025, 3, 15, 2, 0)]
    assert max(clock.naps) <= MAX_NAP
    assert clock.t == due[-1]


def test_minutes_missed_during_a_long_run_are_skipped():
    clock = Clock(datetime(2025, 3, 14, 2, 0, 30))

    def run() -> datetime:
        clock.t += timedelta(minutes=5, seconds=10)  # the run overruns five matching minutes
        return clock.t

    got = list(islice(scheduled(parse_cron("* * * * *"), run, clock.now, clock.sleep), 2))
    assert [due for due, _ in got] == [datetime(2025, 3, 14, 2, 1), datetime(2025, 3, 14, 2, 7)]


def test_nightly_runs_record_each_night_and_survive_a_bad_one(
    tmp_path: Path, corpus: Path, embedder
):
    settings = Settings.of(home=tmp_path / "home")
    job = Job(settings.ingest, settings.home, corpus, promote=True, skip_if_unchanged=True)
    promote = unattended(settings)
    store, registry = open_store(settings), open_registry(settings)
    clock = Clock(datetime(2025, 3, 14, 12, 0))
    nights = scheduled(parse_cron("0 2 * * *"),
                       lambda: run_job(job, store, registry, lambda: embedder, promote),
                       clock.now, clock.sleep)
    first = next(nights)[1]
    shutil.move(corpus, tmp_path / "away")
    missing = next(nights)[1]
    shutil.move(tmp_path / "away", corpus)
    unchanged = next(nights)[1]
    store.close()
    assert isinstance(missing, NotFound)
    records = read_records(settings.home)
    assert [r.outcome for r in records] == [Outcome.BUILT, Outcome.FAILED, Outcome.UNCHANGED]
    assert records[0] == first and records[2] == unchanged
    assert first.promoted and active_id(registry) == first.version == unchanged.version
    assert str(records[1].error).startswith("NotFound") and records[1].report is None
    assert first.report and unchanged.report
    assert first.report["new"] == 4 and unchanged.report["unchanged"] == 4
    assert all(r.started_at <= r.ended_at for r in records)
    assert [r.id for r in registry.list()] == [first.version]
