"""The whole ingest pipeline on real files, the real model and real Edge shards in tmp_path."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.errors import IndexBuildError
from index.versions import VersionStatus
from ingestion.cache import EmbeddingCache
from lore.settings import Settings
from tests.conftest import ask
from tests.ingestion.conftest import DOCS, MakeIngestor, active_id, write_docs

ROOT = Path(__file__).resolve().parents[2]
HANDBOOK_PDF = ROOT / "data" / "corpus" / "handbook" / "employee-handbook.pdf"

# File -> the start of the reason it must be skipped with (one batch, every kind of bad input).
BAD = {
    "archive.xyz": "unsupported file type '.xyz'",
    "broken.pdf": "corrupt PDF",
    "empty.md": "empty file",
    "junk.txt": "binary content in a text file",
    "big.md": "file is 20000 bytes, over the 10485 bytes limit",
    "hr/old/leave.md": "duplicate of hr/leave.md",
}


def bad_batch(root: Path) -> Path:
    return write_docs(root, {
        **DOCS,
        "archive.xyz": b"PK\x03\x04 not a format lore reads",
        "broken.pdf": HANDBOOK_PDF.read_bytes()[:1500],  # a real PDF cut short
        "empty.md": "",
        "junk.txt": random.Random(7).randbytes(4096),
        "latin.txt": "Caf\xe9 opening hours: the caf\xe9 na\xefvely opens at 8."
                     .encode("cp1252"),
        "big.md": "word " * 4000,
        "hr/old/leave.md": DOCS["hr/leave.md"],
    })


def test_bad_inputs_are_reported_and_the_rest_is_indexed(tmp_path: Path, make_ingestor):
    ingestor = make_ingestor(max_file_mb=0.01)  # 10485 bytes: big.md is over it
    report = ingestor.run(bad_batch(tmp_path / "docs"))
    reasons = {s["source"]: s["reason"] for s in report.skipped}
    assert sorted(reasons) == sorted(BAD)
    for source, reason in BAD.items():
        assert reasons[source].startswith(reason), (source, reasons[source])
    assert [w["source"] for w in report.warnings] == ["latin.txt"]
    assert "not valid UTF-8" in report.warnings[0]["warning"]
    indexed = {c.source for c, _ in ingestor.store.scan(report.version)}
    assert indexed == {*DOCS, "latin.txt"}
    assert report.documents == len(indexed) and report.files == len(indexed) + len(BAD)
    stored = ingestor.registry.get(report.version)
    assert stored.status is VersionStatus.READY
    assert stored.report["skipped"] == report.skipped
    assert stored.chunks == report.chunks == ingestor.store.count(report.version)


def test_nothing_indexable_fails_the_version_and_keeps_the_active_one(
    tmp_path: Path, corpus: Path, make_ingestor: MakeIngestor
):
    ingestor = make_ingestor()
    v1 = ingestor.run(corpus, promote=True).version
    bad = write_docs(tmp_path / "bad", {"empty.md": "", "a.xyz": b"?"})
    with pytest.raises(IndexBuildError, match=r"nothing could be indexed.*empty file"):
        ingestor.run(bad, promote=True)
    failed = ingestor.registry.list()[-1]
    assert failed.status is VersionStatus.FAILED and "nothing could be indexed" in str(failed.error)
    assert not ingestor.store.exists(failed.id)
    assert active_id(ingestor.registry) == v1


def test_second_ingest_of_an_unchanged_corpus_embeds_nothing(corpus: Path, make_ingestor):
    ingestor = make_ingestor()
    first = ingestor.run(corpus, promote=True)
    second = ingestor.run(corpus)
    assert first.embedded == first.chunks > 0
    assert second.embedded == 0 and second.carried == second.chunks == first.chunks
    old = {c.id: v for c, v in ingestor.store.scan(first.version)}
    new = {c.id: v for c, v in ingestor.store.scan(second.version)}
    assert new.keys() == old.keys()
    assert all(np.array_equal(new[i], old[i]) for i in old)


def test_second_ingest_embeds_nothing_even_before_a_promotion(corpus: Path, make_ingestor):
    """No active version to carry from: the embedding cache still has every chunk's text."""
    ingestor = make_ingestor()
    ingestor.run(corpus)
    second = ingestor.run(corpus)
    assert second.embedded == 0 and second.carried == 0 and second.reused == second.chunks


def test_version_lifecycle(tmp_path: Path, corpus: Path, make_ingestor: MakeIngestor):
    ingestor = make_ingestor()
    registry = ingestor.registry
    v1 = ingestor.run(corpus).version
    assert registry.active() is None
    registry.promote(v1)
    (corpus / "hr" / "expenses.md").write_text("# Expenses\n\nHotels: EUR 200 a night.\n")
    v2 = ingestor.run(corpus).version
    assert [r.status for r in registry.list()] == [VersionStatus.ACTIVE, VersionStatus.READY]
    registry.promote(v2)
    assert active_id(registry) == v2 and registry.get(v1).status is VersionStatus.RETIRED
    assert registry.rollback().id == v1
    assert registry.get(v2).status is VersionStatus.RETIRED
    assert ingestor.store.exists(v1) and ingestor.store.exists(v2)


class Interrupt:
    """Progress sink that delivers Ctrl-C once the new version's shard holds data."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "index":
            raise KeyboardInterrupt


def test_interrupted_build_is_failed_and_dropped(corpus: Path, make_ingestor, lore_for,
                                                 tmp_path: Path):
    ingestor = make_ingestor()
    v1 = ingestor.run(corpus, promote=True).version
    (corpus / "ops" / "oncall.txt").write_text("On-call\n\nPages are acknowledged in 5 minutes.\n")
    with pytest.raises(KeyboardInterrupt):
        ingestor.run(corpus, promote=True, progress=Interrupt())
    broken = ingestor.registry.list()[-1]
    assert broken.status is VersionStatus.FAILED
    assert str(broken.error).startswith("KeyboardInterrupt")
    assert not (tmp_path / "home" / "index" / broken.id).exists()
    settings = Settings.of(home=tmp_path / "home")
    answered = ask(lore_for(settings), "How many days of annual leave do employees get?")
    assert answered.version == v1 and "28 days" in answered.answer.text


def test_a_failing_component_fails_the_build(corpus: Path, make_ingestor: MakeIngestor,
                                             tmp_path: Path):
    """A real fault mid-build: the embedding cache's database is gone."""
    ingestor = make_ingestor()
    closed = EmbeddingCache(tmp_path / "home" / "closed.sqlite")
    closed.close()
    with pytest.raises(Exception, match="closed database"):
        replace(ingestor, cache=closed).run(corpus)
    record = ingestor.registry.list()[-1]
    assert record.status is VersionStatus.FAILED and "closed database" in str(record.error)
    assert not ingestor.store.exists(record.id) and ingestor.registry.active() is None


def test_retention_keeps_the_newest_and_never_what_serves_or_the_rollback_target(
    corpus: Path, make_ingestor: MakeIngestor
):
    ingestor = make_ingestor(retention=1)
    v1 = ingestor.run(corpus, promote=True).version
    v2 = ingestor.run(corpus, promote=True).version  # v1 becomes the rollback target
    v3 = ingestor.run(corpus).version
    ingestor.registry.start_canary(v3, 10)
    built = [ingestor.run(corpus).version for _ in range(3)]
    kept = [r.id for r in ingestor.registry.list()]
    assert kept == [v1, v2, v3, built[-1]]
    assert active_id(ingestor.registry) == v2
    for gone in built[:-1]:
        assert not ingestor.store.exists(gone)
    assert all(ingestor.store.exists(v) for v in kept)
