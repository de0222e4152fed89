"""Prompt-injection and jailbreak detection: rules first, then a trained classifier.

A rule (guard/rules.py) names a phrase no benign question has, so its verdict is certain
(score 1.0). Otherwise logistic regression over hashed character n-grams and the sentence
embedding (guard/features.py) gives the probability; at or above the threshold the text is
flagged. The weights were trained on the shared train split by benchmarks/train_injection.py,
which also chose the threshold and reports the cross-validated accuracy (docs/guardrails.md).
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


@dataclass(frozen=True)
class Injection:
    flagged: bool
    score: float  # the classifier's probability, or RULE_SCORE when a rule fired
    reason: str  # "rule: <name>", "classifier", or "" when clean


CLEAN = Injection(False, 0.0, "")


@dataclass(frozen=True)
class Weights:
    coef: np.ndarray  # one per feature (guard/features.py)
    bias: float
    threshold: float  # the probability from which a text is flagged


@cache
def load_weights(path: Path = MODEL) -> Weights:
    with np.load(path) as data:
        return Weights(data["coef"].astype(np.float32), float(data["bias"]),
                       float(data["threshold"]))


def probabilities(texts: Sequence[str], vectors: np.ndarray, w: Weights) -> np.ndarray:
    """As `features(texts, vectors) @ coef`, from the few non-zero n-gram buckets only."""
    logits = np.asarray(vectors, dtype=np.float32) @ w.coef[BUCKETS:] + w.bias
    for i, text in enumerate(texts):
        index, values = sparse(text)
        logits[i] += float(w.coef[index] @ values)
    return 1.0 / (1.0 + np.exp(-logits))


class InjectionDetector:
    def __init__(self, embed: Embed, threshold: float | None = None,
                 rules: tuple[Rule, ...] = DIRECT, model: Path = MODEL) -> None:
        """`threshold`: None for the one training chose."""
        self.embed = embed
        self.weights = load_weights(model)
        self.threshold = self.weights.threshold if threshold is None else threshold
        self.rules = rules

    def check(self, text: str) -> Injection:
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[Injection]:
        """One embedding call for all of `texts`."""
        if not texts:
            return []
        p = probabilities(texts, self.embed(list(texts)), self.weights)
        return [self._verdict(t, float(pi)) for t, pi in zip(texts, p, strict=True)]

    def _verdict(self, text: str, p: float) -> Injection:
        rule = fired(prepared(text), self.rules)
        if rule is not None:
            return Injection(True, RULE_SCORE, f"rule: {rule.name}")
        flagged = p >= self.threshold
        return Injection(flagged, round(p, 4), "classifier" if flagged else "")
