"""How passages and turns appear in the prompt: the single place token counts are taken from.

A passage is a header line "[source — heading, p. N]" (heading falls back to the title)
followed by its text; passages are separated by a blank line. Word pieces never span
whitespace, so the count of the joined prompt equals the sum of the parts' counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lore.models import Chunk, Passage, Turn

PASSAGE_SEPARATOR = "\n\n"
Count = Callable[[str], int]  # exact token count: lore.tokenizer.Tokenizer.count


def header(source: str, title: str, breadcrumbs: tuple[str, ...], page: int | None) -> str:
    label = " > ".join(breadcrumbs) or title
    where = f"{source} — {label}" if label and label != source else source
    return f"[{where}, p. {page}]" if page is not None else f"[{where}]"


def render_text(source: str, title: str, breadcrumbs: tuple[str, ...], page: int | None,
                text: str) -> str:
    return f"{header(source, title, breadcrumbs, page)}\n{text}"


def text_tokens(chunk: Chunk, text: str, count: Count) -> int:
    """Tokens of `text`, which is the chunk's text or a part of it.

    Ingestion stored the count of heading + "\\n" + text (`Chunk.tokens`); word pieces never
    span whitespace, so the whole text's share is exact for one cached heading count instead of
    an encode of ~200 tokens. A query at 100k chunks weighs ~80 candidates and copies
    (assemble p50 22 -> 3 ms, docs/benchmarks.md).
    """
    if text == chunk.text and chunk.tokens:
        return chunk.tokens - count(chunk.heading)
    return count(text)


def render_passage(p: Passage) -> str:
    return render_text(p.source, p.title, p.breadcrumbs, p.page, p.text)


def render_passages(passages: Sequence[Passage]) -> str:
    return PASSAGE_SEPARATOR.join(render_passage(p) for p in passages)


def render_turn(turn: Turn) -> str:
    return f"{turn.role}: {turn.content}"
