"""Chunk and hit factories for the pure retrieval functions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from core.models import Chunk, Hit

MakeChunk = Callable[..., Chunk]
MakeHits = Callable[[list[Chunk], list[float]], list[Hit]]


def _chunk(cid: str, text: str | None = None, *, source: str | None = None, trust: float = 1.0,
           mtime: float = 0.0, position: int = 0) -> Chunk:
    body = text if text is not None else f"text of {cid}"
    return Chunk(
        id=cid, source=source or f"docs/{cid}.md", title=cid, text=body, breadcrumbs=(),
        page=None, position=position, content_hash=hashlib.sha256(body.encode()).hexdigest(),
        doc_hash=cid, mtime=mtime, trust=trust,
    )


@pytest.fixture
def make_chunk() -> MakeChunk:
    return _chunk


def _hits(chunks: list[Chunk], scores: list[float]) -> list[Hit]:
    """Hits ranked 1..n in the order given."""
    return [Hit(c, s, r) for r, (c, s) in enumerate(zip(chunks, scores, strict=True), start=1)]


@pytest.fixture
def make_hits() -> MakeHits:
    return _hits
