"""How passages and turns appear in the prompt: the single place token counts are taken from.

A passage is a header line "[source — heading, p. N]" (heading falls back to the title)
followed by its text; passages are separated by a blank line. A passage that follows another
of the same document gets a continuation header "[… > heading, p. N]": "…" stands for the
source and the leading sections it shares with the passage above, which the reader has just
seen ("[…]" alone: the same section, after a gap). Each part is counted with the whitespace that
joins it to the text before (context/units.py): under word pieces, which never span whitespace,
the parts add up to the count of the joined prompt exactly; under a BPE they come close, and
context/assemble.py counts the rendered passages whole before it hands them on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from core.models import Passage, Turn

PASSAGE_SEPARATOR = "\n\n"
# Coverage packing re-heads a document's passages for every sentence it weighs; a corpus has
# a few thousand sections and pages, ~100 B of header each.
HEADER_CACHE = 8_192
# Stands for what a continuation header leaves out; one word piece.
ELIDED = "…"
Count = Callable[[str], int]  # exact token count: core.tokenizer.Tokenizer.count
Path = tuple[str, ...]  # a heading path: the breadcrumbs, or the title when there are none


def heading(title: str, breadcrumbs: Path) -> Path:
    return breadcrumbs or ((title,) if title else ())


@lru_cache(maxsize=HEADER_CACHE)
def header(source: str, title: str, breadcrumbs: Path, page: int | None,
           above: Path | None = None) -> str:
    """`above`: the heading path of the passage just before, when it is of the same document."""
    path = heading(title, breadcrumbs)
    if above is None:
        label = " > ".join(path)
        where = f"{source} — {label}" if label and label != source else source
    else:
        where = " > ".join([ELIDED, *path[_shared(path, above):]])
    return f"[{where}, p. {page}]" if page is not None else f"[{where}]"


def _shared(path: Path, above: Path) -> int:
    """Leading sections `path` has in common with `above`; all when equal, else not its last."""
    if path == above:
        return len(path)
    n = 0
    while n < min(len(path) - 1, len(above)) and path[n] == above[n]:
        n += 1
    return n


def render_text(source: str, title: str, breadcrumbs: Path, page: int | None, text: str,
                above: Path | None = None) -> str:
    return f"{header(source, title, breadcrumbs, page, above)}\n{text}"


def separator_tokens(count: Count) -> int:
    """What the blank line before a passage costs: nothing in word pieces, a token in a BPE
    (less where it merges with the full stop before it)."""
    return count(PASSAGE_SEPARATOR)


def render_passage(p: Passage, above: Path | None = None) -> str:
    return render_text(p.source, p.title, p.breadcrumbs, p.page, p.text, above)


def above_of(previous: Passage | None, source: str) -> Path | None:
    """The heading path a passage of `source` after `previous` continues from, if any."""
    if previous is None or previous.source != source:
        return None
    return heading(previous.title, previous.breadcrumbs)


def render_passages(passages: Sequence[Passage]) -> str:
    return PASSAGE_SEPARATOR.join(
        render_passage(p, above_of(passages[i - 1] if i else None, p.source))
        for i, p in enumerate(passages))


def render_turn(turn: Turn) -> str:
    return f"{turn.role}: {turn.content}"
