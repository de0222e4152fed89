"""record: serving statistics per index version (never run by evaluation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core import tracing
from pipeline.state import State, need


class Recorder(Protocol):
    def record(self, version: str, abstained: bool, ms: float) -> None: ...


@dataclass(frozen=True)
class Record:
    recorder: Recorder
    name = "record"
    always = True

    def __call__(self, state: State) -> State:
        trace = tracing.current()
        ms = trace.elapsed_ms() if trace else 0.0
        self.recorder.record(state.version, need(state.answer, "answer").abstained, ms)
        return state
