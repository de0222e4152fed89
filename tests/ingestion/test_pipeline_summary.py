"""What `lore ingest` prints about a run, for each way a run can end."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ingestion.report import RunReport
from ingestion.runs import Outcome, RunRecord
from ingestion.summary import summary_lines

REPORT = RunReport(version="v3", base="v2", files=5, documents=4, new=1, changed=1,
                   unchanged=2, deleted=1, chunks=20, embedded=3, reused=17, carried=15,
                   seconds=2.5)


def record(outcome: Outcome = Outcome.BUILT, **fields: Any) -> RunRecord:
    return RunRecord("t0", "t1", "/docs", outcome, "v3", report=REPORT.as_dict(), **fields)


def test_built_run_lists_counts_and_skips():
    report = replace(REPORT, skipped=[], warnings=[])
    report.skip("a.xyz", "unsupported file type '.xyz'", "")
    report.warn("b.txt", "not valid UTF-8")
    lines = summary_lines(RunRecord("t0", "t1", "/d", Outcome.BUILT, "v3",
                                    report=report.as_dict()), promote=False)
    assert lines == [
        "v3 built (not active: run `lore promote v3`)",
        "documents indexed 4 of 5 files: new 1, changed 1, unchanged 2, deleted 1",
        "chunks 20: embedded 3, reused 17 (carried 15, from cache 2)",
        "seconds 2.5",
        "  skipped a.xyz: unsupported file type '.xyz'",
        "  warning b.txt: not valid UTF-8",
    ]


def test_promotion_and_gate_refusal_headlines():
    assert summary_lines(record(promoted=True), True)[0] == "v3 built and promoted"
    refused = record(gate="v3 regresses against the active version v2")
    assert summary_lines(refused, True)[0] == (
        "v3 built, not promoted: v3 regresses against the active version v2")


def test_rebuild_and_retrust_are_said():
    report = {**REPORT.as_dict(), "rebuilt": True, "retrusted": 2}
    lines = summary_lines(RunRecord("t0", "t1", "/d", Outcome.BUILT, "v3", report=report), False)
    assert lines[1] == "pipeline settings differ from v2's: full rebuild, nothing carried"
    assert lines[2].endswith("deleted 1, re-trusted 2")


def test_unchanged_run_says_nothing_was_built():
    report = {**REPORT.as_dict(), "built": False, "version": "v2"}
    lines = summary_lines(RunRecord("t0", "t1", "/d", Outcome.UNCHANGED, "v2", report=report),
                          promote=True)
    assert lines[0] == "nothing changed since v2 (same files, same settings): no new version built"
    assert not any(line.startswith("chunks") for line in lines)
