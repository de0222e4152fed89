"""Retrieval and context metrics for one question.

Each returns None when the item has nothing to measure against (no expected sources, no
reference context), so aggregation (`stats.mean`) leaves it out instead of counting it as 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fnmatch import fnmatchcase

from core.errors import BadInput
from evaluation.text import content_words, tokens


def matches(source: str, pattern: str) -> bool:
    """A '/'-path against an expected path or glob; `*` also crosses '/' (plain fnmatch).

    Equality is tried first so a literal path holding glob characters ("a[1].md") still matches.
    Case-sensitive on every platform, like the sources the index stores.
    """
    return source == pattern or fnmatchcase(source, pattern)


def _is_relevant(source: str, expected: Sequence[str]) -> bool:
    return any(matches(source, pattern) for pattern in expected)


def _check_k(k: int) -> None:
    if k < 1:
        raise BadInput(f"k must be at least 1, got {k}")


def source_hit_at_k(
    retrieved_sources: Sequence[str], expected: Sequence[str], k: int
) -> float | None:
    """1.0 if any of the top k sources matches an expected pattern, else 0.0."""
    _check_k(k)
    if not expected:
        return None
    return float(any(_is_relevant(s, expected) for s in retrieved_sources[:k]))


def mrr(
    retrieved_sources: Sequence[str], expected: Sequence[str], k: int | None = None
) -> float | None:
    """Reciprocal rank of the first relevant source (0.0 if none in the top k; k=None: all).

    Per question; the mean over questions (`stats.mean`) is the MRR.
    """
    if k is not None:
        _check_k(k)
    if not expected:
        return None
    for rank, source in enumerate(retrieved_sources[:k], start=1):
        if _is_relevant(source, expected):
            return 1.0 / rank
    return 0.0


def _new_relevant_positions(retrieved: Sequence[str], expected: Sequence[str]) -> list[int]:
    """0-based positions where a relevant source appears for the first time."""
    seen: set[str] = set()
    positions = []
    for i, source in enumerate(retrieved):
        if source not in seen and _is_relevant(source, expected):
            positions.append(i)
        seen.add(source)
    return positions


def _discount(position: int) -> float:
    return 1.0 / math.log2(position + 2)


def ndcg_at_k(
    retrieved_sources: Sequence[str], expected: Sequence[str], k: int = 10
) -> float | None:
    """Binary-relevance nDCG@k over sources; a source repeated (several chunks) gains only once.

    With globs the number of relevant documents is unknown, so the ideal ranking holds the larger
    of two lower bounds on it: one per distinct expected pattern, and the distinct relevant
    sources actually retrieved. Overlapping patterns ("docs/*.md" and "docs/a.md") therefore
    make a perfect score unreachable; write expected sources without overlap.
    """
    _check_k(k)
    if not expected:
        return None
    positions = _new_relevant_positions(retrieved_sources, expected)
    dcg = sum(_discount(i) for i in positions if i < k)
    ideal = min(k, max(len(set(expected)), len(positions)))
    return dcg / sum(_discount(i) for i in range(ideal))


def context_recall(reference_contexts: Sequence[str], assembled_context: str) -> float | None:
    """Share of the reference contexts' distinct content words present in the assembled context.

    A set, not a multiset: the question is whether the evidence reached the context, not how
    often. A multiset would also demand that overlapping reference contexts (adjacent chunks
    sharing text) appear twice, penalising an assembler for deduplicating correctly. Word
    presence does not depend on where chunk boundaries fall, so the score is chunk-size free.
    """
    wanted = set(content_words(" ".join(reference_contexts)))
    if not wanted:
        return None
    return len(wanted & set(tokens(assembled_context))) / len(wanted)
