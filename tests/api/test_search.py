"""/search: the context fits the budget exactly, drops are reported, hits explain their score."""

from __future__ import annotations

import pytest

from context.render import above_of, render_passage, render_passages
from core.models import Passage
from core.tokenizer import reader_tokenizer
from retrieval.config import RetrievalSettings

QUESTION = "How many PTO days do new employees get, and how much parental leave is there?"
BREAKDOWN = {"dense_rank", "dense_score", "bm25_rank", "bm25_score", "fused", "trust",
             "freshness", "diversity", "final"}
DECAY = RetrievalSettings().source_decay


def _passages(context: dict) -> list[Passage]:
    return [
        Passage(source=p["source"], title=p["title"], breadcrumbs=tuple(p["breadcrumbs"]),
                page=p["page"], chunk_ids=tuple(p["chunk_ids"]), text=p["text"], score=0.0,
                tokens=p["tokens"], position=0)
        for p in context["passages"]
    ]


def _search(client, **body) -> dict:
    r = client.post("/search", json={"question": QUESTION, **body})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("budget", [256, 300, 400, 600, 1024, 4096])
def test_context_tokens_are_the_exact_count_within_budget(client, budget: int) -> None:
    """Counted in the reader's tokens (the extractive default's BPE), which the report names."""
    tokenizer = reader_tokenizer()
    ctx = _search(client, budget_tokens=budget)["context"]
    assert ctx["tokenizer"] == tokenizer.name == "tiktoken:cl100k_base"
    assert ctx["budget"]["total"] == budget
    assert 0 < ctx["tokens"] <= ctx["budget"]["context"]
    passages = _passages(ctx)
    assert ctx["tokens"] == tokenizer.count(render_passages(passages))
    for i, p in enumerate(passages):  # each passage as rendered in its place
        above = above_of(passages[i - 1] if i else None, p.source)
        assert p.tokens == tokenizer.count(render_passage(p, above))
    parts = ("system", "history", "question", "reserve")
    assert ctx["budget"]["context"] == budget - sum(ctx["budget"][k] for k in parts)


def test_small_budget_reports_every_unplaced_hit_as_a_budget_drop(client) -> None:
    body = _search(client, budget_tokens=256)
    placed = {cid for p in body["context"]["passages"] for cid in p["chunk_ids"]}
    unplaced = {h["chunk_id"] for h in body["hits"]} - placed
    assert unplaced, "256 tokens should not hold all eight hits"
    budget_drops = {d["chunk_id"] for d in body["context"]["dropped"] if d["reason"] == "budget"}
    assert budget_drops == unplaced
    assert all(d["tokens"] > 0 for d in body["context"]["dropped"])


def test_large_budget_places_every_hit(client) -> None:
    body = _search(client, budget_tokens=8192)
    placed = {cid for p in body["context"]["passages"] for cid in p["chunk_ids"]}
    assert {h["chunk_id"] for h in body["hits"]} <= placed
    assert not [d for d in body["context"]["dropped"] if d["reason"] == "budget"]


def test_every_hit_carries_the_full_breakdown(client) -> None:
    hits = _search(client, top_k=20)["hits"]
    assert len(hits) > 8  # top_k is honoured beyond the default of 8
    # Ranked by relevance spread over sources: each further chunk of a source counts less.
    ranked = [h["score"] * h["breakdown"]["diversity"] for h in hits]
    assert ranked == sorted(ranked, reverse=True)
    per_source: dict[str, int] = {}
    for h in hits:
        above = per_source.get(h["source"], 0)
        assert h["breakdown"]["diversity"] == pytest.approx(DECAY ** above)
        per_source[h["source"]] = above + 1
    for h in hits:
        b = h["breakdown"]
        assert set(b) == BREAKDOWN
        assert b["dense_rank"] is not None or b["bm25_rank"] is not None
        assert (b["dense_rank"] is None) == (b["dense_score"] is None)
        assert (b["bm25_rank"] is None) == (b["bm25_score"] is None)
        assert b["final"] == pytest.approx(h["score"])
        assert 0 < b["trust"] <= 1 and 0 < b["freshness"] <= 1 and b["fused"] > 0


def test_filters_restrict_the_hits(client) -> None:
    hits = _search(client, filters={"path_prefix": "policies/"})["hits"]
    assert hits and {h["source"] for h in hits} == {"policies/security-policy.docx"}
    globbed = _search(client, filters={"source_glob": "*.pdf"})["hits"]
    assert globbed and {h["source"] for h in globbed} == {"handbook/employee-handbook.pdf"}
