"""Question -> hybrid retrieval -> budgeted context -> cited answer, on one index version."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from answer.base import Generator
from answer.extractive import ExtractiveAnswerer
from context.builder import ContextBuilder
from index.base import IndexStore, VersionRegistry
from ingestion.base import Embedder
from lore.active import NO_ACTIVE, ActiveVersion
from lore.errors import BadInput
from lore.models import Answer, Context, Filters, ScoredChunk, Turn
from lore.settings import Settings
from lore.stats import ServingStats
from lore.tokenizer import get_tokenizer
from retrieval.hybrid import HybridRetriever

# The instructions an LLM generator would get; counted against the budget even offline so the
# context size does not change when a generator plugs in.
# The passages are rendered unnumbered (context/render.py): [n] is the n-th in the prompt.
SYSTEM_PROMPT = (
    "Answer from the passages only; cite the n-th passage as [n] after each sentence. "
    "If none answers, say it is not found in the indexed documents."
)


@dataclass(frozen=True)
class SearchResult:
    version: str
    query: str  # standalone form of a follow-up
    hits: list[ScoredChunk]
    context: Context
    timings_ms: dict[str, float]


@dataclass(frozen=True)
class AskResult(SearchResult):
    answer: Answer


class QAService:
    def __init__(
        self,
        settings: Settings,
        store: IndexStore,
        registry: VersionRegistry,
        embedder: Embedder,
        generator: Generator,
        stats: ServingStats | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.registry = registry
        self.retriever = HybridRetriever(store, embedder, settings)
        self.builder = ContextBuilder(store, get_tokenizer(settings.embedding_model), settings)
        self.generator = generator
        self.stats = stats or ServingStats(settings.home / "stats.sqlite")
        self.active = ActiveVersion(
            registry, settings.reload_seconds, warm=store.warm, release=store.release
        )
        self.not_ready_hint = NO_ACTIVE

    @classmethod
    def load(cls, settings: Settings) -> QAService:
        from lore.wiring import load_query_embedder, open_registry, open_store

        answerer = ExtractiveAnswerer(threshold=settings.min_evidence)
        return cls(
            settings, open_store(settings), open_registry(settings), load_query_embedder(settings),
            answerer,
        )

    def _check(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise BadInput("the question is empty: send at least one word")
        if len(question) > self.settings.max_question_chars:
            raise BadInput(
                f"the question has {len(question)} characters; the limit is "
                f"{self.settings.max_question_chars}: shorten it"
            )
        return question

    def search(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        budget: int | None = None,
        top_k: int | None = None,
        version: str | None = None,
    ) -> SearchResult:
        question = self._check(question)
        version = version or self.active.current()
        found = self.retriever.search(version, question, filters, top_k, history)
        start = time.perf_counter()
        prompt = self.builder.build(version, found.query, found, history, SYSTEM_PROMPT, budget)
        timings = {**found.timings_ms, "assemble": _ms(start)}
        return SearchResult(version, found.query, found.hits, prompt.context, timings)

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        budget: int | None = None,
        conversation_id: str | None = None,
        version: str | None = None,
    ) -> AskResult:
        start = time.perf_counter()
        version = version or self.active.current(conversation_id)
        found = self.search(question, history, filters, budget, version=version)
        mark = time.perf_counter()
        answer = self.generator.answer(found.query, found.context, tuple(history))
        timings = {**found.timings_ms, "answer": _ms(mark), "total": _ms(start)}
        self.stats.record(found.version, answer.abstained, timings["total"])
        return AskResult(found.version, found.query, found.hits, found.context, timings, answer)

    def close(self) -> None:
        self.store.close()
        self.stats.close()


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)
