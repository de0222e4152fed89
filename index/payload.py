"""Chunk <-> point payload, and Filters as backend-neutral conditions each backend translates.

Every condition here can be answered exactly by a keyword/number payload index, so both Qdrant
Edge and a Qdrant server filter inside the vector search instead of after it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import BadInput
from core.models import Chunk, Filters, SparseVector

# Payload fields that carry a payload index, with the index kind (see edge.py / other backends).
KEYWORD_FIELDS = ("source", "dirs", "tags", "flag")
INTEGER_FIELDS = ("position",)
FLOAT_FIELDS = ("mtime",)


def ancestor_dirs(source: str) -> list[str]:
    """'a/b/c.md' -> ['a', 'a/b']: a path-prefix filter becomes an exact keyword match."""
    parts = source.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def to_payload(chunk: Chunk) -> dict[str, Any]:
    return {
        "text": chunk.text,
        "source": chunk.source,
        "title": chunk.title,
        "breadcrumbs": list(chunk.breadcrumbs),
        "page": chunk.page,
        "position": chunk.position,
        "content_hash": chunk.content_hash,
        "doc_hash": chunk.doc_hash,
        "trust": chunk.trust,
        "mtime": chunk.mtime,
        "tokens": chunk.tokens,
        "tags": list(chunk.tags),
        "overlap": chunk.overlap,
        "dirs": ancestor_dirs(chunk.source),
        # Null when clean: "is empty" (null or missing, as in versions built before the
        # guard) is what the engine can match, and what a quarantine keeps.
        "flag": chunk.flag or None,
    }


def from_payload(point_id: object, payload: dict[str, Any]) -> Chunk:
    """`point_id` may come back as a uuid.UUID (Edge does that): ids stay strings in lore."""
    return Chunk(
        id=str(point_id),
        source=payload["source"],
        title=payload["title"],
        text=payload["text"],
        breadcrumbs=tuple(payload["breadcrumbs"]),
        page=payload["page"],
        position=payload["position"],
        content_hash=payload["content_hash"],
        doc_hash=payload["doc_hash"],
        mtime=payload["mtime"],
        trust=payload["trust"],
        tokens=payload["tokens"],
        tags=tuple(payload["tags"]),
        overlap=payload.get("overlap", 0),
        flag=payload.get("flag") or "",
    )


@dataclass(frozen=True)
class OneOf:
    """`key` (or one element of it, for list fields) equals one of `values`."""

    key: str
    values: tuple[str | int, ...]


@dataclass(frozen=True)
class Above:
    """`key` is strictly greater than `bound`."""

    key: str
    bound: float


@dataclass(frozen=True)
class AnyOf:
    """At least one of the nested conditions holds."""

    options: tuple[OneOf | Above, ...]


@dataclass(frozen=True)
class Empty:
    """`key` is missing, null or an empty list."""

    key: str


# The chunks the document guard did not flag.
UNFLAGGED = Empty("flag")

Condition = OneOf | Above | AnyOf | Empty


def conditions(filters: Filters | None) -> list[Condition]:
    """What the engine must enforce (all of it); `source_glob` is left to the retrieval layer."""
    if filters is None:
        return []
    out: list[Condition] = []
    prefix = (filters.path_prefix or "").strip("/")
    if prefix:
        # A folder matches through `dirs`; a prefix naming the file itself matches `source`.
        out.append(AnyOf((OneOf("dirs", (prefix,)), OneOf("source", (prefix,)))))
    if filters.tags:
        out.append(OneOf("tags", tuple(filters.tags)))
    if filters.modified_after is not None:
        out.append(Above("mtime", filters.modified_after))
    if not filters.flagged:
        out.append(UNFLAGGED)
    return out


def neighbour_conditions(source: str, positions: list[int]) -> list[Condition]:
    """A flagged chunk never joins a passage as a neighbour: only as a hit, where the guard
    policy (quarantine or fence) has seen it."""
    return [OneOf("source", (source,)), OneOf("position", tuple(positions)), UNFLAGGED]


# Points per write and per scroll page, for both backends: ~0.5 MB of 384-d vectors plus
# payload per call, a good pace without memory spikes (and far below a server's request limit).
BATCH = 256
PAGE = 256
# A version names a directory or a collection: no separators, no leading dot.
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def check_version(version: str) -> str:
    if not VERSION_NAME.fullmatch(version):
        raise BadInput(f"invalid version name {version!r}")
    return version


def check_ids(ids: Sequence[str]) -> None:
    """Chunk ids are UUIDs; anything else is the caller's mistake, not an engine error."""
    for point_id in ids:
        try:  # canonical only: the engines parse fewer spellings than uuid.UUID accepts
            canonical = str(uuid.UUID(point_id)) == point_id.lower()
        except ValueError:
            canonical = False
        if not canonical:
            raise BadInput(f"chunk id {point_id!r} is not a UUID like "
                           "'0d32b48a-f2b7-5d5c-bca3-e48537f267c2'")


def stored_sparse(vector: Any) -> SparseVector:
    """A sparse vector as an engine hands it back (Edge's and qdrant-client's both carry
    `indices` and `values`)."""
    return SparseVector(tuple(vector.indices), tuple(vector.values))
