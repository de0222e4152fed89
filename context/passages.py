"""Selected chunk pieces -> passages: runs of one section merged, in reading order.

Consecutive positions of one document merge when they share section and page (so a passage's
header is true for all its text) and the earlier piece was not trimmed (a cut end would leave
a gap). The chunker repeats `Chunk.overlap` leading characters of the previous chunk; they are
dropped on merge when they really are the previous chunk's tail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from context.render import Count, Path, above_of, header, text_tokens
from lore.models import Chunk, Passage


@dataclass(frozen=True)
class Piece:
    chunk: Chunk
    score: float
    text: str  # the chunk's text, or a sentence-boundary prefix of it when trimmed

    @property
    def trimmed(self) -> bool:
        return self.text != self.chunk.text


def mergeable(prev: Piece, nxt: Piece) -> bool:
    a, b = prev.chunk, nxt.chunk
    return (
        a.source == b.source
        and b.position == a.position + 1
        and (a.breadcrumbs, a.page) == (b.breadcrumbs, b.page)
        and not prev.trimmed
    )


def fresh(text: str, nxt: Piece) -> str:
    """What `nxt` adds after `text`: its text less the overlap it repeats ("" if nothing)."""
    repeated = nxt.text[: nxt.chunk.overlap]
    rest = nxt.text[nxt.chunk.overlap :] if text.endswith(repeated.rstrip()) else nxt.text
    return rest.lstrip() if rest.strip() else ""


def runs(pieces: Iterable[Piece]) -> list[list[Piece]]:
    """Pieces grouped into mergeable runs, each run in document order."""
    out: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.chunk.source, p.chunk.position)):
        if out and mergeable(out[-1][-1], piece):
            out[-1].append(piece)
        else:
            out.append([piece])
    return out


def to_passage(run: Sequence[Piece], count: Count, above: Path | None = None) -> Passage:
    """`above`: the heading path of the passage before, when it is of the same document."""
    first = run[0].chunk
    text = run[0].text
    tokens = text_tokens(first, text, count)  # the "\n" joins add none: see context/render.py
    starts = [0]
    for piece in run[1:]:
        added = fresh(text, piece)
        # The chunk starts after the "\n" join; if it added nothing it shares the last start.
        starts.append(len(text) + 1 if added else starts[-1])
        if added:
            text = f"{text}\n{added}"
            tokens += text_tokens(piece.chunk, added, count)
    return Passage(
        source=first.source,
        title=first.title,
        breadcrumbs=first.breadcrumbs,
        page=first.page,
        chunk_ids=tuple(p.chunk.id for p in run),
        text=text,
        score=max(p.score for p in run),
        tokens=count(header(first.source, first.title, first.breadcrumbs, first.page, above))
        + tokens,
        position=first.position,
        chunk_starts=tuple(starts),
    )


def build_passages(pieces: Iterable[Piece], count: Count) -> list[Passage]:
    """In document order, each counted as `render_passages` writes it in that order."""
    out: list[Passage] = []
    for run in runs(pieces):
        out.append(to_passage(run, count, above_of(out[-1] if out else None, run[0].chunk.source)))
    return out


def reading_order(passages: Iterable[Passage]) -> list[Passage]:
    """Grouped by document, documents by their best score, passages in document order."""
    items = list(passages)
    best: dict[str, float] = {}
    for p in items:
        best[p.source] = max(best.get(p.source, p.score), p.score)
    return sorted(items, key=lambda p: (-best[p.source], p.source, p.position))
