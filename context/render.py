"""How passages and turns appear in the prompt: the single place token counts are taken from.

A passage is a header line "[source — heading, p. N]" (heading falls back to the title)
followed by its text; passages are separated by a blank line. Word pieces never span
whitespace, so the count of the joined prompt equals the sum of the parts' counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lore.models import Passage, Turn

PASSAGE_SEPARATOR = "\n\n"
Count = Callable[[str], int]  # exact token count: lore.tokenizer.Tokenizer.count


def header(source: str, title: str, breadcrumbs: tuple[str, ...], page: int | None) -> str:
    label = " > ".join(breadcrumbs) or title
    where = f"{source} — {label}" if label and label != source else source
    return f"[{where}, p. {page}]" if page is not None else f"[{where}]"


def render_text(source: str, title: str, breadcrumbs: tuple[str, ...], page: int | None,
                text: str) -> str:
    return f"{header(source, title, breadcrumbs, page)}\n{text}"


def render_passage(p: Passage) -> str:
    return render_text(p.source, p.title, p.breadcrumbs, p.page, p.text)


def render_passages(passages: Sequence[Passage]) -> str:
    return PASSAGE_SEPARATOR.join(render_passage(p) for p in passages)


def render_turn(turn: Turn) -> str:
    return f"{turn.role}: {turn.content}"
