"""Answer settings (LORE_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from answer.evidence import THRESHOLD


class AnswerSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # The evidence step's abstention threshold (answer/evidence.py), swept in docs/abstention.md.
    min_evidence: float = THRESHOLD
