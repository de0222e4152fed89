"""The generator seam: what answers a question from the assembled passages.

A generator writes a draft whose sentences cite the prompt's passages as [n] (the n-th
passage, 1-based); the pipeline's verify step (answer/grounding.py) then checks every claim
against the passage it cites and numbers the citations, whichever generator wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.models import Context, Turn
from core.tokenizer import Tokenizer


@dataclass(frozen=True)
class GenerationInput:
    question: str  # the user's own words
    history: tuple[Turn, ...]  # the turns that fit the budget, oldest first
    context: Context  # passages in prompt order: [n] cites context.passages[n - 1]
    # Retrieval's self-contained form of a follow-up: for a generator that cannot read the
    # history (the extractive one), never sent to a model in place of the question.
    standalone: str


@dataclass(frozen=True)
class Draft:
    text: str  # sentences, each followed by the [n] markers of the passages it comes from
    abstained: bool
    evidence: float = 0.0  # the generator's own confidence in 0..1, when it has one


class Generator(Protocol):
    # The instructions the generator reads before the passages; their tokens are taken from
    # the budget whether or not a model reads them.
    system_prompt: str
    # What reads the prompt: the context budget is counted in its tokens.
    tokenizer: Tokenizer

    def generate(self, request: GenerationInput) -> Draft:
        """Answer from `request.context` only, citing it; abstain when it does not answer."""
        ...
