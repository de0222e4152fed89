"""HTML read directly with lxml: headings, paragraphs, lists, code, tables and definitions.

unstructured's partition_html flattens a definition list into loose paragraphs (the API
reference of Python's documentation: the signature line `shutil.copytree(src, dst, ...)` and
its description end up as unrelated text under the page's section) and takes ~10 s per page
of it. Here a definition (`<dt>` term or signature, `<dd>` description) opens a section of
its own, named by the term (its anchor id, e.g. "shutil.copytree"), one level below the
section it sits in: its chunks carry the name in their heading, the signature line is their
first element, and they never mix with the neighbouring definition. Text after a definition
list goes back under the enclosing section. Navigation, sidebars, scripts and permalink marks
are left out; Sphinx pages are read from their main block only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml.html import HtmlElement

from core.models import ElementKind
from core.text import squash
from ingestion.structure import Block

# Layout and furniture: never content (Sphinx's related-pages bar, sidebar and footer too).
SKIP_TAGS = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template",
                       "form", "button", "head", "img", "svg"})
SKIP_CLASSES = frozenset({"headerlink", "related", "sphinxsidebar", "footer", "navigation"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Blocks whose text is one element each; everything else either holds blocks or is inline.
CONTAINERS = frozenset({"div", "section", "article", "main", "body", "blockquote", "dd",
                        "aside", "figure", "details", "center"})
# A definition's name: enough of the term to recognise it in a heading path.
MAX_TERM_CHARS = 80


def html_blocks(text: str) -> list[Block]:
    root = lxml.html.document_fromstring(text.encode("utf-8"),
                                         parser=lxml.html.HTMLParser(encoding="utf-8"))
    main = root.find('.//div[@role="main"]')
    if main is None:
        main = root.find(".//main")
    if main is None:
        main = root.find(".//body")
    return list(_Reader().blocks(main if main is not None else root))


def _skipped(el: HtmlElement) -> bool:
    classes = set((el.get("class") or "").split())
    return el.tag in SKIP_TAGS or bool(classes & SKIP_CLASSES) or el.get("role") == "navigation"


def inline_text(el: HtmlElement) -> str:
    """The element's words, without skipped parts (permalink marks), whitespace squashed."""
    return squash(_raw(el))


def _raw(el: HtmlElement) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not _skipped(child):
            parts.append(_raw(child) if child.tag != "br" else "\n")
        parts.append(child.tail or "")
    return "".join(parts)


def table_rows(table: HtmlElement) -> str:
    """One line per row, cells joined by ' | ', the header row first as in the source."""
    lines = (" | ".join(inline_text(c) for c in r.iter("td", "th")) for r in table.iter("tr"))
    return "\n".join(line for line in lines if line.strip(" |"))


