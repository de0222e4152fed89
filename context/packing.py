"""Greedy packing of scored chunks into a token budget, counted on the rendered passages.

The candidates are the hits and their windows: the chunks of the same document out to `reach`
positions from a hit, each scored as its hit less NEIGHBOUR_DECAY per position, so the text
around a clearly best hit comes before a weak hit elsewhere. Candidates are taken in
PackingOrder; each goes in whole if the rendered passages still fit. The first that does not
fit whole is trimmed at a sentence boundary to the space left and closes the budget; one that
cannot even be trimmed is skipped and the next is tried. A candidate whose lines are mostly in
the packed text already (the manuals repeat sections across books) is left out as redundant.
Adjacent pieces of one section merge into one passage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from context.novelty import line_keys, novel_share
from context.passages import Piece, build_passages
from context.render import Count, render_text, separator_tokens
from context.trim import trim_to_fit
from core.models import Chunk, Passage, ScoredChunk

NeighbourFetch = Callable[[str, Sequence[int]], Sequence[Chunk]]
Reach = int | Callable[[ScoredChunk], int]  # neighbours each side: for every hit, or per hit
# Two chunks either side of a hit: +1.6 points of context recall over one on the rhdh dev set,
# while three gain nothing more and spend a small budget on one document (docs/tuning.md).
NEIGHBOUR_REACH = 2
# The share of its hit's score a neighbour keeps per position away: about one rank of a fused
# list, so the text next to a clearly best hit comes before a weak hit elsewhere, but not
# before a close second (docs/tuning.md).
NEIGHBOUR_DECAY = 0.97
# A candidate with less new text than this share is redundant: swept on the rhdh dev set, 0.5 /
# 0.7 / 0.8 / 0.9 gain 0.4 / 0.9 / 0.9 / 0.4 points of context recall (docs/tuning.md).
MIN_NOVEL = 0.7


class PackingOrder(StrEnum):
    SCORE = "score"  # whole chunks, best first: the top hits are never traded for smaller ones
    DENSITY = "density"  # whole chunks by score per token
    COVERAGE = "coverage"  # sentences, by new terms per token (context/coverage.py)


def chunk_tokens(chunk: Chunk, count: Count) -> int:
    """Tokens of the chunk rendered alone as a passage."""
    return count(render_text(chunk.source, chunk.title, chunk.breadcrumbs, chunk.page, chunk.text))


def ordered(hits: Sequence[ScoredChunk], order: PackingOrder, count: Count) -> list[ScoredChunk]:
    if order is not PackingOrder.DENSITY:
        return sorted(hits, key=lambda h: -h.score)
    return sorted(hits, key=lambda h: -h.score / max(1, chunk_tokens(h.chunk, count)))


@dataclass
class Packer:
    """Selected pieces with the exact rendered token count of each document's passages."""

    limit: int
    count: Count
    pieces: dict[str, dict[int, Piece]] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    closed: bool = False  # a trimmed piece went in: nothing more is added
    lines: set[str] = field(default_factory=set)  # line_keys of the packed chunks' own text
    redundant: list[str] = field(default_factory=list)  # ids of candidates left out as repeats

    @property
    def total(self) -> int:
        return sum(self.tokens.values())

    def fits_with(self, piece: Piece) -> int | None:
        """Tokens of the piece's document with the piece added, if within the limit."""
        doc = {**self.pieces.get(piece.chunk.source, {}), piece.chunk.position: piece}
        blank = separator_tokens(self.count)  # before each passage: a BPE spends a token on it
        tokens = sum(p.tokens + blank for p in build_passages(doc.values(), self.count))
        room = self.limit - self.total + self.tokens.get(piece.chunk.source, 0)
        return tokens if tokens <= room else None

    def add(self, piece: Piece) -> bool:
        tokens = self.fits_with(piece)
        if tokens is None:
            return False
        self.pieces.setdefault(piece.chunk.source, {})[piece.chunk.position] = piece
        self.tokens[piece.chunk.source] = tokens
        self.lines.update(line_keys(_own(piece.chunk, piece.text)))
        return True

    def repeats(self, chunk: Chunk) -> bool:
        """Less than MIN_NOVEL of the chunk's own text is new to the packed text."""
        return novel_share(_own(chunk, chunk.text), self.lines) < MIN_NOVEL

    def add_trimmed(self, piece: Piece) -> bool:
        text = trim_to_fit(piece.text, lambda t: self.fits_with(replace(piece, text=t)) is not None)
        self.closed = text is not None and self.add(replace(piece, text=text))
        return self.closed

    def passages(self) -> list[Passage]:
        return build_passages((p for doc in self.pieces.values() for p in doc.values()), self.count)


