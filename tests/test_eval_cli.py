"""`lore eval` end to end on data/eval.jsonl, and `lore promote` with the gate off.

The CLI loads its own model (as a user's shell does), once per command run here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.errors import BadInput, NotFound
from tests.conftest import copy_home

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "data" / "eval.jsonl"
# No gate and no trust file from the developer's environment.
ENV = {"LORE_EVAL_SET": None, "LORE_TRUST_FILE": None}


@pytest.fixture
def home(sample_index, tmp_path: Path) -> Path:
    """A copy of the shared sample home: `lore eval` caches numbers on the version record."""
    copy = tmp_path / "home"
    copy_home(sample_index[0].home, copy)
    return copy


def _run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def test_eval_writes_the_report_folder(home: Path):
    result = _run("eval", "--set", str(EVAL_SET), "--home", str(home), "--baseline", "active")
    assert result.exit_code == 0, result.output
    assert "hit@5" in result.output and "report: " in result.output
    (folder,) = (home / "evals").iterdir()
    assert folder.name.endswith("-v1")
    assert {p.name for p in folder.iterdir()} == {"report.json", "report.md", "chart.png"}
    report = json.loads((folder / "report.json").read_text())
    assert report["version"] == report["baseline"] == "v1" and report["questions"] == 32
    assert report["overall"]["hit@5"] >= 0.9 and report["overall"]["context_recall"] >= 0.9
    # The cached baseline is this very run (a metric with nothing to measure stays None).
    assert {v for m, v in report["delta"].items() if report["overall"][m] is not None} == {0.0}
    assert len(report["worst"]) == 5 and all(w["sources"] for w in report["worst"])
    assert set(report["categories"]) == {"hr", "security", "product", "release", "operations",
                                         "off-topic"}
    assert "## Worst questions" in (folder / "report.md").read_text()
    assert (folder / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_eval_of_a_missing_set_fails_before_loading_anything(home: Path):
    result = _run("eval", "--set", str(home / "nope.jsonl"), "--home", str(home))
    assert isinstance(result.exception, NotFound)


def test_eval_rejects_a_non_positive_budget(home: Path):
    result = _run("eval", "--set", str(EVAL_SET), "--budget", "0", "--home", str(home))
    assert result.exit_code == 2 and "budget" in result.output


def test_promote_without_an_eval_set_says_the_gate_is_off(home: Path):
    result = _run("promote", "v1", "--home", str(home))
    assert result.exit_code == 0, result.output
    assert "no evaluation gate" in result.output and "v1 is now active" in result.output


def test_eval_set_errors_name_the_line(home: Path, tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok"}\n{"answerable": "yes", "question": "q"}\n')
    result = _run("eval", "--set", str(bad), "--home", str(home))
    assert isinstance(result.exception, BadInput) and ":2:" in str(result.exception)
