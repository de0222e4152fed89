"""The benchmark's rows: question -> packed context (and lore's own answer), timed.

The reference rows rank lore's chunks with BM25 alone, dense alone, or both fused by RRF, and
pack the top chunks greedily: each in whole if it still fits, else skipped. Every row gets the
same budget plan as lore (plan_budget: system prompt, question and answer reserve come off the
total) and its passages are counted as lore renders them, with the exact tokenizer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from answer.prompt import SYSTEM_PROMPT
from context.budget import plan_budget
from context.render import Count, render_text
from core.models import Answer, Budget, Chunk, Context, Passage
from core.text import tokenize
from ingestion.embedder import SentenceTransformerEmbedder
from lore.compose import Lore
from pipeline.runner import run
from pipeline.state import Query, State, need
from retrieval.fusion import rrf

# Cormack et al. 2009, and lore's default: the reference hybrid row keeps it fixed.
RRF_K = 60


@dataclass(frozen=True)
class Retrieved:
    context: Context
    ms: float  # retrieval + packing
    answer: Answer | None = None  # the row's own answer; None: the shared answerer's
    evidence: float | None = None  # what the row's abstention compares; None: the answer's


Row = Callable[[str], Retrieved]
Ranked = list[tuple[int, float]]  # (chunk index, score), best first


def budget_for(question: str, total: int, count: Count) -> Budget:
    return plan_budget(total, SYSTEM_PROMPT, question, (), count).budget


def passage(source: str, title: str, crumbs: tuple[str, ...], page: int | None, item_id: str,
            text: str, score: float, position: int, count: Count) -> Passage:
    tokens = count(render_text(source, title, crumbs, page, text))
    return Passage(source, title, crumbs, page, (item_id,), text, score, tokens, position, (0,))


def chunk_passage(chunk: Chunk, score: float, count: Count) -> Passage:
    return passage(chunk.source, chunk.title, chunk.breadcrumbs, chunk.page, chunk.id, chunk.text,
                   score, chunk.position, count)


def pack_greedy(candidates: Iterable[Passage], budget: Budget) -> Context:
    """Best first; a candidate that does not fit whole is skipped and the next one tried."""
    packed: list[Passage] = []
    used = 0
    for p in candidates:
        if used + p.tokens <= budget.context:
            packed.append(p)
            used += p.tokens
    return Context(passages=tuple(packed), tokens=used, budget=budget)


class ChunkIndex:
    """lore's chunks of the benchmark version, under rank_bm25 and a cosine matrix."""

    def __init__(self, chunks: Sequence[Chunk], vectors: np.ndarray, k1: float, b: float) -> None:
        self.chunks = list(chunks)
        self.bm25 = BM25Okapi([tokenize(c.embed_text) for c in chunks], k1=k1, b=b)
        self.matrix = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def sparse(self, question: str, depth: int) -> Ranked:
        scores = self.bm25.get_scores(tokenize(question))
        top = np.argsort(-scores, kind="stable")[:depth]
        return [(int(i), float(scores[i])) for i in top]

    def dense(self, vector: np.ndarray, depth: int) -> Ranked:
        scores = self.matrix @ vector
        top = np.argsort(-scores, kind="stable")[:depth]
        return [(int(i), float(scores[i])) for i in top]


def fused(sparse: Ranked, dense: Ranked) -> Ranked:
    scores = rrf([[str(i) for i, _ in sparse], [str(i) for i, _ in dense]], RRF_K, (1.0, 1.0))
    return sorted(((int(i), s) for i, s in scores.items()), key=lambda p: (-p[1], p[0]))


def baseline_rows(
    index: ChunkIndex, embedder: SentenceTransformerEmbedder, count: Count, total: int, depth: int
) -> dict[str, Row]:
    def run(rank: Callable[[str], Ranked]) -> Row:
        def row(question: str) -> Retrieved:
            start = time.perf_counter()
            ranked = rank(question)
            cands = (chunk_passage(index.chunks[i], s, count) for i, s in ranked)
            context = pack_greedy(cands, budget_for(question, total, count))
            return Retrieved(context, (time.perf_counter() - start) * 1000)

        return row

    def embed(question: str) -> np.ndarray:
        return embedder.embed([question])[0]

    return {
        "bm25": run(lambda q: index.sparse(q, depth)),
        "dense": run(lambda q: index.dense(embed(q), depth)),
        "rrf": run(
            lambda q: fused(index.sparse(q, depth), index.dense(embed(q), depth))),
    }


def lore_row(app: Lore, total: int) -> Row:
    """Timed search (retrieval + assembly); the answer comes from the evaluate flow."""

    def row(question: str) -> Retrieved:
        start = time.perf_counter()
        found, _ = app.search(Query(question, budget=total))
        ms = (time.perf_counter() - start) * 1000
        asked, _ = run(app.flows.evaluate, State(Query(question, budget=total)))
        verdict = asked.evidence  # None: an earlier step answered (a guard's fallback)
        # A name the index lacks abstains whatever the score: it counts as no evidence.
        answer = need(asked.answer, "answer")
        if verdict is None:  # answered or refused before the evidence step: as it did
            score = 0.0 if answer.abstained else 1.0
        else:
            score = 0.0 if verdict.absent else verdict.score
        return Retrieved(need(found.prompt, "prompt").context, ms, answer, score)

    return row
