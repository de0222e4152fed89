"""What a request may ask for (LORE_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Long enough for a real question with pasted context; a guard against abuse.
    max_question_chars: int = 2000
