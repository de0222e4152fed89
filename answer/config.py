"""Answer settings (LORE_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from answer.extractive import DEFAULT_THRESHOLD


class AnswerSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    min_evidence: float = DEFAULT_THRESHOLD  # abstention threshold, swept in docs/tuning.md
