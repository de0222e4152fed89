"""One call from a retrieval result to a budgeted context, for the answer pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from context.assemble import assemble
from context.budget import plan_budget
from context.packing import PackingOrder
from index.base import IndexStore
from lore.models import Context, Turn
from lore.settings import Settings
from lore.tokenizer import Tokenizer
from retrieval.hybrid import RetrievalResult


@dataclass(frozen=True)
class Prompt:
    context: Context  # dropped history turns are reported in context.dropped
    history: tuple[Turn, ...]  # the turns that fit the history share, oldest first


class ContextBuilder:
    def __init__(
        self,
        store: IndexStore,
        tokenizer: Tokenizer,
        settings: Settings,
        *,
        min_score: float = 0.0,
        order: PackingOrder | None = None,
        reach: int | None = None,
    ) -> None:
        """`order`: None for `settings.packing`; `reach`: neighbours on each side of a hit that
        come with it (0: none; None: the order's default)."""
        self.store = store
        self.count = tokenizer.count
        self.total = settings.budget_tokens
        self.min_score = min_score
        self.order = order or settings.packing
        self.reach = reach

    def build(
        self,
        version: str,
        question: str,
        result: RetrievalResult,
        history: Sequence[Turn] = (),
        system: str = "",
        total: int | None = None,
    ) -> Prompt:
        """`total` overrides the configured budget for one request."""
        plan = plan_budget(total or self.total, system, question, history, self.count)
        context = assemble(
            result.hits,
            plan.budget,
            self.count,
            duplicates=result.duplicates,
            neighbours=partial(self.store.neighbours, version) if self.reach != 0 else None,
            min_score=self.min_score,
            order=self.order,
            dropped=plan.dropped,
            reach=self.reach,
            question=question,
        )
        return Prompt(context, plan.history)
