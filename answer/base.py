"""The generator seam: the offline extractive answerer now, an LLM provider later."""

from __future__ import annotations

from typing import Protocol

from lore.models import Answer, Context, Turn


class Generator(Protocol):
    def answer(self, question: str, context: Context, history: tuple[Turn, ...] = ()) -> Answer:
        """Answer from `context` only, citing it; abstain when the evidence is weak."""
        ...
