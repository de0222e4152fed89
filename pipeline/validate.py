"""validate: the one place a request's question and limits are checked."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.errors import BadInput
from core.text import visible
from pipeline.config import RequestSettings
from pipeline.state import State


@dataclass(frozen=True)
class Validate:
    limits: RequestSettings
    name = "validate"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        question = q.question.strip()
        if not visible(question).strip():
            raise BadInput("the question is empty: send at least one word (control and "
                           "zero-width characters do not count)")
        limit = self.limits.max_question_chars
        if len(question) > limit:
            raise BadInput(f"the question has {len(question)} characters; the limit is "
                           f"{limit}: shorten it")
        if q.top_k is not None and q.top_k < 1:
            raise BadInput(f"top_k must be at least 1, got {q.top_k}")
        if q.budget is not None and q.budget < 1:
            raise BadInput(f"the token budget must be a positive number, got {q.budget}")
        return replace(state, query=replace(q, question=question))
