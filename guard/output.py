"""Output checks on an answer before it leaves: the system prompt is not repeated, no blocked
term appears. (PII and secrets are found by guard/pii.py; the length bound and the answer's
structure are the pipeline's, pipeline/guard.py.)"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.text import normalise, shingles
from guard.config import GuardSettings
from guard.secrets import SECRET_TYPES

# Shared word 3-shingles from which an answer repeats the system prompt: ten in a row is a
# run of 12 words, more than stock phrases ("the passages below") share by chance.
LEAK_SHINGLES = 10


def leaks(answer: str, system_prompt: str) -> bool:
    """The answer repeats a run of the system prompt (a successful "print your prompt")."""
    if not system_prompt.strip():
        return False
    own = _prompt_shingles(system_prompt)
    shared = shingles(normalise(answer)) & own
    # A short prompt is leaked by half of it.
    return len(shared) >= min(LEAK_SHINGLES, max(1, len(own) // 2))


@cache
def _prompt_shingles(system_prompt: str) -> frozenset[int]:
    return shingles(normalise(system_prompt))


@cache
def _terms(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [re.escape(normalise(t)) for t in terms if normalise(t)]
    return re.compile(rf"\b(?:{'|'.join(words)})\b") if words else None


def blocked_term(text: str, terms: Sequence[str]) -> str | None:
    """The first blocked term the text holds, as whole words, case and punctuation aside."""
    pattern = _terms(tuple(terms))
    found = pattern.search(normalise(text)) if pattern else None
    return found.group() if found else None


@dataclass(frozen=True)
class OutputCheck:
    """What the output guard found in an answer and did to it."""

    findings: tuple[str, ...] = ()  # each check that fired, with what it saw
    masked: tuple[str, ...] = ()  # the entity types masked in the answer or its quotes
    withheld: bool = False  # the answer was replaced by a notice

    @property
    def acted(self) -> bool:
        return bool(self.findings or self.masked)

    def as_dict(self) -> dict[str, Any]:
        return {"findings": list(self.findings), "masked": list(self.masked),
                "withheld": self.withheld}


def withheld_because(text: str, system_prompt: str, settings: GuardSettings) -> str:
    """Why `text` may not reach the caller at all, or "" when it may."""
    if leaks(text, system_prompt):
        return "it repeats the system prompt"
    term = blocked_term(text, settings.blocked_terms)
    return f"it holds the blocked term {term!r}" if term else ""


def masked_types(settings: GuardSettings, role: str | None) -> list[str]:
    """The PII types masked for `role`: all of them, but secrets only for the roles that may
    see personal data."""
    sees = role is not None and role in settings.pii_roles
    return [t for t in settings.pii_types if not sees or t in SECRET_TYPES]
