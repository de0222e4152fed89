"""PDF text with pypdf, page by page, structured by font size and line spacing.

unstructured[pdf] would pull a CUDA torch and OCR models; born-digital PDFs only need their text
layer. pypdf's visitor gives each text run's font size and baseline, which is enough to tell
headings (larger than the body font) from paragraphs (separated by a wider line gap) and to
keep the 1-based page number of every element. Scanned pages have no text layer and yield none.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError

from core.errors import ParseError
from core.models import ElementKind
from ingestion.structure import Block

# A line at least this much larger than the body font is a heading (10.5 -> 11.6 pt).
HEADING_RATIO = 1.1
# A gap this much wider than the usual line pitch ends a paragraph.
PARAGRAPH_GAP_RATIO = 1.3
# Longer "headings" are emphasised prose, not section titles.
MAX_HEADING_CHARS = 150
_BULLET = re.compile(r"^(?:[•▪◦●○■□‣⁃\-–*]|\d{1,3}[.)])\s+")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.I)


@dataclass(frozen=True)
class Line:
    text: str
    size: float  # effective font size in points
    y: float  # baseline height on the page
    page: int  # 1-based


def pdf_blocks(path: Path) -> list[Block]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("PDF is password-protected")
        lines = [ln for n, page in enumerate(reader.pages, 1) for ln in page_lines(page, n)]
    except PdfReadError as exc:
        raise ParseError(f"corrupt PDF: {exc}") from exc
    return lines_to_blocks(lines)


def page_lines(page: PageObject, number: int) -> list[Line]:
    """Split pypdf's own text output at newlines; each line keeps its first run's size and y."""
    lines: list[Line] = []
    text: list[str] = []
    where: list[tuple[float, float]] = []

    def flush() -> None:
        line = " ".join("".join(text).split())
        if line and where and not _PAGE_NUMBER.match(line):
            lines.append(Line(line, where[0][0], where[0][1], number))
        text.clear()
        where.clear()

    def visit(run: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        for i, piece in enumerate(run.split("\n")):
            if i:
                flush()
            if piece.strip() and not where:
                scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
                where.append((round(size * scale, 1), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))
            text.append(piece)

    page.extract_text(visitor_text=visit)
    flush()
    return lines


def lines_to_blocks(lines: list[Line]) -> list[Block]:
    """Pure: headings by font size rank, paragraphs by line gap, list items by bullet."""
    if not lines:
        return []
    chars: Counter[float] = Counter()
    for ln in lines:
        chars[ln.size] += len(ln.text)
    body = chars.most_common(1)[0][0]
    heading_sizes = sorted({ln.size for ln in lines if ln.size >= body * HEADING_RATIO},
                           reverse=True)
    pitch = _line_pitch(lines)
    blocks: list[Block] = []
    prev: Line | None = None
    for ln in lines:
        is_heading = ln.size in heading_sizes and len(ln.text) <= MAX_HEADING_CHARS
        kind = ElementKind.TITLE if is_heading else (
            ElementKind.LIST if _BULLET.match(ln.text) else ElementKind.TEXT)
        if prev is not None and blocks and _continues(prev, ln, kind, blocks[-1].kind, pitch):
            last = blocks[-1]
            blocks[-1] = Block(_join_wrapped(last.text, ln.text), last.kind, last.depth, last.page)
        else:
            depth = heading_sizes.index(ln.size) + 1 if is_heading else 0
            blocks.append(Block(ln.text, kind, depth, ln.page))
        prev = ln
    return blocks


def _join_wrapped(left: str, right: str) -> str:
    """Undo a line wrap: a word hyphenated at the wrap is glued back together."""
    if left.endswith("-") and right[:1].islower():
        return left[:-1] + right
    return f"{left} {right}"


def _line_pitch(lines: list[Line]) -> float:
    """The usual baseline distance between consecutive same-size lines of a page."""
    gaps = [a.y - b.y for a, b in pairwise(lines)
            if a.page == b.page and a.size == b.size and a.y > b.y]
    return statistics.median(gaps) if gaps else math.inf


def _continues(prev: Line, ln: Line, kind: ElementKind, last: ElementKind, pitch: float) -> bool:
    """Whether `ln` goes on the block that `prev` ended: same page, size and run of text."""
    same_run = prev.page == ln.page and prev.size == ln.size and prev.y > ln.y
    close = prev.y - ln.y <= pitch * PARAGRAPH_GAP_RATIO
    starts_item = kind is ElementKind.LIST
    return same_run and close and not starts_item and last in (kind, ElementKind.LIST)
