"""admit, meter: per-key limits on requests and on what their answers cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.tracing import annotate
from pipeline.state import State


class Limiter(Protocol):
    def admit(self, principal: str | None) -> None:
        """Take one request from the key's allowance; TooManyRequests when none is left."""
        ...

    def charge(self, principal: str | None, tokens: int, cost: float) -> None:
        """Add an answer's model tokens and cost to the key's day."""
        ...


@dataclass(frozen=True)
class Admit:
    limiter: Limiter
    name = "admit"
    always = False

    def __call__(self, state: State) -> State:
        self.limiter.admit(state.query.principal)
        return state


@dataclass(frozen=True)
class Meter:
    limiter: Limiter
    name = "meter"
    always = True  # a cached or fixed answer costs nothing, but is still seen here

    def __call__(self, state: State) -> State:
        usage = state.draft.usage if state.draft else None
        if usage is not None and (usage.input_tokens or usage.output_tokens or usage.cost):
            tokens = usage.input_tokens + usage.output_tokens
            self.limiter.charge(state.query.principal, tokens, usage.cost)
            annotate(tokens=tokens, cost=usage.cost)
        return state
