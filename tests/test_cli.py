"""`lore ingest` and `lore versions` as a user runs them: real processes, output, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from ingestion.lock import ingest_lock

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "COLUMNS": "200"}
DOCS = {
    "leave.md": "# Leave\n\nEvery employee gets 28 days of paid annual leave per year.\n",
    "oncall.txt": "On-call\n\nPages are acknowledged within 15 minutes, day and night.\n",
    "photo.xyz": "not a document format",
}


def lore(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True)


def one_line_error(run: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert run.returncode == code, run.stderr
    assert run.stderr.strip().splitlines() == [run.stderr.strip()], run.stderr
    assert run.stderr.startswith("lore: ") and text in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(home, docs, output of the first `lore ingest --promote`)."""
    tmp = tmp_path_factory.mktemp("cli")
    docs, home = tmp / "docs", tmp / "home"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text)
    run = lore("ingest", docs, "--home", home, "--promote")
    assert run.returncode == 0, run.stderr
    return home, docs, run.stdout


def test_ingest_prints_a_summary(built: tuple[Path, Path, str]):
    lines = built[2].splitlines()
    assert "v1 built and promoted" in lines
    assert ("documents indexed 2 of 3 files: new 3, changed 0, unchanged 0, deleted 0"
            in lines)
    assert "chunks 2: embedded 2, reused 0 (carried 0, from cache 0)" in lines
    assert any(line.startswith("seconds ") for line in lines)
    assert any(line.startswith("  skipped photo.xyz: unsupported file type '.xyz'")
               for line in lines)


def test_versions_json(built: tuple[Path, Path, str]):
    run = lore("versions", "--home", built[0], "--json")
    assert run.returncode == 0, run.stderr
    v1 = json.loads(run.stdout)[0]
    assert (v1["id"], v1["status"], v1["active"]) == ("v1", "active", True)
    assert (v1["documents"], v1["chunks"]) == (2, 2)
    assert datetime.fromisoformat(v1["created_at"]).tzinfo is not None


def test_skip_if_unchanged_builds_nothing_and_succeeds(built: tuple[Path, Path, str]):
    home, docs, _ = built
    run = lore("ingest", docs, "--home", home, "--skip-if-unchanged")
    assert run.returncode == 0, run.stderr
    assert "nothing changed since v1" in run.stdout and "no new version built" in run.stdout
    assert [v["id"] for v in json.loads(lore("versions", "--home", home, "--json").stdout)
            if v["status"] != "failed"] == ["v1"]


def test_nothing_indexable_exits_1_and_keeps_the_active_version(
    built: tuple[Path, Path, str], tmp_path: Path
):
    home = built[0]
    (tmp_path / "empty.md").write_text("")
    run = lore("ingest", tmp_path, "--home", home, "--promote")
    one_line_error(run, 1, "nothing could be indexed (1 file): empty.md: empty file")
    rows = json.loads(lore("versions", "--home", home, "--json").stdout)
    assert rows[-1]["status"] == "failed" and not rows[-1]["active"]
    assert [r["id"] for r in rows if r["active"]] == ["v1"]


def test_a_second_ingest_at_once_is_refused(built: tuple[Path, Path, str]):
    home, docs, _ = built
    with ingest_lock(home):
        run = lore("ingest", docs, "--home", home)
    one_line_error(run, 5, f"another ingest is running on {home} (pid {os.getpid()})")


def test_missing_path_is_one_line(tmp_path: Path):
    one_line_error(lore("ingest", tmp_path / "nope", "--home", tmp_path / "home"), 3,
                   "nope: no such file or folder")


def test_unusable_home_is_one_line(tmp_path: Path):
    home = tmp_path / "home"
    home.write_text("a file where the home folder should be")
    one_line_error(lore("ingest", ROOT / "data" / "corpus", "--home", home), 2,
                   f"cannot create LORE_HOME {home}")
    one_line_error(lore("versions", "--home", home), 2, "cannot create LORE_HOME")


def test_bad_schedule_is_one_line(tmp_path: Path):
    run = lore("ingest", tmp_path, "--home", tmp_path / "home", "--schedule", "0 2 * *")
    one_line_error(run, 2, "needs 5 fields")