@dataclass
class _Reader:
    """One walk over the tree; `path` is the heading stack (depth, title) as it stands."""

    path: list[tuple[int, str]] = field(default_factory=list)

    def blocks(self, el: HtmlElement) -> Iterator[Block]:
        loose: list[str] = [el.text or ""]  # inline text between block children
        for child in el:
            if not isinstance(child.tag, str) or _skipped(child):
                loose.append(child.tail or "")
                continue
            if _is_block(child):
                yield from _paragraph(loose)
                loose = []
                yield from self._block(child)
            else:
                loose.append(inline_text(child))
            loose.append(child.tail or "")
        yield from _paragraph(loose)

    def _block(self, el: HtmlElement) -> Iterator[Block]:
        tag = el.tag
        if tag in HEADINGS:
            title = inline_text(el)
            if title:
                depth = HEADINGS[tag]
                self._open(depth, title)
                yield Block(title, ElementKind.TITLE, depth)
        elif tag == "p":
            yield from _paragraph([inline_text(el)])
        elif tag == "pre":
            yield Block(el.text_content().strip("\n"), ElementKind.CODE)
        elif tag == "table":
            yield Block(table_rows(el), ElementKind.TABLE)
        elif tag in ("ul", "ol"):
            yield from self._items(el)
        elif "admonition" in (el.get("class") or "").split():
            yield from _admonition(list(self.blocks(el)))
        elif tag == "dl":
            yield from self._definitions(el)
        else:  # a container, or an unknown block: its own blocks
            yield from self.blocks(el)

    def _items(self, el: HtmlElement) -> Iterator[Block]:
        for li in el.iterchildren("li"):
            nested = [c for c in li if isinstance(c.tag, str) and _is_block(c)
                      and c.tag not in ("p", "span")]
            own = inline_text(_without(li, nested))
            if own:
                yield Block(own, ElementKind.LIST)
            for child in nested:
                yield from self._block(child)

    def _definitions(self, dl: HtmlElement) -> Iterator[Block]:
        """Each run of <dt> terms and their <dd> as a section one level below the current."""
        outer = list(self.path)
        depth = (outer[-1][0] if outer else 0) + 1
        for child in dl:
            if not isinstance(child.tag, str) or _skipped(child):
                continue
            if child.tag == "dt":
                term = inline_text(child)
                if not term:
                    continue
                if self.path == outer or self.path[-1][0] != depth or not _continues(child):
                    self._open(depth, name := _term(child, term))
                    yield Block(name, ElementKind.TITLE, depth)
                if _is_signature(child):
                    yield Block(qualified(term, child.get("id") or ""), ElementKind.CODE)
                else:
                    yield Block(term, ElementKind.TEXT)
            elif child.tag == "dd":
                yield from self.blocks(child)
        if outer and self.path != outer:  # text after the list belongs to the section around it
            self.path = outer
            yield Block(outer[-1][1], ElementKind.TITLE, outer[-1][0])
        elif not outer:
            self.path = outer

    def _open(self, depth: int, title: str) -> None:
        while self.path and self.path[-1][0] >= depth:
            self.path.pop()
        self.path.append((depth, title))


def _admonition(blocks: list[Block]) -> Iterator[Block]:
    """"Note" / "Warning" titles lead the paragraph they head, as in markdown_parser."""
    if len(blocks) > 1 and blocks[0].kind is ElementKind.TEXT and len(blocks[0].text) < 40:
        first = blocks[1]
        yield Block(f"{blocks[0].text}: {first.text}", first.kind, first.depth, first.page)
        blocks = blocks[2:]
    yield from blocks


def _is_block(el: HtmlElement) -> bool:
    return (el.tag in HEADINGS or el.tag in CONTAINERS
            or el.tag in ("p", "pre", "table", "ul", "ol", "dl", "hr"))


def _paragraph(parts: list[str]) -> Iterator[Block]:
    text = squash(" ".join(parts))
    if text:
        yield Block(text, ElementKind.TEXT)


def _without(el: HtmlElement, children: list[HtmlElement]) -> HtmlElement:
    """A copy of `el` without the given children (their tails kept)."""
    if not children:
        return el
    copy = lxml.html.fromstring(lxml.html.tostring(el))
    for nested in copy:
        if isinstance(nested.tag, str) and _is_block(nested) and nested.tag not in ("p", "span"):
            nested.drop_tree()
    return copy


def _is_signature(dt: HtmlElement) -> bool:
    return "sig" in (dt.get("class") or "").split()


def qualified(signature: str, anchor: str) -> str:
    """A signature under the full name its anchor gives: Sphinx shows a method as "run(coro, *,
    context=None)" inside its class, so a quote of the line alone would not say whose it is;
    "asyncio.Runner.run(coro, *, context=None)" does. A line already holding the name is kept."""
    name = anchor.rsplit(".", 1)[-1]
    found = re.search(rf"(?<![\w.])[\w.]*\b{re.escape(name)}\b", signature) if name else None
    if found is None or not anchor.endswith(f".{found.group()}"):
        return signature
    return signature[: found.start()] + anchor + signature[found.end():]


def _continues(dt: HtmlElement) -> bool:
    """A <dt> right after another: a second signature of the same definition."""
    prev = dt.getprevious()
    return prev is not None and prev.tag == "dt"


def _term(dt: HtmlElement, text: str) -> str:
    """The definition's name: its anchor id ("shutil.copytree"), else the term up to "(" ."""
    anchor = dt.get("id") or ""
    if anchor and anchor.rsplit(".", 1)[-1] in text:  # not "index-3" or "term-x"
        return anchor
    return text.split("(", 1)[0].strip()[:MAX_TERM_CHARS] or text[:MAX_TERM_CHARS]
