"""The document guard: every chunk scanned at ingest for text that addresses the model.

Indirect injection hides in what is indexed: "ignore all previous instructions", a fake
"SYSTEM:" block, a lure to a link, a request for keys, or words the reader cannot see. A
flagged chunk carries its reason (`Chunk.flag`); the query side then keeps it out of retrieval
or fences it (GuardSettings.guard_documents). Rules only: the question classifier reads
manuals as instructions (it scored 1,072 of 1,686 rhdh and sample chunks >= 0.5, and 8 even
>= 0.99), while these rules flagged none of them (docs/guardrails.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.text import squash
from guard.hidden import hidden_html, invisible
from guard.rules import INDIRECT, fired, prepared

# File types whose bytes are markup a browser styles (Markdown may embed HTML).
MARKUP_SUFFIXES = (".html", ".htm", ".xhtml", ".md", ".markdown")


# A source with a flagged chunk keeps this share of its trust weight (ingestion/carry.py):
# its other chunks still answer, below sources nobody tampered with (with the default
# LORE_TRUST_WEIGHT 0.3, a trust-0.7 source goes from 91% to 80% of its relevance).
FLAGGED_TRUST = 0.5


def lowered_trust(weight: float, flagged: bool) -> float:
    return weight * FLAGGED_TRUST if flagged else weight


# A chunk boundary may cut a hidden run: a window of this many of its words is enough.
WINDOW_WORDS = 6


def _pieces(run: str) -> list[str]:
    words = run.split()
    if len(words) <= WINDOW_WORDS:
        return [run]
    step = WINDOW_WORDS // 2
    return [" ".join(words[i : i + WINDOW_WORDS])
            for i in range(0, len(words) - WINDOW_WORDS + step, step)]


class DocumentPolicy(StrEnum):
    QUARANTINE = "quarantine"  # flagged chunks never leave the index
    FENCE = "fence"  # retrieved as quoted data: never instructions, never the answer alone
    OFF = "off"  # not scanned


@dataclass(frozen=True)
class DocumentGuard:
    def scan(self, text: str, hidden: Sequence[tuple[str, str]] = ()) -> str:
        """Why the chunk text is flagged, or "" when it is clean. `hidden`: the hidden runs
        of its file (`hidden_runs`)."""
        why = invisible(text)
        if why:
            return why
        rule = fired(prepared(text), INDIRECT)
        if rule is not None:
            return f"injection: {rule.name}"
        flat = squash(text)
        return next((f"hidden text ({reason})" for run, reason in hidden
                     if any(piece in flat for piece in _pieces(run))), "")

    def hidden_runs(self, path: Path) -> list[tuple[str, str]]:
        """The hidden element texts of a markup file (none for other files)."""
        if not path.name.lower().endswith(MARKUP_SUFFIXES):
            return []
        return hidden_html(path.read_bytes().decode("utf-8", errors="replace"))
