"""record: serving statistics per index version (never run by evaluation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core import tracing
from pipeline.state import State, need


class Recorder(Protocol):
    def record(self, version: str, abstained: bool, ms: float, tokens: int = 0,
               cost: float = 0.0) -> None: ...


@dataclass(frozen=True)
class Record:
    recorder: Recorder
    name = "record"
    always = True

    def __call__(self, state: State) -> State:
        trace = tracing.current()
        ms = trace.elapsed_ms() if trace else 0.0
        usage = state.draft.usage if state.draft and state.cache is None else None
        tokens = usage.input_tokens + usage.output_tokens if usage else 0
        self.recorder.record(state.version, need(state.answer, "answer").abstained, ms, tokens,
                             usage.cost if usage else 0.0)
        return state
