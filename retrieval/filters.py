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
# Bounds on what a filter may ask, so no request can cost seconds: a glob's matching time grows
# with its length times its wildcards (a 1 MB glob of 500k '*' took 7.7 s of CPU); a real path
# pattern has a handful of wildcards and fits a line. Tags and prefixes: far above real use.
MAX_GLOB_CHARS = 256
MAX_WILDCARDS = 8
MAX_PREFIX_CHARS = 512
MAX_TAGS = 32
MAX_TAG_CHARS = 128
# A glob with at most MAX_WILDCARDS of '*', '?' or '[': the schema pattern of source_glob.
GLOB_PATTERN = rf"^[^*?\[]*(?:[*?\[][^*?\[]*){{0,{MAX_WILDCARDS}}}$"


def _iso_date(sep: str) -> str:
    """A calendar date, extended (2024-05-31) or basic (20240531): month lengths and leap
    days spelled out, so that every string the pattern admits is a date (a schema-valid
    filter is never refused)."""
    md = (rf"((0[13578]|1[02]){sep}(0[1-9]|[12][0-9]|3[01])|(0[469]|11){sep}(0[1-9]|[12][0-9]|30)"
          rf"|02{sep}(0[1-9]|1[0-9]|2[0-8]))")
    leap = (rf"([0-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26])00)"
            rf"{sep}02{sep}29")
    return rf"([1-9][0-9]{{3}}{sep}{md}|{leap})"


_ISO_TIME = (r"([T ]([01][0-9]|2[0-3])(:[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?)?"
             r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?")
# The schema pattern of a modified_after string: an ISO 8601 date or date-time, or blank.
DATE_PATTERN = rf"^\s*(({_iso_date('-')}|{_iso_date('')}){_ISO_TIME})?\s*$"


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
    """Epoch seconds from a number of epoch seconds, or from a string that is an ISO 8601
    date/datetime (naive means UTC): a string is never read as a number, so "20240101" is
    1 January 2024, not 1970."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadInput("modified_after must be a date like 2024-05-31 or epoch seconds, not a bool")
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
    glob = _relative("source_glob", value, "'docs/*.md'")
    if glob is not None and (len(glob) > MAX_GLOB_CHARS or not re.match(GLOB_PATTERN, glob)):
        raise BadInput(f"source_glob may have at most {MAX_GLOB_CHARS} characters and "
                       f"{MAX_WILDCARDS} wildcards ('*', '?', '['): simplify it")
    return glob


def _prefix(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_PREFIX_CHARS:
        raise BadInput(f"path_prefix may have at most {MAX_PREFIX_CHARS} characters")
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
    if len(items) > MAX_TAGS or any(len(t) > MAX_TAG_CHARS for t in items):
        raise BadInput(f"at most {MAX_TAGS} tags of at most {MAX_TAG_CHARS} characters each")
    return tuple(dict.fromkeys(t.strip() for t in items if t.strip()))
