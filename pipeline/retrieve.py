"""resolve_version, rewrite, retrieve, spell: which index answers, what is searched, what is
found."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.tokenizer import Tokenizer
from core.tracing import annotate
from index.active import ActiveVersion
from index.vocabulary import holds
from pipeline.state import State, need
from retrieval.hybrid import HybridRetriever
from retrieval.rewrite import standalone_query
from retrieval.spelling import corrected, corrections, suspects, words_of


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


@dataclass(frozen=True)
class Spell:
    """Misspelt words of the question ("backstge") corrected against the words of the passages
    found, and the search run again with the corrected question, which every later step reads
    (retrieval/spelling.py). The user's own words stay the question shown and cached."""

    retriever: HybridRetriever
    reader: Tokenizer  # a BPE: a word that is one of its tokens is a common word, right as written
    name = "spell"
    always = False

    def __call__(self, state: State) -> State:
        q, version = state.query, state.version
        hits = need(state.retrieval, "retrieval").hits
        words = suspects(state.standalone, words_of(h.chunk for h in hits),
                         lambda word: self._vouched(version, word))
        if not words:
            return state
        # The candidates are the words of every passage either search ranked, not only the
        # top few: a typo that misleads the ranking still leaves its word among them.
        s = self.retriever.settings
        pool = self.retriever.search(version, state.standalone, q.filters,
                                     max(s.dense_k, s.sparse_k))
        fixes = corrections(words, words_of(h.chunk for h in pool.hits))
        annotate(corrected=len(fixes))
        if not fixes:
            return state
        standalone = corrected(state.standalone, fixes)
        again = self.retriever.search(version, standalone, q.filters, q.top_k)
        return replace(state, standalone=standalone, retrieval=again)

    def _vouched(self, version: str, word: str) -> bool:
        # The leading space: how a BPE meets a word inside a sentence.
        return (self.reader.count(" " + word.casefold()) == 1
                or holds(self.retriever.store, version, word))

