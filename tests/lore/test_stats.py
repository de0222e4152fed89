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
        stats.record("v1", False, ms)
    stats.record("v2", True, 5.0)
    summary = stats.summary()
    assert summary["v1"] == {"requests": 3, "abstention_rate": 0.0, "p50_ms": 20.0}
    assert summary["v2"] == {"requests": 1, "abstention_rate": 1.0, "p50_ms": 5.0}


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
