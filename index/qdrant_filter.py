"""Backend-neutral conditions (index/payload.py) as a qdrant-client filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdrant_client import models

from index.payload import Above, AnyOf, Condition, Empty, OneOf


def _one_of(cond: OneOf) -> models.FieldCondition:
    if len(cond.values) == 1:
        return models.FieldCondition(key=cond.key, match=models.MatchValue(value=cond.values[0]))
    # MatchAny takes all-str or all-int lists; a condition never mixes them.
    values: list[Any] = list(cond.values)
    return models.FieldCondition(key=cond.key, match=models.MatchAny(any=values))


def _condition(
    cond: Condition,
) -> models.FieldCondition | models.Filter | models.IsEmptyCondition:
    match cond:
        case OneOf():
            return _one_of(cond)
        case Above():
            return models.FieldCondition(key=cond.key, range=models.Range(gt=cond.bound))
        case AnyOf():
            return models.Filter(should=[_condition(option) for option in cond.options])
        case Empty():
            return models.IsEmptyCondition(is_empty=models.PayloadField(key=cond.key))


def qdrant_filter(conds: Sequence[Condition]) -> models.Filter | None:
    return models.Filter(must=[_condition(c) for c in conds]) if conds else None
