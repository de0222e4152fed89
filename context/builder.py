"""One call from a retrieval result to a budgeted context, for the answer pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from context.assemble import assemble
from context.budget import plan_budget
from context.config import ContextSettings
from context.packing import PackingOrder
from context.render import Count
from core.models import Context, Turn
from core.tokenizer import Tokenizer
from index.base import IndexStore
from retrieval.hybrid import RetrievalResult


@dataclass(frozen=True)
class Prompt:
    context: Context  # dropped history turns are reported in context.dropped
    history: tuple[Turn, ...]  # the turns that fit the history share, oldest first
    tokenizer: str = ""  # what counted the budget and every count in the context


class ContextBuilder:
    def __init__(
        self,
        store: IndexStore,
        tokenizer: Tokenizer,
        settings: ContextSettings,
        *,
        min_score: float = 0.0,
        order: PackingOrder | None = None,
    ) -> None:
        """`order`: None for `settings.packing`."""
        self.store = store
        self.tokenizer = tokenizer.name  # the tokenizer of whatever reads the prompt
        self.count: Count = tokenizer.count
        self.total = settings.budget_tokens
        self.min_score = min_score
        self.order = order or settings.packing
        self.reach = settings.reach  # 0: no neighbours; None: the order's default

    def build(
        self,
        version: str,
        question: str,
        result: RetrievalResult,
        history: Sequence[Turn] = (),
        system: str = "",
        total: int | None = None,
        steer: str | None = None,
    ) -> Prompt:
        """`question` is what the reader will see; `steer` (default: the question) is what
        packing looks for, e.g. the standalone form of a follow-up. `total` overrides the
        configured budget for one request."""
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
            question=steer or question,
        )
        return Prompt(context, plan.history, self.tokenizer)
