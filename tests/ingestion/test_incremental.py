"""Incremental ingest: compare the folder with the active version, carry what did not change."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.bm25 import doc_vectors
from ingestion.changes import Changes, compare
from ingestion.trust import TrustConfig, TrustRule
from tests.ingestion.conftest import DOCS, MakeIngestor

EXPENSES = "hr/expenses.md"
NEW_DOC = "it/laptops.md"


def test_compare_sorts_sources_into_new_changed_unchanged_deleted():
    now = {"a": "1", "b": "2", "c": "9", "e": "5"}
    before = {"a": "1", "b": "2", "c": "3", "d": "4"}
    assert compare(now, before) == Changes(new=("e",), changed=("c",), unchanged=("a", "b"),
                                           deleted=("d",))
    assert not compare(before, before).any and compare({}, before).any


def vectors(ingestor, version: str) -> dict[str, tuple[str, np.ndarray]]:
    return {c.id: (c.source, v) for c, v in ingestor.store.scan(version)}


def test_add_change_delete_counts_and_carried_vectors(corpus: Path, make_ingestor: MakeIngestor):
    ingestor = make_ingestor()
    v1 = ingestor.run(corpus, promote=True)
    assert (v1.new, v1.unchanged, v1.carried, v1.base) == (len(DOCS), 0, 0, None)
    (corpus / EXPENSES).write_text("# Expenses\n\nHotels are reimbursed up to EUR 210 a night.\n")
    (corpus / "ops" / "oncall.txt").unlink()
    (corpus / "it").mkdir()
    (corpus / NEW_DOC).write_text("# Laptops\n\nEvery engineer gets a 14-inch laptop.\n")
    v2 = ingestor.run(corpus)
    assert (v2.new, v2.changed, v2.unchanged, v2.deleted) == (1, 1, 2, 1)
    assert v2.base == v1.version and not v2.rebuilt
    old, new = vectors(ingestor, v1.version), vectors(ingestor, v2.version)
    kept = {"hr/leave.md", "ops/runbook.md"}
    carried = [i for i, (source, _) in old.items() if source in kept]
    assert v2.carried == len(carried) and v2.embedded == 2  # one chunk each: changed, new
    assert v2.chunks == v2.carried + v2.embedded == len(new)
    assert all(np.array_equal(new[i][1], old[i][1]) for i in carried)
    assert {s for s, _ in new.values()} == kept | {EXPENSES, NEW_DOC}


def test_changed_fingerprint_rebuilds_everything(corpus: Path, make_ingestor: MakeIngestor):
    first = make_ingestor().run(corpus, promote=True)
    again = make_ingestor(chunk_tokens=64).run(corpus, skip_if_unchanged=True)
    assert again.built and again.rebuilt and again.base == first.version
    assert (again.new, again.changed, again.unchanged, again.deleted) == (0, 0, len(DOCS), 0)
    assert again.carried == 0 and again.chunks > first.chunks  # smaller chunks, more of them
    assert again.embedded > 0 and again.embedded + again.reused == again.chunks


def test_skip_if_unchanged_builds_nothing(tmp_path: Path, corpus: Path, make_ingestor):
    ingestor = make_ingestor()
    (corpus / "notes.xyz").write_text("skipped on every run, and unchanged")
    v1 = ingestor.run(corpus, promote=True)
    same = ingestor.run(corpus, skip_if_unchanged=True)
    assert not same.built and same.version == v1.version
    assert (same.unchanged, same.documents, same.chunks) == (len(DOCS) + 1, len(DOCS), v1.chunks)
    assert [r.id for r in ingestor.registry.list()] == [v1.version]
    (corpus / "notes.xyz").write_text("changed: a skipped file counts too")
    assert ingestor.run(corpus, skip_if_unchanged=True).changed == 1
    assert len(ingestor.registry.list()) == 2


def test_trust_change_restamps_carried_chunks(corpus: Path, make_ingestor: MakeIngestor):
    make_ingestor().run(corpus, promote=True)
    trust = TrustConfig(0.7, (TrustRule("hr/**", 0.2, ("hr",)),))
    ingestor = make_ingestor(trust)
    again = ingestor.run(corpus, skip_if_unchanged=True)
    assert again.built and again.retrusted == 2 and again.embedded == 0
    assert again.carried == again.chunks
    stamps = {(c.source, c.trust, c.tags) for c, _ in ingestor.store.scan(again.version)}
    assert stamps == {("hr/leave.md", 0.2, ("hr",)), ("hr/expenses.md", 0.2, ("hr",)),
                      ("ops/oncall.txt", 0.7, ()), ("ops/runbook.md", 0.7, ())}


def test_bm25_weights_follow_the_version_texts(corpus: Path, make_ingestor: MakeIngestor):
    """An unchanged folder's version reads its weights back from the one it is built on; once
    a document changes, the average length moves and every chunk is weighed again."""
    ingestor = make_ingestor()
    v1 = ingestor.run(corpus, promote=True).version
    v2 = ingestor.run(corpus, promote=True).version
    assert ingestor.store.weights(v2) == ingestor.store.weights(v1)
    (corpus / EXPENSES).write_text("# Expenses\n\n" + "Hotels are reimbursed up to EUR 210. " * 9)
    v3 = ingestor.run(corpus).version
    texts = {c.id: c.embed_text for c, _ in ingestor.store.scan(v3)}
    fresh = dict(zip(texts, doc_vectors(list(texts.values()), 1.2, 0.75), strict=True))
    stored = ingestor.store.weights(v3)
    assert stored.keys() == fresh.keys()
    for chunk_id, vector in fresh.items():
        assert stored[chunk_id].indices == vector.indices
        np.testing.assert_allclose(stored[chunk_id].values, vector.values, rtol=1e-6)
    carried = set(stored) & set(ingestor.store.weights(v1))
    assert carried and any(stored[i] != ingestor.store.weights(v1)[i] for i in carried)
