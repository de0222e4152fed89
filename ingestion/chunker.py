"""Structure-aware chunking bounded by the embedding model's own word-piece count.

Sections (same breadcrumbs, same page) are packed greedily; an element too long for one chunk is
cut at sentence, then line, then word boundaries. Chunks never cross a page so citations keep
the right page. `embed_text` (heading + text) is what must fit the model, so the heading's
tokens come out of each chunk's budget.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import groupby

from core.models import Chunk, Element, ElementKind, ParsedDocument
from core.text import sentences

Count = Callable[[str], int]
# Fixed namespace: chunk ids must stay the same across runs and machines.
CHUNK_NS = uuid.UUID("6f1c1c2e-3b7a-5d7e-9a54-1f0c2b9e4d11")
# A heading deeper than this eats a chunk's budget; keep its innermost levels.
MAX_HEADING_TOKENS = 48


@dataclass(frozen=True)
class Piece:
    text: str
    tokens: int


def chunk_id(source: str, position: int, content_hash: str) -> str:
    return str(uuid.uuid5(CHUNK_NS, f"{source}\x00{position}\x00{content_hash}"))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def heading_for(crumbs: tuple[str, ...], count: Count) -> tuple[str, ...]:
    while len(crumbs) > 1 and count(" > ".join(crumbs)) > MAX_HEADING_TOKENS:
        crumbs = crumbs[1:]
    return crumbs


def split_words(text: str, limit: int, count: Count) -> Iterator[str]:
    """Last resort for a run-on sentence: cut between words, each part within `limit`."""
    part: list[str] = []
    for word in text.split():
        if part and count(" ".join([*part, word])) > limit:
            yield " ".join(part)
            part = []
        part.append(word)
    if part:
        yield " ".join(part)


def pieces_of(el: Element, limit: int, count: Count) -> Iterator[Piece]:
    n = count(el.text)
    if n <= limit:
        yield Piece(el.text, n)
        return
    # Tables split by rows so each part stays a readable table fragment.
    parts = (el.text.splitlines() if el.kind is ElementKind.TABLE
             else [el.text[s.lead : s.end] for s in sentences(el.text)])
    for part in filter(None, (p.strip() for p in parts)):
        m = count(part)
        if m <= limit:
            yield Piece(part, m)
        else:
            yield from (Piece(w, count(w)) for w in split_words(part, limit, count))


def tail_overlap(pieces: list[Piece], overlap: int) -> list[Piece]:
    """Whole trailing pieces of the previous chunk, up to `overlap` tokens."""
    out: list[Piece] = []
    for p in reversed(pieces):
        if sum(x.tokens for x in out) + p.tokens > overlap:
            break
        out.insert(0, p)
    return out


def pack(pieces: list[Piece], limit: int, overlap: int) -> Iterator[tuple[list[Piece], int]]:
    """Greedy packing; yields (pieces, how many leading pieces repeat the previous chunk)."""
    current: list[Piece] = []
    carried = 0
    for piece in pieces:
        # Word pieces never span whitespace, so counts of "\n"-joined parts add up exactly.
        if current and sum(p.tokens for p in current) + piece.tokens > limit:
            yield current, carried
            current = tail_overlap(current[carried:], overlap)
            if sum(p.tokens for p in current) + piece.tokens > limit:
                current = []
            carried = len(current)
        current.append(piece)
    if current[carried:]:
        yield current, carried


def chunk_document(doc: ParsedDocument, count: Count, max_tokens: int, overlap: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    body = [e for e in doc.elements if e.kind is not ElementKind.TITLE and e.text.strip()]
    for (crumbs, page), group in groupby(body, key=lambda e: (e.breadcrumbs, e.page)):
        crumbs = heading_for(crumbs, count)
        limit = max_tokens - (count(" > ".join(crumbs)) + 1 if crumbs else 0)
        pieces = [p for el in group for p in pieces_of(el, limit, count)]
        for packed, carried in pack(pieces, limit, overlap):
            text = "\n".join(p.text for p in packed)
            repeated = sum(len(p.text) + 1 for p in packed[:carried])
            chunks.append(make_chunk(doc, crumbs, page, len(chunks), text, repeated, count))
    return chunks


def make_chunk(
    doc: ParsedDocument, crumbs: tuple[str, ...], page: int | None, position: int,
    text: str, overlap: int, count: Count,
) -> Chunk:
    h = text_hash(text)
    chunk = Chunk(
        id=chunk_id(doc.source, position, h), source=doc.source, title=doc.title, text=text,
        breadcrumbs=crumbs, page=page, position=position, content_hash=h,
        doc_hash=doc.content_hash, mtime=doc.mtime, overlap=overlap,
    )
    return replace(chunk, tokens=count(chunk.embed_text))
