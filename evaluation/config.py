"""The evaluation gate's settings (LORE_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class GateSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    eval_set: Path | None = None  # None: promotion is not gated
    eval_budget: int | None = None  # None: the context budget
    # Largest allowed drop (absolute, every metric is in 0..1) against the active version.
    # 0.02 ~ half a question on the 32-question sample set: noise-free numbers still leave room
    # for a tie-break flip; answers move more with retrieval, so F1 gets a little more slack.
    # Citations are verbatim quotes, so any unsupported one is a bug; an unanswerable question
    # that stops abstaining is a hallucination.
    eval_max_drop: dict[str, float] = {
        "context_recall": 0.02,
        "hit@5": 0.02,
        "answer_f1": 0.03,
        "citation_precision": 0.0,
        "correct_abstention": 0.0,
    }
