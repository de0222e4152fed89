"""Cut a text to the longest prefix that fits, at a sentence boundary, never mid-word.

Sentence ends are core.text's. When not even the first sentence fits, the cut falls back to a
word boundary if at least MIN_WORDS words fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from core.text import sentence_ends

_SPACE = re.compile(r"\s+")
# Fewer words than this is a fragment, not evidence worth its header line.
MIN_WORDS = 8


def word_cuts(text: str) -> list[int]:
    return [m.start() for m in _SPACE.finditer(text) if 0 < m.start() < len(text.rstrip())]


def longest_fitting(text: str, cuts: Sequence[int], fits: Callable[[str], bool]) -> str | None:
    """Binary search: a longer prefix never has fewer tokens, so `fits` is monotone."""
    lo, hi, best = 0, len(cuts) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(text[: cuts[mid]]):
            best, lo = text[: cuts[mid]], mid + 1
        else:
            hi = mid - 1
    return best


def trim_to_fit(text: str, fits: Callable[[str], bool]) -> str | None:
    """The longest sentence-boundary prefix for which `fits` holds, or None."""
    best = longest_fitting(text, sentence_ends(text), fits)
    if best is not None:
        return best
    words = word_cuts(text)[MIN_WORDS - 1 :]
    return longest_fitting(text, words, fits)
