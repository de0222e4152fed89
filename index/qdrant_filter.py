"""Backend-neutral conditions (index/payload.py) as a qdrant-client filter."""

from __future__ import annotations

from collections.abc import Sequence

from qdrant_client import models

from index.payload import Above, AnyOf, Condition, OneOf


def _one_of(cond: OneOf) -> models.FieldCondition:
    values = list(cond.values)
    match: models.MatchValue | models.MatchAny = (
        models.MatchValue(value=values[0]) if len(values) == 1 else models.MatchAny(any=values)  # type: ignore[arg-type]
    )
    return models.FieldCondition(key=cond.key, match=match)


def _condition(cond: Condition) -> models.FieldCondition | models.Filter:
    match cond:
        case OneOf():
            return _one_of(cond)
        case Above():
            return models.FieldCondition(key=cond.key, range=models.Range(gt=cond.bound))
        case AnyOf():
            return models.Filter(should=[_condition(option) for option in cond.options])


def qdrant_filter(conds: Sequence[Condition]) -> models.Filter | None:
    return models.Filter(must=[_condition(c) for c in conds]) if conds else None
