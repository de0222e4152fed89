"""Chosen sentences -> a draft citing each sentence's passage by its number in the prompt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from answer.base import Draft
from core.text import Sentence, squash


@dataclass(frozen=True)
class Pick:
    passage: int  # index into Context.passages
    sentence: Sentence


def compose(picks: Sequence[Pick], evidence: float) -> Draft:
    """Picks come best first; passages keep that order, sentences keep document order."""
    order = list(dict.fromkeys(p.passage for p in picks))
    ordered = sorted(picks, key=lambda p: (order.index(p.passage), p.sentence.start))
    text = " ".join(f"{squash(p.sentence.text)} [{p.passage + 1}]" for p in ordered)
    return Draft(text=text, abstained=False, evidence=evidence)
