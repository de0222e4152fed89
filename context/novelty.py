"""How much of a text is new to a context: lines compared after normalising case and punctuation.

The manuals repeat notes and whole sections across books; a chunk whose lines are mostly in the
context already costs its tokens (and often a header) for little new evidence.
"""

from __future__ import annotations

from core.text import normalise


def line_keys(text: str) -> list[str]:
    """Each non-blank line normalised, so layout and punctuation do not matter."""
    keys = (normalise(line) for line in text.split("\n"))
    return [k for k in keys if k]


def novel_share(text: str, seen: set[str]) -> float:
    """Share of the text's characters on lines not in `seen` (1.0 for a text with no words)."""
    keys = line_keys(text)
    total = sum(len(k) for k in keys)
    return sum(len(k) for k in keys if k not in seen) / total if total else 1.0
