"""The sentences coverage packing has taken, as pieces and passages, counted exactly.

A chunk's taken sentences form one piece per run of consecutive ones; the pieces of a section
make one passage, with a "…" line where sentences were left out (context/passages.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from context.passages import Piece, build_passages, frame_tokens, gap_tokens
from context.render import Count
from context.units import Unit
from core.models import Passage


@dataclass
class Doc:
    """One document's taken units by chunk, its pieces and what its passages cost."""

    units: dict[str, list[Unit]] = field(default_factory=dict)  # chunk id -> in index order
    pieces: dict[str, list[Piece]] = field(default_factory=dict)  # chunk id -> its runs
    text: int = 0  # tokens of the units, each with its break (context/units.py)
    tokens: int = 0  # text, headers and gap lines


@dataclass
class Selection:
    limit: int
    count: Count
    scores: dict[str, float]  # chunk id -> candidate score, the passages' score
    docs: dict[str, Doc] = field(default_factory=dict)  # by source
    used: int = 0

    def add(self, unit: Unit) -> bool:
        """Takes the unit if the passages still fit the limit with it."""
        if unit.tokens > self.limit - self.used:
            # Refused uncounted: it could fit only by joining two passages (one header less),
            # and recounting every leftover sentence to find those few was most of the cost.
            return False
        doc = self.docs.setdefault(unit.chunk.source, Doc())
        cid = unit.chunk.id
        before = doc.units.get(cid, [])
        taken = sorted([*before, unit], key=lambda u: u.index)
        pieces = {**doc.pieces, cid: pieces_of(taken, self.scores[cid])}
        if before and not unit.edge:
            # Inside a chunk already placed: its section, and how it meets the chunks either
            # side, stay as they were; only the gap lines between its own pieces change.
            gaps = len(pieces[cid]) - len(doc.pieces[cid])
            frame = doc.tokens - doc.text + gap_tokens(self.count) * gaps
        else:
            frame = frame_tokens((p for ps in pieces.values() for p in ps), self.count)
        tokens = doc.text + unit.tokens + frame
        if self.used - doc.tokens + tokens > self.limit:
            return False
        doc.units[cid], doc.pieces = taken, pieces
        doc.text += unit.tokens
        self.used += tokens - doc.tokens
        doc.tokens = tokens
        return True

    def placed(self) -> set[str]:
        return {cid for doc in self.docs.values() for cid in doc.units}

    def passages(self) -> list[Passage]:
        pieces = (p for doc in self.docs.values() for ps in doc.pieces.values() for p in ps)
        return build_passages(pieces, self.count)


def pieces_of(units: Sequence[Unit], score: float) -> list[Piece]:
    """One piece per run of consecutive units of one chunk (in index order), spanning the text
    between them."""
    runs: list[list[Unit]] = []
    for unit in units:
        if runs and unit.index == runs[-1][-1].index + 1:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    text = units[0].chunk.text if units else ""
    return [
        Piece(run[0].chunk, score, text[run[0].span[0] : run[-1].span[1]], run[0].span[0])
        for run in runs
    ]
