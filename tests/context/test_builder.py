"""Context assembly end to end: real chunker, real Qdrant Edge store, real embedding model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from context.builder import ContextBuilder
from context.packing import PackingOrder
from context.render import render_passages
from core.models import DropReason, Element, ElementKind, ParsedDocument, Turn
from core.tokenizer import Tokenizer
from index.bm25 import doc_vectors
from index.edge import EdgeStore
from ingestion.chunker import chunk_document
from lore.settings import Settings
from retrieval.hybrid import HybridRetriever, RetrievalResult

CHUNK_TOKENS = 60  # small chunks so one section spans several, with overlap between them
OVERLAP = 16
RUNBOOK = [
    "When the pager fires, acknowledge the alert within five minutes.",
    "Open the incident channel and post the alert link.",
    "Check the dashboard for error rates on the API gateway.",
    "If the error rate is above two percent, roll back the last deploy.",
    "Rollbacks use the promote command with the previous version id.",
    "Confirm the rollback on the dashboard after ten minutes.",
    "Write a short timeline in the incident channel while it is fresh.",
    "Hand over to the next on-call engineer at nine in the morning.",
    "The postmortem is due within three working days of the incident.",
    "Postmortems are blameless and list at least one follow-up action.",
]
DOCS = {
    "ops/oncall.md": [Element(p, ElementKind.TEXT, ("On-call", "Incidents")) for p in RUNBOOK],
    "hr/leave.md": [Element(
        "Every full-time employee gets 28 days of paid leave per year. Requests go through "
        "Workday ten working days ahead.", ElementKind.TEXT, ("Leave",))],
    "hr/leave-copy.md": [Element(
        "Every full-time employee gets 28 days of paid leave per year. Requests go through "
        "Workday ten working days ahead.", ElementKind.TEXT, ("Leave",))],
}


@pytest.fixture(scope="module")
def setup(embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    settings = Settings.of(home=Path("unused"), budget_tokens=400, top_k=4)
    chunks = [
        replace(c, trust=0.5 if "copy" in source else 1.0)
        for source, elements in DOCS.items()
        for c in chunk_document(ParsedDocument(source, source, tuple(elements), source, 0.0),
                                embedder.count_tokens, CHUNK_TOKENS, OVERLAP)
    ]
    store = EdgeStore(tmp_path_factory.mktemp("index"))
    store.create("v1", embedder.dim)
    bm25 = settings.ingest
    store.add("v1", chunks, embedder.embed([c.embed_text for c in chunks]),
              doc_vectors([c.embed_text for c in chunks], bm25.bm25_k1, bm25.bm25_b))
    store.finish("v1")
    yield store, HybridRetriever(store, embedder, settings.retrieval), settings.context, chunks
    store.close()


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", text) if s]


def test_context_from_the_store(setup: tuple, tokenizer: Tokenizer) -> None:
    store, retriever, settings, chunks = setup
    oncall = [c for c in chunks if c.source == "ops/oncall.md"]
    assert len(oncall) >= 3
    question = "How do I roll back a bad deploy during an incident?"
    history = (Turn("user", "Who is on call this week? " * 30), Turn("assistant", "Dana is."))
    result = retriever.search("v1", question)
    builder = ContextBuilder(store, tokenizer, settings)
    prompt = builder.build("v1", question, result, history, system="Answer from the passages.")
    ctx = prompt.context

    assert ctx.tokens == tokenizer.count(render_passages(ctx.passages)) <= ctx.budget.context
    assert ctx.budget.total == settings.budget_tokens
    assert prompt.history == history[1:]  # the long old turn did not fit its share
    assert ("turn-0", DropReason.HISTORY) in {(d.chunk_id, d.reason) for d in ctx.dropped}

    top = result.hits[0].chunk
    assert top.source == "ops/oncall.md"
    (passage,) = [p for p in ctx.passages if top.id in p.chunk_ids]
    assert len(passage.chunk_ids) >= 2  # a neighbour fetched from the store merged in
    positions = [c.position for c in store.get("v1", list(passage.chunk_ids))]
    assert positions == list(range(positions[0], positions[0] + len(positions)))


def test_merged_passages_do_not_repeat_the_overlap(setup: tuple, tokenizer: Tokenizer) -> None:
    """Needs Chunk.overlap to survive the store (index/payload.py must carry it)."""
    store, retriever, settings, chunks = setup
    assert any(c.overlap for c in chunks)
    result = retriever.search("v1", "How do I roll back a bad deploy during an incident?")
    ctx = ContextBuilder(store, tokenizer, settings).build("v1", "q", result).context
    merged = [p for p in ctx.passages if len(p.chunk_ids) > 1]
    assert merged
    for p in merged:
        said = sentences(p.text)
        assert len(said) == len(set(said)), p.text


def test_duplicates_are_reported(setup: tuple, tokenizer: Tokenizer) -> None:
    store, retriever, settings, _ = setup
    result: RetrievalResult = retriever.search("v1", "How many days of paid leave do I get?")
    assert result.hits[0].chunk.source == "hr/leave.md"
    ctx = ContextBuilder(store, tokenizer, settings).build("v1", "q", result).context
    dupes = [d for d in ctx.dropped if d.reason is DropReason.DUPLICATE]
    assert [d.source for d in dupes] == ["hr/leave-copy.md"]
    assert dupes[0].tokens > 0
    assert all(p.source != "hr/leave-copy.md" for p in ctx.passages)


def test_the_packing_setting_reaches_the_builder(setup: tuple, tokenizer: Tokenizer) -> None:
    store, _, settings, _ = setup
    assert ContextBuilder(store, tokenizer, settings).order is PackingOrder.COVERAGE
    whole = settings.model_copy(update={"packing": PackingOrder.SCORE})
    assert ContextBuilder(store, tokenizer, whole).order is PackingOrder.SCORE
    assert ContextBuilder(store, tokenizer, whole, order=PackingOrder.DENSITY).order is (
        PackingOrder.DENSITY)
