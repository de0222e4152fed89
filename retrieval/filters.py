"""Filters from API input, validated, and the source glob the engine cannot apply itself.

Globs use fnmatch syntax matched case-sensitively against the whole '/'-separated source
path; `*` also crosses '/', so `*.md` matches `docs/guide.md`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase

from core.errors import BadInput
from core.models import Filters, Hit

# A glob keeps only part of what the engine returns; fetching 4x the candidates leaves
# enough matches for fusion unless the glob selects under a quarter of the collection.
GLOB_OVERSAMPLE = 4
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_filters(
    source_glob: str | None = None,
    path_prefix: str | None = None,
    tags: Sequence[str] | str | None = None,
    modified_after: str | float | None = None,
) -> Filters:
    """Empty strings count as "not set"; `tags` may be a list or a comma-separated string."""
    return Filters(
        source_glob=_glob(source_glob),
        path_prefix=_prefix(path_prefix),
        tags=_tags(tags),
        modified_after=parse_time(modified_after),
    )


def parse_time(value: str | float | None) -> float | None:
    """Epoch seconds from an epoch number or an ISO 8601 date/datetime (naive means UTC)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadInput("modified_after must be a date like 2024-05-31 or epoch seconds, not a bool")
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        value = float(value)
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise BadInput(f"modified_after must be epoch seconds >= 0, got {value}")
        return float(value)
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(
            f"modified_after {value!r} is not a date: use ISO 8601 (2024-05-31 or "
            "2024-05-31T14:00:00Z) or epoch seconds"
        ) from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def glob_matches(source: str, pattern: str) -> bool:
    return fnmatchcase(source, pattern)


def apply_glob(hits: Sequence[Hit], filters: Filters | None) -> list[Hit]:
    """Hits whose source matches the glob, re-ranked 1..n as if the engine had filtered."""
    if filters is None or filters.source_glob is None:
        return list(hits)
    pattern = filters.source_glob
    kept = [h for h in hits if glob_matches(h.chunk.source, pattern)]
    return [replace(h, rank=i) for i, h in enumerate(kept, start=1)]


def candidate_limit(limit: int, filters: Filters | None) -> int:
    return limit * GLOB_OVERSAMPLE if filters and filters.source_glob else limit


def _glob(value: str | None) -> str | None:
    return _relative("source_glob", value, "'docs/*.md'")


def _prefix(value: str | None) -> str | None:
    prefix = _relative("path_prefix", value, "'docs/'")
    if prefix is not None and ".." in prefix.split("/"):
        raise BadInput(
            f"path_prefix {value!r} contains '..': give a path inside the ingested folder"
        )
    return prefix


def _relative(name: str, value: str | None, example: str) -> str | None:
    """Sources are stored relative to the ingested root with '/': an absolute path never matches."""
    if value is None or not value.strip():
        return None
    path = value.strip().replace("\\", "/").removeprefix("./")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        raise BadInput(
            f"{name} {value!r} is absolute: give it relative to the ingested folder, e.g. {example}"
        )
    return path


def _tags(value: Sequence[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    if not all(isinstance(t, str) for t in items):
        raise BadInput(f"tags must be strings, got {items!r}")
    return tuple(dict.fromkeys(t.strip() for t in items if t.strip()))
