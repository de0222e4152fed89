"""From a flat run of parsed blocks to elements that carry their section path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.models import Element, ElementKind


@dataclass(frozen=True)
class Block:
    """A piece of a document as a format parser sees it, before breadcrumbs are known."""

    text: str
    kind: ElementKind
    depth: int = 0  # heading level of a TITLE (1 = top level); unused for other kinds
    page: int | None = None


def to_elements(blocks: Iterable[Block]) -> tuple[Element, ...]:
    """A TITLE closes every open section at its depth or deeper, then opens its own.

    A title's breadcrumbs include itself, so the text under a heading shares its path.
    """
    path: list[tuple[int, str]] = []
    out: list[Element] = []
    for b in blocks:
        text = b.text.strip()
        if not text:
            continue
        if b.kind is ElementKind.TITLE:
            while path and path[-1][0] >= b.depth:
                path.pop()
            path.append((b.depth, " ".join(text.split())))
        out.append(Element(text, b.kind, tuple(t for _, t in path), b.page))
    return tuple(out)


def document_title(elements: Iterable[Element], fallback: str) -> str:
    """The first title at the shallowest heading level, else `fallback` (the file stem)."""
    titles = [e for e in elements if e.kind is ElementKind.TITLE]
    if not titles:
        return fallback
    top = min(len(e.breadcrumbs) for e in titles)
    return next(e.breadcrumbs[-1] for e in titles if len(e.breadcrumbs) == top)
