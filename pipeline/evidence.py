"""evidence: answer or abstain before the generator runs, for every generator.

The signals are measured here (the index's vocabulary, the encoder's cosine, the context's
lexical coverage); the decision is answer/evidence.py's. An abstention is the answer: the
generator is never called, later steps that are not `always` are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from answer.evidence import Signals, absent_names, decide, similarity, unstated_releases
from answer.extractive import coverage
from answer.grounding import NOT_FOUND
from answer.relevance import Embed
from core.models import Answer
from core.tracing import annotate
from index.base import IndexStore
from index.vocabulary import holds
from pipeline.state import State, need
from retrieval.spelling import words_of


@dataclass(frozen=True)
class Evidence:
    store: IndexStore  # asked whether a word is in the version's vocabulary at all
    embed: Embed  # the query encoder, already loaded
    threshold: float
    name = "evidence"
    always = False

    def __call__(self, state: State) -> State:
        context = need(state.prompt, "prompt").context
        question = state.standalone or state.query.question
        lexical, quotable, sections = coverage(question, context)
        hits = need(state.retrieval, "retrieval").hits
        top = hits[0].breakdown.dense_score if hits else None
        signals = Signals(
            absent=absent_names(question, words_of(context.passages), self._indexed(state.version)),
            similarity=similarity(question, quotable, sections, self.embed),
            retrieval=max(0.0, top or 0.0),
            coverage=lexical,
            unstated=unstated_releases(question, context.passages),
        )
        verdict = decide(signals, context, self.threshold)
        annotate(answer=verdict.answer, score=round(verdict.score, 4), absent=len(signals.absent),
                 unstated=len(signals.unstated))
        if verdict.answer:
            return replace(state, evidence=verdict)
        answer = Answer(text=NOT_FOUND, abstained=True, evidence=verdict.score,
                        reason=verdict.reason, see_also=verdict.see_also)
        return replace(state, evidence=verdict, answer=answer, done=True)

    def _indexed(self, version: str) -> Callable[[str], bool]:
        return lambda word: holds(self.store, version, word)

