"""The seam for an LLM judge; nothing implements it yet."""

from __future__ import annotations

from typing import Protocol


class Judge(Protocol):
    def score(self, question: str, answer: str, reference: str | None) -> float:
        """How well `answer` answers `question`, in 0..1; `reference` when the item has one."""
        ...
