"""HTML, Office files, CSV and e-mail through unstructured, mapped to our blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.html

from core.models import ElementKind
from ingestion.structure import Block

UNSTRUCTURED_TYPES = frozenset({".html", ".htm", ".docx", ".pptx", ".xlsx", ".csv", ".eml"})
# Slides number their pages, so a fact keeps its slide number as its page.
PAGED_TYPES = frozenset({".pptx"})
# Layout furniture and empty markers carry no content worth retrieving.
SKIPPED = frozenset({"PageBreak", "Header", "Footer", "PageNumber", "Image"})
_KIND = {"ListItem": ElementKind.LIST, "Table": ElementKind.TABLE,
         "CodeSnippet": ElementKind.CODE}


def _partitioner(ext: str) -> Callable[..., list[Any]]:
    """Import only the partitioner the file needs; each pulls its own heavy dependencies."""
    if ext in (".html", ".htm"):
        from unstructured.partition.html import partition_html as fn
    elif ext == ".docx":
        from unstructured.partition.docx import partition_docx as fn
    elif ext == ".pptx":
        from unstructured.partition.pptx import partition_pptx as fn
    elif ext == ".xlsx":
        from unstructured.partition.xlsx import partition_xlsx as fn
    elif ext == ".csv":
        from unstructured.partition.csv import partition_csv as fn
    else:
        from unstructured.partition.email import partition_email as fn
    return fn


def unstructured_blocks(path: Path, ext: str, encoding: str | None = None) -> list[Block]:
    """`encoding`: how parsers.py decoded a text file (HTML, CSV), else None."""
    # Imported here: spaCy and unstructured take ~2 s to import, which a run over Markdown,
    # text and PDF files never needs.
    from ingestion.spacy_offline import use_packaged_spacy_model

    use_packaged_spacy_model()
    # languages=[""]: skip language detection, which we never use (~15% of parse time).
    kwargs: dict[str, Any] = {"languages": [""]}
    if encoding and ext != ".eml":  # e-mail declares its charsets in its own headers
        kwargs["encoding"] = encoding
    if ext == ".eml":  # an attachment (say a PDF) would need parsers we do not install
        kwargs["process_attachments"] = False
    elements = _partitioner(ext)(filename=str(path), **kwargs)
    head = list(_email_header(elements)) if ext == ".eml" else []
    return head + list(_blocks(elements, ext))


def _blocks(elements: list[Any], ext: str) -> Iterator[Block]:
    sheet = None
    for el in elements:
        meta = el.metadata
        if ext == ".xlsx" and meta.page_name != sheet:
            sheet = meta.page_name
            yield Block(sheet or "", ElementKind.TITLE, 1)
        if el.category in SKIPPED:
            continue
        page = meta.page_number if ext in PAGED_TYPES else None
        if el.category == "Table":
            yield Block(table_rows(meta.text_as_html) or el.text, ElementKind.TABLE, page=page)
        elif el.category == "Title" and _is_heading(meta.category_depth, ext):
            yield Block(el.text, ElementKind.TITLE, meta.category_depth + 1, page)
        else:
            yield Block(el.text, _KIND.get(el.category, ElementKind.TEXT), page=page)


def _is_heading(depth: int | None, ext: str) -> bool:
    """Only titles with a structural depth (h1-h6, Heading styles, slide titles) open sections:
    unstructured also labels short plain lines "Title", and on slides it gives body bullets
    depths >= 1."""
    if depth is None:
        return False
    return depth == 0 or ext not in PAGED_TYPES


def table_rows(html: str | None) -> str:
    """One line per row, cells joined by ' | ', the header row first as in the source."""
    if not html:
        return ""
    rows = lxml.html.fromstring(html).iter("tr")
    lines = (" | ".join(" ".join(c.text_content().split()) for c in r.iter("td", "th"))
             for r in rows)
    return "\n".join(line for line in lines if line.strip(" |"))


def _email_header(elements: list[Any]) -> Iterator[Block]:
    """The subject heads the message; sender, recipients and date are facts worth finding."""
    if not elements:
        return
    meta = elements[0].metadata
    if meta.subject:
        yield Block(meta.subject, ElementKind.TITLE, 1)
    fields = [("From", ", ".join(meta.sent_from or [])), ("To", ", ".join(meta.sent_to or [])),
              ("Date", meta.last_modified or ""), ("Subject", meta.subject or "")]
    yield Block("\n".join(f"{k}: {v}" for k, v in fields if v), ElementKind.TEXT)
