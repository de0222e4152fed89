"""Flags raised at ingest: in the report and summary, stored in the payload, lowering the
source's trust, and kept when an incremental run carries the chunk over."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from qdrant_client import QdrantClient

from core.models import Chunk, Filters, SparseVector
from guard.documents import FLAGGED_TRUST
from index.edge import EdgeStore
from index.qdrant_server import QdrantServerStore
from ingestion.runs import Outcome, RunRecord
from ingestion.summary import summary_lines
from lore.settings import Settings
from lore.stores import ingestor, open_store
from tests.guard.conftest import DOCS, HIDDEN, INJECTED, build_index, write


def flagged_sources(report) -> dict[str, str]:
    return {f["source"]: f["reason"] for f in report.flagged}


def test_the_injected_note_and_the_hidden_banner_are_flagged(attacked) -> None:
    _, report, _ = attacked
    assert flagged_sources(report) == {
        INJECTED: "injection: override previous instructions",
        HIDDEN: "hidden text (white text)",
    }
    record = RunRecord("t0", "t1", "corpus", Outcome.BUILT, report.version, True,
                       report=report.as_dict())
    lines = summary_lines(record, promote=True)
    assert any(line.startswith("flagged 2 chunks") for line in lines)
    assert f"  flagged {INJECTED} #0: injection: override previous instructions" in lines


def test_the_flag_and_the_lowered_trust_are_stored(attacked) -> None:
    settings, report, _ = attacked
    store = open_store(settings)
    try:
        chunks = [c for c, _ in store.scan(report.version)]
    finally:
        store.close()
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    assert all(c.flag for c in by_source[INJECTED]) and not any(
        c.flag for s, cs in by_source.items() if s not in (INJECTED, HIDDEN) for c in cs)
    default = by_source["hr/leave.md"][0].trust
    assert by_source[INJECTED][0].trust == pytest.approx(default * FLAGGED_TRUST)


def test_flags_survive_an_incremental_reingest(tmp_path, embedder) -> None:
    root = write(tmp_path / "corpus", DOCS)
    settings = Settings.of(home=tmp_path / "home")
    first = build_index(settings, root, embedder)
    (root / "hr" / "expenses.md").write_text("# Expenses\n\nHotels are paid up to EUR 180.\n")
    second = build_index(settings, root, embedder)
    assert second.carried > 0 and second.new == 1
    assert flagged_sources(second) == flagged_sources(first)
    assert {f["chunk_id"] for f in second.flagged} == {f["chunk_id"] for f in first.flagged}
    # The lowered trust is what the trust config now gives: nothing to re-stamp, nothing to do.
    build = ingestor(settings, embedder)
    try:
        again = build.run(root, skip_if_unchanged=True)
    finally:
        build.close()
    assert not again.built and again.retrusted == 0


def test_no_scan_when_the_document_guard_is_off(tmp_path, embedder) -> None:
    root = write(tmp_path / "corpus", {INJECTED: DOCS[INJECTED]})
    settings = Settings.of(home=tmp_path / "home", guard_documents="off")
    assert build_index(settings, root, embedder).flagged == []


def chunk(i: int, flag: str = "") -> Chunk:
    return Chunk(id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"doc#{i}")), source="doc.md",
                 title="doc", text=f"text {i}", breadcrumbs=(), page=None, position=i,
                 content_hash=str(i), doc_hash="d", mtime=1.0, flag=flag)


@pytest.mark.parametrize("backend", ["edge", "qdrant"])
def test_quarantine_is_a_filter_inside_the_engine_query(tmp_path, backend: str) -> None:
    store = (EdgeStore(tmp_path / "edge") if backend == "edge"
             else QdrantServerStore(QdrantClient(":memory:")))
    chunks = [chunk(0), chunk(1, "injection: override previous instructions"), chunk(2)]
    dense = np.eye(3, 4, dtype=np.float32)
    store.create("v1", 4)
    store.add("v1", chunks, dense + 0.1, [SparseVector((1,), (1.0,))] * 3)
    store.finish("v1")
    try:
        query = np.array([0, 1, 0, 0], dtype=np.float32)
        everything = store.search_dense("v1", query, 3)
        kept = store.search_dense("v1", query, 3, Filters(flagged=False))
        sparse = store.search_sparse("v1", SparseVector((1,), (1.0,)), 3, Filters(flagged=False))
        assert everything[0].chunk.flag == chunks[1].flag  # the reason round-trips
        assert {h.chunk.position for h in kept} == {h.chunk.position for h in sparse} == {0, 2}
        # A flagged chunk never joins a passage as a neighbour, whatever the policy.
        assert [c.position for c in store.neighbours("v1", "doc.md", [0, 1, 2])] == [0, 2]
    finally:
        store.close()
