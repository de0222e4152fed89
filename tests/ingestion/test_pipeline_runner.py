"""One run as the CLI does it: the ingest lock, run records, the evaluation gate."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.errors import IndexBuildError
from index.versions import VersionStatus
from ingestion.lock import IngestRunning, ingest_lock
from ingestion.runner import Job, run_job
from ingestion.runs import Outcome, read_records
from lore.promotion import unattended
from lore.settings import Settings
from lore.stores import open_registry, open_store
from tests.conftest import CORPUS, TRUST, copy_home
from tests.ingestion.conftest import active_id

EVAL_SET = CORPUS.parent / "eval.jsonl"


def no_model():
    raise AssertionError("the model must not load for this run")


def test_lock_is_exclusive_and_names_its_holder(tmp_path: Path):
    refused = pytest.raises(IngestRunning, match=f"pid {os.getpid()}")
    with ingest_lock(tmp_path), refused, ingest_lock(tmp_path):
        pass
    with ingest_lock(tmp_path):  # released on exit
        pass


def test_a_second_run_is_refused_and_recorded(tmp_path: Path, corpus: Path):
    settings = Settings.of(home=tmp_path / "home")
    store, registry = open_store(settings), open_registry(settings)
    with ingest_lock(settings.home), pytest.raises(IngestRunning):
        run_job(Job(settings.ingest, settings.home, corpus), store, registry, no_model,
                unattended(settings))
    [record] = read_records(settings.home)
    assert record.outcome is Outcome.REFUSED and "another ingest is running" in str(record.error)
    assert registry.list() == []


def test_unchanged_run_never_loads_the_model(tmp_path: Path, corpus: Path, embedder):
    settings = Settings.of(home=tmp_path / "home")
    store, registry = open_store(settings), open_registry(settings)
    promote = unattended(settings)
    built = run_job(Job(settings.ingest, settings.home, corpus, promote=True), store, registry,
                    lambda: embedder, promote)
    again = run_job(Job(settings.ingest, settings.home, corpus, skip_if_unchanged=True), store,
                    registry, no_model, promote)
    store.close()
    assert (built.outcome, again.outcome) == (Outcome.BUILT, Outcome.UNCHANGED)
    assert again.version == built.version and not again.promoted and again.gate is None
    assert read_records(settings.home) == [built, again]


def test_a_failed_run_is_recorded_and_raised(tmp_path: Path, embedder):
    settings = Settings.of(home=tmp_path / "home")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "empty.md").write_text("")
    with pytest.raises(IndexBuildError):
        run_job(Job(settings.ingest, settings.home, tmp_path / "bad"), open_store(settings),
                open_registry(settings), lambda: embedder, unattended(settings))
    [record] = read_records(settings.home)
    assert record.outcome is Outcome.FAILED and "empty.md: empty file" in str(record.error)


def test_gate_refusal_keeps_the_candidate_ready(tmp_path: Path, sample_index, embedder):
    """The candidate lost the handbook: HR questions lose their evidence, the gate says no."""
    sample, _ = sample_index
    home, docs = tmp_path / "home", tmp_path / "docs"
    copy_home(sample.home, home)
    shutil.copytree(CORPUS, docs, ignore=shutil.ignore_patterns("handbook"))
    settings = Settings.of(home=home, trust_file=TRUST, eval_set=EVAL_SET)
    store, registry = open_store(settings), open_registry(settings)
    active = active_id(registry)
    record = run_job(Job(settings.ingest, settings.home, docs, promote=True), store, registry,
                     lambda: embedder, unattended(settings))
    store.close()
    assert record.outcome is Outcome.BUILT and not record.promoted
    assert record.version and record.gate and "regresses" in record.gate
    assert "context_recall" in record.gate
    assert registry.get(record.version).status is VersionStatus.READY
    assert active_id(registry) == active
    assert read_records(home)[-1] == record
