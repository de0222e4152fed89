"""Relevance of context sentences to a question on a 0..1 scale: the evidence the threshold sees.

Lexical part: the share of the question's content terms a set of sentences contains, each term
weighted by its IDF over the context sentences, so "what share of the question is answered"
means the same for any question length or context size. A question term absent from the context
gets the highest weight: the context cannot speak to it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.text import Analyzer, tokenize

Embed = Callable[[Sequence[str]], np.ndarray]

# Lexical coverage finds the exact terms, the model's cosine the paraphrases. Swept with the
# cosine on in every deployment (answer F1 of the questions the evidence step lets through,
# rhdh dev / sample set): 0.4 0.426 / 0.570, 0.5 0.427 / 0.552, 0.6 0.426 / 0.526.
EMBED_WEIGHT = 0.4
# Shortest question term matched to a context term one edit away: in shorter words one edit
# often makes another word ("cat"/"car").
MIN_TYPO_LEN = 5


@dataclass(frozen=True)
class Relevance:
    weight: Mapping[str, float]  # IDF of each content term of the question
    terms: tuple[frozenset[str], ...]  # content terms of each candidate sentence and its topic
    cosine: tuple[float, ...] | None = None  # question · sentence, clipped to 0..1

    def covered(self, chosen: Iterable[int]) -> float:
        """Share of the question the chosen sentences contain between them."""
        seen = frozenset().union(*(self.terms[i] for i in chosen))
        total = sum(self.weight.values())
        # Summed in the same order, so a full match is exactly 1.0.
        found = sum(w if t in seen else 0.0 for t, w in self.weight.items())
        return found / total if total else 0.0

    def score(self, chosen: Sequence[int]) -> float:
        lexical = self.covered(chosen)
        if self.cosine is None:
            return lexical
        semantic = max(self.cosine[i] for i in chosen)
        return (1 - EMBED_WEIGHT) * lexical + EMBED_WEIGHT * semantic


def relevance(
    question: str, sentences: Sequence[str], topics: Sequence[str], embed: Embed | None = None
) -> Relevance:
    """`topics[i]` is the title and section path above sentence i: a sentence under "Leave
    policy" is about leave even when it only says "days" (the word the model saw as well)."""
    docs = tuple(frozenset(tokenize(f"{t}\n{s}", Analyzer.CONTENT))
                 for s, t in zip(sentences, topics, strict=True))
    df = Counter(t for doc in docs for t in doc)
    asked = {_spelled(q, df) for q in tokenize(question, Analyzer.CONTENT)}
    weight = {t: _idf(len(docs), df[t]) for t in asked}
    cosine = None
    if embed is not None:
        vecs = embed([question, *sentences])
        cosine = tuple(float(c) for c in np.clip(vecs[1:] @ vecs[0], 0.0, 1.0))
    return Relevance(weight, docs, cosine)


def _spelled(term: str, known: Mapping[str, int]) -> str:
    """A question term the context lacks, as the context term one edit away ("develper",
    "inport"): questions come misspelt, and an unmatched term weighs the most."""
    if term in known or len(term) < MIN_TYPO_LEN or term[0].isdigit():
        return term
    # Sorted only here, for the rare unknown term: the first match is the same on every run.
    return next((v for v in sorted(known) if v[0] == term[0] and _one_edit(term, v)), term)


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion or deletion apart."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def _idf(n: int, df: int) -> float:
    """BM25's idf plus one inside the log: always > 0, largest for a term no sentence has."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))
