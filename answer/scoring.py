"""How well a context sentence answers a question: pure functions, 0..1 where it matters."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum

# Question openings that ask for a figure or date, and for a named thing.
_ASKS_NUMBER = re.compile(
    r"\b(how (many|much|long|often|old|large|big|far|soon)|when|what (year|date|time|day|"
    r"percentage|percent|amount|number|size|limit|version)|by what date)\b",
    re.IGNORECASE,
)
_ASKS_ENTITY = re.compile(r"\b(which|who|whom|whose|where)\b", re.IGNORECASE)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|"
    r"hundred|thousand|million|half|once|twice|daily|weekly|monthly|quarterly|annually|yearly|"
    r"january|february|march|april|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_HAS_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE)
# A capitalised word that does not open the sentence: a name, product or team.
_HAS_ENTITY = re.compile(r"(?<=[\w,;:)] )[A-Z][\w-]+|\d")


class Expect(StrEnum):
    NUMBER = "number"
    ENTITY = "entity"
    ANY = "any"


def expectation(question: str) -> Expect:
    if _ASKS_NUMBER.search(question):
        return Expect.NUMBER
    return Expect.ENTITY if _ASKS_ENTITY.search(question) else Expect.ANY


def satisfies(expect: Expect, sentence: str) -> bool:
    """Whether the sentence holds the kind of thing the question asks for."""
    if expect is Expect.NUMBER:
        return bool(_HAS_NUMBER.search(sentence))
    if expect is Expect.ENTITY:
        return bool(_HAS_ENTITY.search(sentence))
    return False


def idf(docs: Sequence[Collection[str]]) -> dict[str, float]:
    """BM25's idf plus one (always > 0) over the context sentences, for terms seen in them."""
    n = len(docs)
    df = Counter(t for doc in docs for t in set(doc))
    return {t: _idf(n, k) for t, k in df.items()}


def unseen_idf(n_docs: int) -> float:
    """Weight of a question term absent from the context: the rarest possible."""
    return _idf(n_docs, 0)


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def coverage(question: Collection[str], sentence: Collection[str], weights: Mapping[str, float],
             unseen: float) -> float:
    """IDF-weighted share of the question's content terms that the sentence contains."""
    total = sum(weights.get(t, unseen) for t in question)
    if total <= 0:
        return 0.0
    return sum(weights.get(t, unseen) for t in question if t in sentence) / total


def jaccard(a: Collection[str], b: Collection[str]) -> float:
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 1.0
