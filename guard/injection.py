"""Prompt-injection and jailbreak detection: rules first, then two trained classifiers.

A rule (guard/rules.py) names a phrase no benign question has, so its verdict is certain
(score 1.0). Otherwise logistic regression over hashed character n-grams and the sentence
embedding (guard/features.py) gives a probability; where it is unsure (within UNSURE of the
threshold), a second logistic regression over a multilingual encoder's vector
(guard/multilingual.py) is asked too, and the two probabilities are averaged. At or above the
threshold the text is flagged. The weights were trained on the shared train split by
benchmarks/train_injection.py, which also chose the threshold and reports the
cross-validated accuracy (docs/guardrails.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from guard.features import BUCKETS, sparse
from guard.rules import DIRECT, Rule, fired, prepared

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> L2-normalised rows
MODEL = Path(__file__).with_name("injection.npz")
RULE_SCORE = 1.0
# The second classifier is asked when the first is within 0.2 of the threshold: asking it
# about every text cross-validated no better (0.962 against 0.961), and the band holds about
# a fifth of real questions (rhdh dev + sample eval), so most pay none of its 2.4 ms.
UNSURE = 0.2


@dataclass(frozen=True)
class Injection:
    flagged: bool
    score: float  # the classifiers' probability, or RULE_SCORE when a rule fired
    reason: str  # "rule: <name>", "classifier", or "" when clean


@dataclass(frozen=True)
class Weights:
    coef: np.ndarray  # one per feature of guard/features.py
    bias: float
    second_coef: np.ndarray  # one per dimension of the multilingual encoder
    second_bias: float
    threshold: float  # the probability from which a text is flagged


@cache
def load_weights(path: Path = MODEL) -> Weights:
    with np.load(path) as data:
        return Weights(data["coef"].astype(np.float32), float(data["bias"]),
                       data["second_coef"].astype(np.float32), float(data["second_bias"]),
                       float(data["threshold"]))


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


def probabilities(texts: Sequence[str], vectors: np.ndarray, w: Weights) -> np.ndarray:
    """The first classifier: as `features(texts, vectors) @ coef`, from the few non-zero
    n-gram buckets only."""
    logits = np.asarray(vectors, dtype=np.float32) @ w.coef[BUCKETS:] + w.bias
    for i, text in enumerate(texts):
        index, values = sparse(text)
        logits[i] += float(w.coef[index] @ values)
    return sigmoid(logits)


def second_probabilities(vectors: np.ndarray, w: Weights) -> np.ndarray:
    return sigmoid(np.asarray(vectors, dtype=np.float32) @ w.second_coef + w.second_bias)


def unsure(p: np.ndarray, threshold: float) -> np.ndarray:
    return np.abs(p - threshold) <= UNSURE


def combined(first: np.ndarray, second: np.ndarray, asked: np.ndarray) -> np.ndarray:
    """The probability: the mean of both classifiers' where the second was `asked`."""
    return np.where(asked, (first + second) / 2, first)


class InjectionDetector:
    def __init__(self, embed: Embed, second: Embed, threshold: float | None = None,
                 rules: tuple[Rule, ...] = DIRECT, model: Path = MODEL) -> None:
        """`embed`: the query encoder (its vectors are retrieval's, shared); `second`: the
        multilingual encoder; `threshold`: None for the one training chose."""
        self.embed = embed
        self.second = second
        self.weights = load_weights(model)
        self.threshold = self.weights.threshold if threshold is None else threshold
        self.rules = rules

    def check(self, text: str) -> Injection:
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[Injection]:
        """One call of each encoder for all of `texts` (the second for the unsure ones)."""
        if not texts:
            return []
        p = probabilities(texts, self.embed(list(texts)), self.weights)
        ruled = [fired(prepared(t), self.rules) for t in texts]
        ask = unsure(p, self.threshold) & np.array([r is None for r in ruled])
        second = np.zeros_like(p)
        if ask.any():
            asked = self.second([t for t, a in zip(texts, ask, strict=True) if a])
            second[ask] = second_probabilities(asked, self.weights)
        p = combined(p, second, ask)
        return [Injection(True, RULE_SCORE, f"rule: {rule.name}") if rule is not None
                else self._scored(float(pi)) for rule, pi in zip(ruled, p, strict=True)]

    def _scored(self, p: float) -> Injection:
        flagged = p >= self.threshold
        return Injection(flagged, round(p, 4), "classifier" if flagged else "")
