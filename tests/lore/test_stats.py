from __future__ import annotations

import multiprocessing as mp

from lore.stats import ServingStats


def _write(path, version, n):
    stats = ServingStats(path)
    for i in range(n):
        stats.record(version, abstained=i % 4 == 0, ms=float(i))
    stats.close()


def test_summary_per_version(tmp_path):
    stats = ServingStats(tmp_path / "s.sqlite")
    for ms in (10.0, 30.0, 20.0):
        stats.record("v1", False, ms, tokens=100, cost=0.002)
    stats.record("v2", True, 5.0)
    summary = stats.summary()
    assert summary["v1"] == {"requests": 3, "abstention_rate": 0.0, "p50_ms": 20.0,
                             "tokens": 300, "cost": 0.006}
    assert summary["v2"] == {"requests": 1, "abstention_rate": 1.0, "p50_ms": 5.0,
                             "tokens": 0, "cost": 0.0}


def test_a_home_from_before_the_token_columns_still_records(tmp_path):
    import sqlite3

    old = sqlite3.connect(tmp_path / "s.sqlite")
    old.execute("CREATE TABLE requests (version TEXT, at REAL, abstained INTEGER, ms REAL)")
    old.execute("INSERT INTO requests VALUES ('v1', 1.0, 0, 12.0)")
    old.commit()
    old.close()
    stats = ServingStats(tmp_path / "s.sqlite")
    stats.record("v1", True, 8.0, tokens=5, cost=0.1)
    assert stats.summary()["v1"]["requests"] == 2 and stats.summary()["v1"]["tokens"] == 5


def test_processes_share_one_file(tmp_path):
    path = tmp_path / "s.sqlite"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_write, args=(path, "v1", 40)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    summary = ServingStats(path).summary()["v1"]
    assert summary["requests"] == 120 and summary["abstention_rate"] == 0.25
