"""Feedback on real answers, exported as eval cases that `lore eval` runs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app as cli
from evaluation.dataset import load_eval_set
from lore.compose import open_observer
from lore.feedback import Feedback
from lore.settings import Settings
from pipeline.state import Query
from tests.conftest import copy_home


def test_feedback_becomes_eval_cases_lore_eval_accepts(sample_index, lore_for,
                                                       tmp_path: Path) -> None:
    sample, _ = sample_index
    home = tmp_path / "home"
    copy_home(sample.home, home)
    settings = Settings.of(home=home, trust_file=sample.ingest.trust_file)
    lore = lore_for(settings)
    good, t_good = lore.ask(Query("What is the maximum payload of the Atlas 150?"))
    _, t_bad = lore.ask(Query("How many PTO days do new employees get?"))
    _, t_edit = lore.ask(Query("Who approves remote work?"))
    fb = lore.observer.feedback
    traces = lore.observer.traces
    fb.add(Feedback(t_good.id, rating="up"), traces.get(t_good.id) or {})
    fb.add(Feedback(t_bad.id, rating="down", reason="wrong number"), traces.get(t_bad.id) or {})
    fb.add(Feedback(t_edit.id, rating="down", edited_answer="Your manager approves it."),
           traces.get(t_edit.id) or {})
    assert lore.observer.feedback.per_version()[good.version] == {
        "up": 1, "down": 2, "edits": 1, "comparisons": 0}

    out = tmp_path / "feedback.jsonl"
    done = CliRunner().invoke(cli, ["feedback", "export", "--out", str(out), "--home", str(home)])
    assert done.exit_code == 0, done.output
    cases = {c["question"]: c for c in map(json.loads, out.read_text().splitlines())}
    up = cases["What is the maximum payload of the Atlas 150?"]
    assert "[" not in up["reference_answer"] and up["expected_sources"]
    assert cases["Who approves remote work?"]["reference_answer"] == "Your manager approves it."
    down = cases["How many PTO days do new employees get?"]
    assert "reference_answer" not in down and down["rejected_answers"]
    items = load_eval_set(out)
    assert {i.question for i in items} == set(cases)
    evaluated = CliRunner().invoke(cli, ["eval", "--set", str(out), "--home", str(home)])
    assert evaluated.exit_code == 0, evaluated.output
    assert "rejected_overlap" in evaluated.output


def test_feedback_is_kept_across_processes(tmp_path: Path) -> None:
    settings = Settings.of(home=tmp_path / "home")
    first = open_observer(settings)
    first.feedback.add(Feedback("r1", comment="nice"), {"attributes": {"replay": {
        "version": "v1", "question": "q", "answer": "a [1]", "citations": []}}})
    first.close()
    again = open_observer(settings)
    (row,) = again.feedback.rows()
    assert (row["request_id"], row["comment"], row["version"]) == ("r1", "nice", "v1")
    again.close()
