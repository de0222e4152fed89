"""Greedy packing of scored chunks into a token budget, counted on the rendered passages.

Hits are taken in PackingOrder; each goes in whole if the rendered passages still fit.
The first hit that does not fit whole is trimmed at a sentence boundary to the space left
and closes the budget; a hit that cannot even be trimmed is skipped and the next is tried.
While the budget is open, the ±1 neighbours of the packed hits (same section only, so they
merge) are added whole, best hit first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from context.passages import Piece, build_passages, mergeable
from context.render import Count, render_text
from context.trim import trim_to_fit
from lore.models import Chunk, Passage, ScoredChunk

NeighbourFetch = Callable[[str, Sequence[int]], Sequence[Chunk]]


class PackingOrder(StrEnum):
    SCORE = "score"  # best first: the top hits are never traded for smaller ones
    DENSITY = "density"  # score per token: more evidence when the budget is tight


def chunk_tokens(chunk: Chunk, count: Count) -> int:
    """Tokens of the chunk rendered alone as a passage."""
    return count(render_text(chunk.source, chunk.title, chunk.breadcrumbs, chunk.page, chunk.text))


def ordered(hits: Sequence[ScoredChunk], order: PackingOrder, count: Count) -> list[ScoredChunk]:
    if order is PackingOrder.SCORE:
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

    @property
    def total(self) -> int:
        return sum(self.tokens.values())

    def has(self, chunk: Chunk) -> bool:
        return chunk.position in self.pieces.get(chunk.source, {})

    def fits_with(self, piece: Piece) -> int | None:
        """Tokens of the piece's document with the piece added, if within the limit."""
        doc = {**self.pieces.get(piece.chunk.source, {}), piece.chunk.position: piece}
        tokens = sum(p.tokens for p in build_passages(doc.values(), self.count))
        room = self.limit - self.total + self.tokens.get(piece.chunk.source, 0)
        return tokens if tokens <= room else None

    def add(self, piece: Piece) -> bool:
        tokens = self.fits_with(piece)
        if tokens is None:
            return False
        self.pieces.setdefault(piece.chunk.source, {})[piece.chunk.position] = piece
        self.tokens[piece.chunk.source] = tokens
        return True

    def add_trimmed(self, piece: Piece) -> bool:
        text = trim_to_fit(piece.text, lambda t: self.fits_with(replace(piece, text=t)) is not None)
        self.closed = text is not None and self.add(replace(piece, text=text))
        return self.closed

    def passages(self) -> list[Passage]:
        return build_passages((p for doc in self.pieces.values() for p in doc.values()), self.count)


def pack_hits(
    packer: Packer, hits: Iterable[ScoredChunk]
) -> tuple[list[ScoredChunk], list[ScoredChunk]]:
    """Packs hits in the given order; returns (packed, left out)."""
    packed: list[ScoredChunk] = []
    left: list[ScoredChunk] = []
    for hit in hits:
        piece = Piece(hit.chunk, hit.score, hit.chunk.text)
        fitted = not packer.closed and (packer.add(piece) or packer.add_trimmed(piece))
        (packed if fitted else left).append(hit)
    return packed, left


def expand(packer: Packer, packed: Sequence[ScoredChunk], fetch: NeighbourFetch) -> None:
    """Adds the ±1 neighbours of `packed` (best first) while they fit whole."""
    if packer.closed:
        return
    wanted: dict[str, set[int]] = {}
    for hit in packed:
        p = hit.chunk.position
        wanted.setdefault(hit.chunk.source, set()).update(q for q in (p - 1, p + 1) if q >= 0)
    found = {(c.source, c.position): c for s, pos in wanted.items() for c in fetch(s, sorted(pos))}
    for hit in packed:
        for q in (hit.chunk.position - 1, hit.chunk.position + 1):
            _add_neighbour(packer, hit, found.get((hit.chunk.source, q)))


def _add_neighbour(packer: Packer, hit: ScoredChunk, chunk: Chunk | None) -> None:
    if chunk is None or packer.has(chunk):
        return
    piece = Piece(chunk, hit.score, chunk.text)
    this = packer.pieces[hit.chunk.source][hit.chunk.position]
    pair = (this, piece) if chunk.position > this.chunk.position else (piece, this)
    if mergeable(*pair):
        packer.add(piece)
