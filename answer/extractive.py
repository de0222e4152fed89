"""The offline answerer: quote the context sentences that best answer the question, cited."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from answer.citations import MARKER, normalise, verify
from answer.compose import Pick, compose
from answer.scoring import Expect, coverage, expectation, idf, jaccard, satisfies, unseen_idf
from answer.sentences import split_sentences
from answer.terms import terms, words
from lore.models import Answer, Context, Turn

log = logging.getLogger(__name__)

Embed = Callable[[Sequence[str]], np.ndarray]

NOT_FOUND = "Not found in the indexed documents."
# Placeholder until calibrated on the dev set; the same value as Settings.min_evidence.
DEFAULT_THRESHOLD = 0.35
# Short enough to read at a glance, long enough for a claim and its condition.
MAX_SENTENCES = 3
MAX_WORDS = 80
# Headings and fragments ("Annual leave") match questions well but answer nothing.
MIN_WORDS = 4
# Lexical coverage finds the exact terms, the model's cosine the paraphrases: equal say until
# the dev set argues otherwise.
EMBED_WEIGHT = 0.5
# Ranking nudges (multiplicative, so they reorder comparable sentences but never lift an
# irrelevant one): the retriever's opinion of the passage, and holding what the question asks.
RETRIEVAL_BONUS = 0.1
TYPE_BONUS = 0.25
# A supporting sentence must be at least this relevant relative to the leading one.
SUPPORT_RATIO = 0.6
# Above this term overlap a second sentence repeats the first (chunk overlap, boilerplate).
DUPLICATE_JACCARD = 0.7


class ExtractiveAnswerer:
    """Generator without an LLM. `history` is not used: retrieval resolves follow-ups."""

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, max_sentences: int = MAX_SENTENCES,
        max_words: int = MAX_WORDS, embed: Embed | None = None,
    ) -> None:
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.embed = embed

    def answer(self, question: str, context: Context, history: tuple[Turn, ...] = ()) -> Answer:
        cands = candidates(context)
        if not cands:
            return abstain(0.0)
        relevance = self.relevance(question, cands)
        ranked = rank(question, context, cands, relevance)
        evidence = relevance[ranked[0]]
        if evidence < self.threshold:
            return abstain(evidence)
        chosen = self.select(ranked, cands, relevance)
        return checked(compose([cands[i] for i in chosen], context.passages, evidence))

    def relevance(self, question: str, cands: list[Pick]) -> list[float]:
        """Per candidate, 0..1: lexical coverage, blended with cosine when a model is given."""
        docs = [set(terms(c.sentence.text)) for c in cands]
        weights, unseen = idf(docs), unseen_idf(len(docs))
        wanted = set(terms(question))
        lexical = [coverage(wanted, d, weights, unseen) for d in docs]
        if self.embed is None:
            return lexical
        vecs = self.embed([question, *(normalise(c.sentence.text) for c in cands)])
        cosine = np.clip(vecs[1:] @ vecs[0], 0.0, 1.0)
        return [(1 - EMBED_WEIGHT) * lex + EMBED_WEIGHT * float(cos)
                for lex, cos in zip(lexical, cosine, strict=True)]

    def select(self, ranked: list[int], cands: list[Pick], relevance: list[float]) -> list[int]:
        """The leading sentence, then relevant, non-repeating ones within the length bound."""
        lead = ranked[0]
        chosen = [lead]
        budget = self.max_words - words(cands[lead].sentence.text)
        floor = max(self.threshold, SUPPORT_RATIO * relevance[lead])
        for i in ranked[1:]:
            if len(chosen) >= self.max_sentences or relevance[i] < floor:
                break
            size = words(cands[i].sentence.text)
            if size <= budget and not _repeats(cands[i], [cands[j] for j in chosen]):
                chosen.append(i)
                budget -= size
        return chosen


def candidates(context: Context) -> list[Pick]:
    """Quotable sentences, each once: long enough to say something and free of [n] look-alikes."""
    seen: set[str] = set()
    out: list[Pick] = []
    for i, passage in enumerate(context.passages):
        for s in split_sentences(passage.text):
            key = normalise(s.text)
            if words(key) >= MIN_WORDS and not MARKER.search(key) and key not in seen:
                seen.add(key)
                out.append(Pick(i, s))
    return out


def rank(question: str, context: Context, cands: list[Pick], relevance: list[float]) -> list[int]:
    """Candidate indices, best first; ties go to the earlier passage and sentence."""
    expect = expectation(question)
    top = max((p.score for p in context.passages), default=0.0)

    def key(i: int) -> tuple[float, int, int]:
        c = cands[i]
        retrieval = context.passages[c.passage].score / top if top > 0 else 0.0
        typed = expect is not Expect.ANY and satisfies(expect, c.sentence.text)
        boost = 1 + RETRIEVAL_BONUS * retrieval + TYPE_BONUS * typed
        return (-relevance[i] * boost, c.passage, c.sentence.start)

    return sorted(range(len(cands)), key=key)


def _repeats(cand: Pick, chosen: list[Pick]) -> bool:
    mine = set(terms(cand.sentence.text))
    return any(jaccard(mine, terms(c.sentence.text)) >= DUPLICATE_JACCARD for c in chosen)


def abstain(evidence: float) -> Answer:
    return Answer(text=NOT_FOUND, abstained=True, citations=(), evidence=evidence)


def checked(draft: Answer) -> Answer:
    """The draft if it verifies, else an abstention: never an answer with a broken citation.

    Abstaining rather than raising: a failure here comes from some document's text (odd
    whitespace, a quote the splitter cut differently), so raising would turn one document into
    an error for every question that retrieves it, while abstaining keeps the contract.
    """
    problems = verify(draft)
    if problems:
        log.warning("extractive answer failed verification, abstaining: %s", "; ".join(problems))
        return abstain(draft.evidence)
    return draft
