"""A fast line-based structurer for Markdown and plain text.

unstructured's partition_md renders HTML and then runs spaCy on every paragraph to tell
narrative from titles (~10 s for the 900 KB rhdh corpus); Markdown already marks its structure,
so reading the marks directly keeps headings, lists, tables and code at a fraction of the cost.
Handles ATX (#) and setext (=== / ---) headings, ``` / ~~~ fences, indented code after a blank
line, pipe tables, list items, and AsciiDoc admonitions ([NOTE] + ---- blocks) as exported
into the rhdh docs. Plain text without such marks comes out as paragraphs and list items
(unstructured's partition_text would also guess titles from short lines with spaCy, at ~20 s for
the same corpus and with guesses that make poor breadcrumbs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.models import ElementKind
from ingestion.structure import Block

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(={3,}|-{3,})\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ADMONITION = re.compile(r"^\[(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$")
_DELIMITER = re.compile(r"^(-{4,}|={4,})\s*$")  # AsciiDoc block delimiters are 4+ long
_RULE = re.compile(r"^ {0,3}([-*_=])(\s*\1){2,}\s*$")  # thematic break, or a stray delimiter
# A setext underline turns only a short single line into a heading; longer is prose.
MAX_SETEXT_TITLE = 120


def markdown_blocks(text: str) -> list[Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return list(_Reader(lines).blocks())


class _Reader:
    """One pass over the lines; each `_take_*` consumes a block and returns it."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.i = 0

    def blocks(self) -> Iterator[Block]:
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if not line.strip():
                self.i += 1
            elif m := _FENCE.match(line):
                yield self._take_fence(m.group(1))
            elif m := _ATX.match(line):
                self.i += 1
                yield Block(m.group(2), ElementKind.TITLE, len(m.group(1)))
            elif _ADMONITION.match(line):
                yield self._take_admonition(line.strip()[1:-1].title())
            elif self._is_setext(line):
                self.i += 2
                depth = 1 if self.lines[self.i - 1].strip().startswith("=") else 2
                yield Block(line.strip(), ElementKind.TITLE, depth)
            elif _RULE.match(line):
                self.i += 1
            elif line.lstrip().startswith("|"):
                yield self._take_table()
            elif line.startswith(("    ", "\t")) and self._after_blank():
                yield self._take_indented_code()
            elif _LIST.match(line):
                yield self._take_paragraph(ElementKind.LIST)
            else:
                yield self._take_paragraph(ElementKind.TEXT)

    def _after_blank(self) -> bool:
        return self.i == 0 or not self.lines[self.i - 1].strip()

    def _is_setext(self, line: str) -> bool:
        nxt = self.lines[self.i + 1] if self.i + 1 < len(self.lines) else ""
        return (bool(_SETEXT.match(nxt)) and self._after_blank()
                and len(line.strip()) <= MAX_SETEXT_TITLE and not _LIST.match(line))

    def _take_fence(self, marker: str) -> Block:
        start = self.i + 1
        end = start
        while end < len(self.lines) and not self.lines[end].lstrip().startswith(marker):
            end += 1
        self.i = end + 1
        return Block("\n".join(self.lines[start:end]), ElementKind.CODE)

    def _take_admonition(self, label: str) -> Block:
        self.i += 1
        nxt = self.lines[self.i] if self.i < len(self.lines) else ""
        if not _DELIMITER.match(nxt):  # no delimiter: the next paragraph is the admonition
            para = self._take_paragraph(ElementKind.TEXT)
            return Block(f"{label}: {para.text}", ElementKind.TEXT)
        start = self.i + 1
        end = start
        while end < len(self.lines) and self.lines[end].strip() != nxt.strip():
            end += 1
        self.i = end + 1
        body = "\n".join(x for x in self.lines[start:end] if x.strip())
        return Block(f"{label}: {body}", ElementKind.TEXT)

    def _take_table(self) -> Block:
        rows = []
        while self.i < len(self.lines) and self.lines[self.i].lstrip().startswith("|"):
            line = self.lines[self.i].strip()
            self.i += 1
            if not _TABLE_RULE.match(line):
                rows.append(" | ".join(c.strip() for c in line.strip("|").split("|")))
        return Block("\n".join(rows), ElementKind.TABLE)

    def _take_indented_code(self) -> Block:
        start = self.i
        while self.i < len(self.lines) and (
            self.lines[self.i].startswith(("    ", "\t")) or not self.lines[self.i].strip()
        ):
            self.i += 1
        body = [x[4:] if x.startswith("    ") else x[1:] for x in self.lines[start:self.i]]
        return Block("\n".join(body).strip("\n"), ElementKind.CODE)

    def _take_paragraph(self, kind: ElementKind) -> Block:
        """Lines up to a blank line or the start of another block; a list item ends at the
        next item."""
        start = self.i
        self.i += 1
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if (not line.strip() or _FENCE.match(line) or _ATX.match(line) or _LIST.match(line)
                    or _ADMONITION.match(line) or line.lstrip().startswith("|")
                    or _RULE.match(line)):
                break
            self.i += 1
        return Block("\n".join(x.strip() for x in self.lines[start:self.i]), kind)
