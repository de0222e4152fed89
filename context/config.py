"""Context settings: the prompt budget and how passages are packed into it (LORE_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from context.packing import PackingOrder


class ContextSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # "coverage": the sentences of the hits and their neighbours that add the most new words
    # per token (context recall 0.571 -> 0.670 on the rhdh dev set, docs/tuning.md); "score":
    # whole chunks, best first, for a corpus whose every step must arrive intact.
    packing: PackingOrder = PackingOrder.COVERAGE
    budget_tokens: int = Field(default=1024, ge=1)
    # Neighbours each side of a hit that may join it; None: the packing order's own reach.
    reach: int | None = Field(default=None, ge=0)
