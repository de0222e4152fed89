"""Backend-neutral conditions (index/payload.py) as a Qdrant Edge filter."""

from __future__ import annotations

from collections.abc import Sequence

import qdrant_edge as qe

from index.payload import Above, AnyOf, Condition, Empty, OneOf

EdgeCondition = qe.FieldCondition | qe.Filter | qe.IsEmptyCondition


def _one_of(cond: OneOf) -> qe.FieldCondition:
    values = list(cond.values)
    match = qe.MatchValue(values[0]) if len(values) == 1 else qe.MatchAny(values)  # type: ignore[arg-type]
    return qe.FieldCondition(key=cond.key, match=match)


def _condition(cond: Condition) -> EdgeCondition:
    match cond:
        case OneOf():
            return _one_of(cond)
        case Above():
            return qe.FieldCondition(key=cond.key, range=qe.RangeFloat(gt=cond.bound))
        case AnyOf():
            return qe.Filter(should=[_condition(option) for option in cond.options])
        case Empty():
            return qe.IsEmptyCondition(cond.key)


def edge_filter(conds: Sequence[Condition]) -> qe.Filter | None:
    return qe.Filter(must=[_condition(c) for c in conds]) if conds else None
