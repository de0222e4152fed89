"""cache_read, cache_write: a repeated question answered without retrieval or a model.

Two kinds, both scoped by everything that can change an answer: the index version, the
generator (its model chain and system prompt), the caller's principal (no answer crosses
keys), the filters, the budget and the history. The exact cache matches the normalised
question; the semantic cache matches a question whose embedding is within
`cache_threshold` cosine of a cached one (questions with history never match
semantically: a follow-up means what its history makes it mean). A version swap or a new
prompt changes the scope, so an older answer is never served; entries also expire after a
TTL, the least recently used go past `max_entries`, and a down-voted answer is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from core import tracing
from core.text import normalise
from core.tracing import annotate
from pipeline.cache_store import AnswerCache
from pipeline.state import State, need

Embed = Callable[[Sequence[str]], np.ndarray]


def scope_of(state: State, generator_id: str) -> str:
    """Everything but the question that an answer depends on, as one key."""
    q = state.query
    parts = {"version": state.version, "generator": generator_id, "who": q.principal,
             "filters": asdict(q.filters) if q.filters else None, "budget": q.budget,
             "history": [(t.role, normalise(t.content)) for t in q.history]}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class CacheRead:
    cache: AnswerCache
    embed: Embed | None  # None: exact matches only
    generator_id: str
    name = "cache_read"
    always = False

    def __call__(self, state: State) -> State:
        scope, q = scope_of(state, self.generator_id), state.query
        if q.fresh:
            annotate(cache_hit=False, cache_kind=None, fresh=True)
            return replace(state, cache=None)
        found = self.cache.exact(scope, normalise(q.question))
        vector = None
        if found is None and self.embed is not None and not q.history:
            vector = self.embed([q.question])[0]
            found = self.cache.similar(scope, vector, q.question)
        annotate(cache_hit=found is not None, cache_kind=found.kind if found else None)
        if found is None:
            return replace(state, cache=None, question_vector=vector)
        hit = found.entry
        return replace(state, answer=hit.answer, draft=hit.draft, done=True, cache=found.kind,
                       retrieval=hit.retrieval, prompt=hit.prompt)


@dataclass(frozen=True)
class CacheWrite:
    cache: AnswerCache
    embed: Embed | None
    generator_id: str
    name = "cache_write"
    always = False  # a cache hit is not written again

    def __call__(self, state: State) -> State:
        q = state.query
        vector = state.question_vector
        if vector is None and self.embed is not None and not q.history:
            vector = self.embed([q.question])[0]
        trace = tracing.current()
        self.cache.put(scope_of(state, self.generator_id), normalise(q.question), vector,
                       state, need(state.answer, "answer"), trace.id if trace else None)
        return state

