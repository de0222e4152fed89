"""kill -9 in the middle of a build: the active version keeps serving, the next run cleans up."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from index.versions import VersionStatus
from ingestion.runner import Job, run_job
from lore.promotion import unattended
from lore.settings import Settings
from lore.stores import open_registry, open_store
from tests.conftest import ask
from tests.ingestion.conftest import MakeIngestor, active_id

ROOT = Path(__file__).resolve().parents[2]
# A bound on the child's model load and parse, not a timing assertion.
CHILD_DEADLINE = 600

# The child is a real `lore ingest` run (lock, plan, build) whose progress sink says so once
# the new version's shard holds data, then waits to be killed.
CHILD = """
import sys, time
from pathlib import Path
from ingestion.runner import Job, run_job
from lore.settings import Settings
from lore.stores import load_embedder, open_registry, open_store
from lore.promotion import unattended

def progress(stage, done, total):
    if stage == "index":
        print("indexing", flush=True)
        time.sleep(3600)

settings = Settings.of(home=Path(sys.argv[1]))
job = Job(settings.ingest, settings.home, Path(sys.argv[2]), promote=True)
run_job(job, open_store(settings), open_registry(settings), lambda: load_embedder(settings),
        unattended(settings), progress)
"""


def wait_for_line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(child.stdout, selectors.EVENT_READ)
        assert sel.select(CHILD_DEADLINE), "the child never reached the index stage"
    return child.stdout.readline().strip()


def test_kill_9_mid_build(corpus: Path, make_ingestor: MakeIngestor, lore_for, embedder,
                          tmp_path: Path):
    ingestor = make_ingestor()
    home = tmp_path / "home"
    v1 = ingestor.run(corpus, promote=True).version
    (corpus / "hr" / "expenses.md").write_text("# Expenses\n\nHotels: up to EUR 240 a night.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(home), str(corpus)], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert wait_for_line(child) == "indexing"
        building = ingestor.registry.list()[-1]
        assert building.status is VersionStatus.BUILDING and building.pid == child.pid
        assert (home / "index" / building.id).is_dir()
    finally:
        child.kill()  # SIGKILL: no handler runs, nothing is cleaned up
        child.wait()
    settings = Settings.of(home=home)
    answered = ask(lore_for(settings), "How many days of annual leave do employees get?")
    assert answered.version == v1 and "28 days" in answered.answer.text
    assert ingestor.registry.get(building.id).status is VersionStatus.BUILDING
    listed = CliRunner().invoke(app, ["versions", "--json", "--home", str(home)])
    rows = {r["id"]: r for r in json.loads(listed.output)}  # `lore versions` sees the dead pid
    assert rows[building.id]["status"] == "failed" and rows[building.id]["error"] == "interrupted"
    assert not (home / "index" / building.id).exists()
    after = run_job(Job(settings.ingest, settings.home, corpus), open_store(settings),
                    open_registry(settings), lambda: embedder,
                    unattended(settings))  # the dead child's lock is gone with it
    assert active_id(ingestor.registry) == v1
    assert after.report and after.report["changed"] == 1
