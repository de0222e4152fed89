"""The checks a text gets on its way in: injection and PII, as `POST /guard` and the input
guard step both run them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from guard.injection import Injection, InjectionDetector
from guard.pii import PiiScanner, PiiSpan


@dataclass(frozen=True)
class TextVerdict:
    injection: Injection
    pii: tuple[PiiSpan, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The `POST /guard` answer (docs/api.md), also the `guard` field of /ask."""
        i = self.injection
        return {"injection": {"flagged": i.flagged, "score": i.score, "reason": i.reason},
                "pii": [{"type": p.type, "start": p.start, "end": p.end} for p in self.pii]}


@dataclass(frozen=True)
class TextGuard:
    injection: InjectionDetector
    pii: PiiScanner

    def check(self, text: str) -> TextVerdict:
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[TextVerdict]:
        """One embedding call for all of `texts`."""
        found = self.injection.check_many(texts)
        return [TextVerdict(i, self.pii.find(t)) for t, i in zip(texts, found, strict=True)]


@dataclass(frozen=True)
class InputCheck:
    """What the input guard found, and what its policy did about it."""

    verdict: TextVerdict  # of the question, or of the latest turn when only that was flagged
    where: str  # "question" | "history"
    action: str  # the policy applied to a flagged text (block, extractive, log); "" if clean

    @property
    def flagged(self) -> bool:
        return self.verdict.injection.flagged

    def as_dict(self) -> dict[str, Any]:
        return {**self.verdict.as_dict(), "where": self.where, "action": self.action}
