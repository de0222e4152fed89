"""resolve_version, rewrite, retrieve: which index answers, what is searched, what is found."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.tracing import annotate
from index.active import ActiveVersion
from pipeline.state import State
from retrieval.hybrid import HybridRetriever
from retrieval.rewrite import standalone_query


@dataclass(frozen=True)
class ResolveVersion:
    """The caller's pinned version, else the serving one (a sticky canary share goes to the
    candidate)."""

    active: ActiveVersion
    name = "resolve_version"
    always = False

    def __call__(self, state: State) -> State:
        version = state.query.version or self.active.current(state.query.sticky)
        annotate(version=version)
        return replace(state, version=version)


@dataclass(frozen=True)
class Rewrite:
    """A follow-up ("and after five years?") as a question that stands alone, for retrieval."""

    name = "rewrite"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        standalone = standalone_query(q.question, q.history)
        annotate(rewritten=standalone != q.question)
        return replace(state, standalone=standalone)


@dataclass(frozen=True)
class Retrieve:
    retriever: HybridRetriever
    name = "retrieve"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        vector = state.question_vector if state.standalone == q.question else None
        found = self.retriever.search(state.version, state.standalone, q.filters, q.top_k,
                                      vector)
        annotate(hits=len(found.hits), duplicates=len(found.duplicates))
        return replace(state, retrieval=found)