def _own(chunk: Chunk, text: str) -> str:
    """The text without the leading overlap: neighbours repeat each other there by design."""
    return text[chunk.overlap :]


def pack_hits(packer: Packer, hits: Iterable[ScoredChunk]) -> None:
    """Packs hits in the given order until a trimmed one closes the budget; hits repeating the
    packed text are left out and listed in `packer.redundant`."""
    for hit in hits:
        if packer.closed:
            return
        if packer.repeats(hit.chunk):
            packer.redundant.append(hit.chunk.id)
            continue
        piece = Piece(hit.chunk, hit.score, hit.chunk.text)
        if not packer.add(piece):
            packer.add_trimmed(piece)


def windows(
    hits: Sequence[ScoredChunk], reach: Reach, fetch: NeighbourFetch, skip: Iterable[str] = (),
    decay: float = NEIGHBOUR_DECAY,
) -> list[ScoredChunk]:
    """The hits and their neighbours out to `reach` positions, each chunk once, best first.

    A neighbour d positions from a hit scores hit.score * decay**d (a chunk near several hits,
    or itself a hit, takes its best score). `skip` holds chunk ids never to add (copies
    collapsed by deduplication); a text equal to a better candidate's is left out.
    """
    found = _around(hits, reach, fetch)
    best: dict[str, ScoredChunk] = {}
    for hit in hits:
        for d in _offsets(_reach(reach, hit)):
            chunk = found.get((hit.chunk.source, hit.chunk.position + d))
            score = hit.score * decay ** abs(d)
            if chunk is not None and (chunk.id not in best or score > best[chunk.id].score):
                best[chunk.id] = hit if d == 0 else ScoredChunk(chunk, score)
    skipped = set(skip)
    out: list[ScoredChunk] = []
    for cand in sorted(best.values(), key=lambda h: -h.score):
        if not {cand.chunk.id, cand.chunk.content_hash} & skipped:
            skipped.add(cand.chunk.content_hash)
            out.append(cand)
    return out


def _reach(reach: Reach, hit: ScoredChunk) -> int:
    return reach(hit) if callable(reach) else reach


def _around(
    hits: Sequence[ScoredChunk], reach: Reach, fetch: NeighbourFetch
) -> dict[tuple[str, int], Chunk]:
    """The hits and the chunks out to `reach` positions from them, by (source, position)."""
    wanted: dict[str, set[int]] = {}
    for hit in hits:
        p, r = hit.chunk.position, _reach(reach, hit)
        wanted.setdefault(hit.chunk.source, set()).update(
            p + d for d in range(-r, r + 1) if d and p + d >= 0)
    found = {(c.source, c.position): c for s, pos in wanted.items() if pos
             for c in fetch(s, sorted(pos))}
    return found | {(h.chunk.source, h.chunk.position): h.chunk for h in hits}


def _offsets(reach: int) -> list[int]:
    """0, +1, -1, +2, -2, ...: on equal scores the text after a hit, which usually finishes
    what it started, comes first."""
    return [0, *(x for d in range(1, reach + 1) for x in (d, -d))]
