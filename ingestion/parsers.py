"""Pick a parser by file extension and turn every kind of bad input into a ParseError."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from core.errors import ParseError
from core.models import ElementKind, ParsedDocument
from ingestion.html_parser import html_blocks
from ingestion.markdown_parser import markdown_blocks
from ingestion.pdf_parser import pdf_blocks
from ingestion.structure import Block, document_title, to_elements
from ingestion.unstructured_parser import UNSTRUCTURED_TYPES, unstructured_blocks

MARKDOWN_TYPES = frozenset({".md", ".markdown", ".txt"})
# Read with lxml (ingestion/html_parser.py): definitions keep their terms, ~1000x faster.
HTML_TYPES = frozenset({".html", ".htm"})
SUPPORTED = MARKDOWN_TYPES | HTML_TYPES | UNSTRUCTURED_TYPES | {".pdf"}
# Formats whose bytes are text: binary junk under these names is caught before parsing.
TEXT_TYPES = MARKDOWN_TYPES | {".html", ".htm", ".csv", ".eml"}
# First bytes of the binary formats (Office files are ZIP containers).
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".pptx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}
# PDF allows junk before the header; readers look this far for it.
PDF_HEADER_WINDOW = 1024
# Text has almost no control characters besides whitespace; random bytes have ~10%.
MAX_CONTROL_RATIO = 0.05
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b") + b"\x7f"
# Long library messages (tracebacks in disguise) are cut for the run report.
MAX_REASON_CHARS = 300


def parse_file(path: Path, source: str, max_bytes: int) -> ParsedDocument:
    """Parse one file; every failure, ours or a library's, becomes ParseError(reason)."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise ParseError(f"unsupported file type '{ext or path.name}'; supported: "
                         + ", ".join(sorted(SUPPORTED)))
    stat = path.stat()
    if stat.st_size == 0:
        raise ParseError("empty file")
    if stat.st_size > max_bytes:
        raise ParseError(f"file is {_mb(stat.st_size)}, over the {_mb(max_bytes)} limit")
    data = path.read_bytes()
    warnings: list[str] = []
    blocks = _blocks(path, ext, data, warnings)
    elements = to_elements(blocks)
    if not any(e.kind is not ElementKind.TITLE for e in elements):
        hint = " (a scanned PDF needs OCR, which lore does not do)" if ext == ".pdf" else ""
        raise ParseError(f"no text found{hint}")
    return ParsedDocument(source=source, title=document_title(elements, path.stem),
                          elements=elements, content_hash=hashlib.sha256(data).hexdigest(),
                          mtime=stat.st_mtime, warnings=tuple(warnings))


def _blocks(path: Path, ext: str, data: bytes, warnings: list[str]) -> list[Block]:
    magic = MAGIC.get(ext)
    window = data[:PDF_HEADER_WINDOW] if ext == ".pdf" else data[: len(magic or b"")]
    if magic and magic not in window:
        raise ParseError(f"not a valid {ext[1:].upper()} file (wrong signature)")
    text, encoding = decode_text(data) if ext in TEXT_TYPES else ("", "utf-8")
    guessed = encoding in ("cp1252", "latin-1") and ext != ".eml"  # e-mail names its charsets
    if guessed:
        warnings.append(f"not valid UTF-8; read as {encoding}, check accented characters")
    try:
        if ext in MARKDOWN_TYPES:
            return markdown_blocks(text)
        if ext in HTML_TYPES:
            return html_blocks(text)
        if ext == ".pdf":
            return pdf_blocks(path)
        return unstructured_blocks(path, ext, None if encoding == "utf-8" else encoding)
    except ParseError:
        raise
    except Exception as exc:  # a library's failure on one file must not stop the batch
        reason = f"{ext[1:].upper()} parser failed: {type(exc).__name__}: {exc}"
        raise ParseError(reason[:MAX_REASON_CHARS]) from exc


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 or a BOM-marked UTF-16, else Windows-1252, else Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data:
        raise ParseError("binary content in a text file (NUL bytes); is the extension right?")
    controls = len(data) - len(data.translate(None, _CONTROL))
    if controls > MAX_CONTROL_RATIO * len(data):
        raise ParseError("binary content in a text file (control characters); "
                         "is the extension right?")
    for codec, name in (("utf-8-sig", "utf-8"), ("cp1252", "cp1252")):
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # total: every byte is a character


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
