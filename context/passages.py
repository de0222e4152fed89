"""Selected chunk pieces -> passages: the pieces of one section joined, in reading order.

Pieces of one document that share section and page make one passage (so its header is true
for all its text). A piece that goes on where the one before stops (the next chunk, and
neither cut short) joins with a line break; otherwise a GAP line between them shows that text
was left out. The chunker repeats `Chunk.overlap` leading characters of the previous chunk;
they are dropped on joining when they really are the previous chunk's tail.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from context.render import ELIDED, Count, Path, header, heading, render_text, separator_tokens
from core.models import Chunk, Passage

# Stands for left-out text between two pieces of a passage, on a line of its own.
GAP = ELIDED


def gap_tokens(count: Count) -> int:
    """A gap line and the break before it ("…" is one word piece, the break none; 2 in
    cl100k): the break after it is counted with the text that follows (context/units.py)."""
    return count(f"\n{GAP}")


@dataclass(frozen=True)
class Piece:
    chunk: Chunk
    score: float
    text: str  # the chunk's text, or a part of it ending at a sentence boundary
    start: int = 0  # where `text` starts in the chunk's text

    @property
    def trimmed(self) -> bool:
        """It stops before the chunk's end: the next chunk would not continue it."""
        return self.start + len(self.text.rstrip()) < len(self.chunk.text.rstrip())

    @property
    def opens_late(self) -> bool:
        """It starts after the chunk's own text does: the chunk before would not lead into it."""
        return bool(self.chunk.text[self.chunk.overlap : self.start].strip())


def joinable(prev: Piece, nxt: Piece) -> bool:
    """One passage: the same document, section and page, so its header is true for both."""
    a, b = prev.chunk, nxt.chunk
    return a.source == b.source and (a.breadcrumbs, a.page) == (b.breadcrumbs, b.page)


def contiguous(prev: Piece, nxt: Piece) -> bool:
    """`nxt` goes on where `prev` stops: nothing of the document is left out between them."""
    return (
        nxt.chunk.position == prev.chunk.position + 1
        and not prev.trimmed
        and not nxt.opens_late
    )


def fresh(text: str, nxt: Piece) -> str:
    """What `nxt` adds after `text`: its text less the overlap it repeats ("" if nothing)."""
    if nxt.start >= nxt.chunk.overlap:  # it starts past the repeated lead
        return nxt.text.lstrip()
    repeated = nxt.text[: nxt.chunk.overlap]
    rest = nxt.text[nxt.chunk.overlap :] if text.endswith(repeated.rstrip()) else nxt.text
    return rest.lstrip() if rest.strip() else ""


def runs(pieces: Iterable[Piece]) -> list[list[Piece]]:
    """Pieces grouped into joinable runs, each run in document order."""
    out: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.chunk.source, p.chunk.position, p.start)):
        if out and joinable(out[-1][-1], piece):
            out[-1].append(piece)
        else:
            out.append([piece])
    return out


def to_passage(run: Sequence[Piece], count: Count, above: Path | None = None) -> Passage:
    """`above`: the heading path of the passage before, when it is of the same document.

    Pieces that do not follow on are joined by a GAP line: the reader sees that text was left
    out, for a token or two instead of a header. `tokens` is the rendered passage's exact count.
    """
    first = run[0].chunk
    text = run[0].text
    ids, starts = [first.id], [0]
    for prev, piece in pairwise(run):
        goes_on = contiguous(prev, piece)
        added = fresh(text, piece) if goes_on else piece.text.strip()
        join = "\n" if goes_on else f"\n{GAP}\n"
        if piece.chunk.id != ids[-1]:
            # The chunk starts after the join; if it added nothing it shares the last start.
            ids.append(piece.chunk.id)
            starts.append(len(text) + len(join) if added else starts[-1])
        if added:
            text = f"{text}{join}{added}"
    return Passage(
        source=first.source,
        title=first.title,
        breadcrumbs=first.breadcrumbs,
        page=first.page,
        chunk_ids=tuple(ids),
        text=text,
        score=max(p.score for p in run),
        tokens=count(render_text(first.source, first.title, first.breadcrumbs, first.page, text,
                                 above)),
        position=first.position,
        chunk_starts=tuple(starts),
    )


def headed_runs(pieces: Iterable[Piece]) -> Iterator[tuple[list[Piece], Path | None]]:
    """The runs in document order, each with the heading path its header continues from."""
    above: tuple[str, Path] | None = None  # the previous run's source and heading path
    for run in runs(pieces):
        first = run[0].chunk
        yield run, above[1] if above and above[0] == first.source else None
        above = (first.source, heading(first.title, first.breadcrumbs))


def build_passages(pieces: Iterable[Piece], count: Count) -> list[Passage]:
    """In document order, each counted as `render_passages` writes it in that order."""
    return [to_passage(run, count, above) for run, above in headed_runs(pieces)]


def frame_tokens(pieces: Iterable[Piece], count: Count) -> int:
    """The tokens `build_passages` would spend around the pieces' own text: headers, the blank
    line before each, and gap lines, without building the passages."""
    total = 0
    gap, blank = gap_tokens(count), separator_tokens(count)
    for run, above in headed_runs(pieces):
        c = run[0].chunk
        total += count(header(c.source, c.title, c.breadcrumbs, c.page, above)) + blank
        total += gap * sum(not contiguous(a, b) for a, b in pairwise(run))
    return total


def reading_order(passages: Iterable[Passage]) -> list[Passage]:
    """Grouped by document, documents by their best score, passages in document order."""
    items = list(passages)
    best: dict[str, float] = {}
    for p in items:
        best[p.source] = max(best.get(p.source, p.score), p.score)
    return sorted(items, key=lambda p: (-best[p.source], p.source, p.position))
