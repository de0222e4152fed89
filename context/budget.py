"""Split the prompt budget by role from the real token counts of its parts.

reserve = RESERVE_SHARE of the total, kept free for the answer; history gets at most
HISTORY_SHARE of the total and is trimmed oldest-first to fit; the context (passages) gets
whatever system prompt, question, history and reserve leave over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from context.render import Count, render_turn
from core.models import Budget, Dropped, DropReason, Turn

# A cited answer of three or four sentences is 100-150 word pieces in a 1024-token budget.
RESERVE_SHARE = 0.15
# Follow-ups refer to the last turn or two; the passages must stay the largest share.
HISTORY_SHARE = 0.25


@dataclass(frozen=True)
class BudgetPlan:
    budget: Budget
    history: tuple[Turn, ...]  # the turns kept, oldest first
    dropped: tuple[Dropped, ...]  # the older turns that did not fit (DropReason.HISTORY)


def plan_budget(
    total: int,
    system: str,
    question: str,
    history: Sequence[Turn],
    count: Count,
    *,
    reserve_share: float = RESERVE_SHARE,
    history_share: float = HISTORY_SHARE,
) -> BudgetPlan:
    kept, dropped = trim_history(history, int(total * history_share), count)
    budget = Budget(
        total=total,
        system=count(system),
        history=sum(count(render_turn(t)) for t in kept),
        question=count(question),
        reserve=int(total * reserve_share),
    )
    return BudgetPlan(budget, kept, dropped)


def trim_history(
    history: Sequence[Turn], limit: int, count: Count
) -> tuple[tuple[Turn, ...], tuple[Dropped, ...]]:
    """Newest turns that fit in `limit`; everything older than the first misfit is dropped."""
    sizes = [count(render_turn(t)) for t in history]
    start, used = len(history), 0
    while start > 0 and used + sizes[start - 1] <= limit:
        start -= 1
        used += sizes[start]
    dropped = tuple(
        Dropped(chunk_id=f"turn-{i}", source=t.role, reason=DropReason.HISTORY, tokens=n)
        for i, (t, n) in enumerate(zip(history[:start], sizes, strict=False))
    )
    return tuple(history[start:]), dropped
