"""Runs a flow: one span per step, so timings, traces and metrics all come from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.tracing import Trace, tracing
from pipeline.state import State


class Step(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def always(self) -> bool:
        """Runs even after an earlier step answered (`State.done`): recording, cache writes."""
        ...

    def __call__(self, state: State) -> State: ...


@dataclass(frozen=True)
class Flow:
    name: str
    steps: tuple[Step, ...]

    def without(self, *names: str) -> Flow:
        return Flow(self.name, tuple(s for s in self.steps if s.name not in names))

    def prefix(self, last: str) -> Flow:
        """The steps up to and including `last`."""
        names = [s.name for s in self.steps]
        return Flow(self.name, self.steps[: names.index(last) + 1])


def run(flow: Flow, state: State, trace: Trace | None = None) -> tuple[State, Trace]:
    """The state after every step of `flow`, and the trace of the run (the caller keeps or
    exports it: lore/observe.py)."""
    trace = trace or Trace(flow.name)
    with tracing(trace), trace.span(flow.name):
        for step in flow.steps:
            if state.done and not step.always:
                continue
            with trace.span(step.name):
                state = step(state)
    return state, trace
