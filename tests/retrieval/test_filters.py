from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from core.errors import BadInput
from core.models import Chunk, Filters, Hit
from retrieval.filters import (
    GLOB_OVERSAMPLE,
    apply_glob,
    candidate_limit,
    glob_matches,
    parse_filters,
    parse_time,
)

MakeChunk = Callable[..., Chunk]


def test_parse_all_fields() -> None:
    f = parse_filters(" docs/*.md ", "./guides\\ops/", "a, b,,a", "2024-05-31")
    assert f == Filters(
        source_glob="docs/*.md",
        path_prefix="guides/ops/",
        tags=("a", "b"),
        modified_after=datetime(2024, 5, 31, tzinfo=UTC).timestamp(),
    )


def test_empty_values_mean_unset() -> None:
    assert parse_filters("", "  ", [], "") == Filters()
    assert parse_filters() == Filters()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_700_000_000, 1_700_000_000.0),
        (1_700_000_000.5, 1_700_000_000.5),
        ("20240531", datetime(2024, 5, 31, tzinfo=UTC).timestamp()),  # ISO basic, not epoch
        ("2024-05-31T14:00:00Z", datetime(2024, 5, 31, 14, tzinfo=UTC).timestamp()),
        ("2024-05-31T16:00:00+02:00", datetime(2024, 5, 31, 14, tzinfo=UTC).timestamp()),
        ("2024-05-31T14:00:00", datetime(2024, 5, 31, 14, tzinfo=UTC).timestamp()),
    ],
)
def test_parse_time_accepts_epoch_and_iso(value: str | float, expected: float) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"modified_after": "last tuesday"}, "use ISO 8601"),
        ({"modified_after": "2024-13-01"}, "use ISO 8601"),
        ({"modified_after": -5}, "epoch seconds >= 0"),
        ({"modified_after": float("nan")}, "epoch seconds >= 0"),
        ({"modified_after": True}, "not a bool"),
        ({"path_prefix": "/etc/docs"}, "relative to the ingested folder"),
        ({"path_prefix": "C:\\docs"}, "relative to the ingested folder"),
        ({"path_prefix": "docs/../secrets"}, "contains '..'"),
        ({"source_glob": "/abs/*.md"}, "relative to the ingested folder"),
        ({"tags": ["ok", 3]}, "tags must be strings"),
    ],
)
def test_invalid_input_says_what_to_fix(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_filters(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "pattern", "matches"),
    [
        ("docs/guide.md", "*.md", True),
        ("docs/a/b/guide.md", "docs/*.md", True),  # * crosses '/'
        ("docs/guide.md", "docs/*.pdf", False),
        ("docs/Guide.md", "docs/guide.md", False),  # case-sensitive
        ("report-2024.pdf", "report-202[34].pdf", True),
    ],
)
def test_glob_matches(source: str, pattern: str, matches: bool) -> None:
    assert glob_matches(source, pattern) is matches


def test_apply_glob_filters_and_reranks(make_chunk: MakeChunk) -> None:
    chunks = [make_chunk(c, source=s) for c, s in [("a", "x.pdf"), ("b", "y.md"), ("c", "z.md")]]
    hits = [Hit(c, 1.0 - i / 10, i + 1) for i, c in enumerate(chunks)]
    out = apply_glob(hits, Filters(source_glob="*.md"))
    assert [(h.chunk.id, h.rank) for h in out] == [("b", 1), ("c", 2)]
    assert apply_glob(hits, Filters()) == hits
    assert apply_glob(hits, None) == hits


def test_candidate_limit_oversamples_only_with_glob() -> None:
    assert candidate_limit(50, None) == 50
    assert candidate_limit(50, Filters(path_prefix="docs")) == 50
    assert candidate_limit(50, Filters(source_glob="*.md")) == 50 * GLOB_OVERSAMPLE
