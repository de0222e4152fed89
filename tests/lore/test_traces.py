"""The local trace store, filled by real requests over the sample index."""

from __future__ import annotations

import json
from pathlib import Path

from core.tracing import Trace
from lore.compose import Lore
from lore.traces import TraceQuery, TraceStore
from pipeline.state import Query
from tests.conftest import copy_home

QUESTION = "What is the maximum payload of the Atlas 150?"


def test_a_request_leaves_a_replayable_trace(sample_lore: Lore) -> None:
    state, trace = sample_lore.ask(Query(QUESTION + " (traced)"))
    kept = sample_lore.observer.traces.get(trace.id)
    assert kept is not None and kept["request_id"] == trace.id
    spans = kept["spans"]
    assert spans[0]["name"] == "ask" and spans[0]["parent"] is None
    assert {"validate", "retrieve", "assemble", "generate", "verify", "record"} <= {
        s["name"] for s in spans}
    for s in spans:
        assert {"name", "start", "end", "duration_ms", "attributes"} <= set(s)
        assert s["start"] <= s["end"]
        if s["parent"] is not None:
            parent = spans[s["parent"]]
            assert parent["start"] <= s["start"] and s["end"] <= parent["end"]
    replay = kept["attributes"]["replay"]
    assert replay["question"].startswith(QUESTION) and replay["version"] == state.version
    assert replay["hits"] and {"dense_rank", "bm25_rank", "final"} <= set(
        replay["hits"][0]["breakdown"])
    assert replay["context"]["passages"] and replay["prompt"]["passages"]
    assert replay["draft"] and replay["answer"] == state.answer.text  # type: ignore[union-attr]
    assert kept["attributes"]["outcome"] in ("answered", "abstained")


def test_traces_are_found_by_what_happened(sample_lore: Lore) -> None:
    asked = [sample_lore.ask(Query(q)) for q in (QUESTION, "What is the capital of Peru?")]
    store = sample_lore.observer.traces
    found = {t["id"] for t in store.find(TraceQuery(abstained=True, limit=1000))}
    assert any(s.answer.abstained for s, _ in asked)  # type: ignore[union-attr]
    for state, trace in asked:
        assert (trace.id in found) == state.answer.abstained  # type: ignore[union-attr]
    slowest = store.find(TraceQuery(slow_ms=0.0, limit=1000))
    assert [t["at"] for t in slowest] == sorted((t["at"] for t in slowest), reverse=True)


def test_old_traces_go_past_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "traces.sqlite"
    first = TraceStore(path, keep_days=14, keep_max=2)
    ids = []
    for _ in range(3):
        t = Trace("ask")
        with t.span("ask"):
            pass
        first.export(t)
        ids.append(t.id)
    first.close()
    again = TraceStore(path, keep_days=14, keep_max=2)  # the first save of a process prunes
    t = Trace("ask")
    with t.span("ask"):
        pass
    again.export(t)
    assert [again.get(i) is not None for i in ids] == [False, False, True]
    assert again.get(t.id) is not None


def test_the_cli_shows_a_trace_and_lists_traces(sample_index, lore_for, tmp_path: Path) -> None:

    from typer.testing import CliRunner

    from cli.main import app as cli
    from lore.settings import Settings

    sample, _ = sample_index
    home = tmp_path / "home"
    copy_home(sample.home, home)
    lore = lore_for(Settings.of(home=home))
    _, trace = lore.ask(Query("What is the capital of Peru?"))
    lore.observer.flush()  # kept by the serving process's trace thread; the CLI reads the file
    runner = CliRunner()
    shown = runner.invoke(cli, ["trace", trace.id, "--home", str(home)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].startswith("ask") and any(line.strip().startswith("embed") for line in lines)
    assert "question: What is the capital of Peru?" in shown.output
    listed = runner.invoke(cli, ["traces", "--since", "2000-01-01", "--json", "--home",
                                 str(home)])
    assert listed.exit_code == 0 and trace.id in {t["id"] for t in json.loads(listed.output)}
    missing = runner.invoke(cli, ["trace", "0" * 32, "--home", str(home)])
    assert missing.exit_code != 0
