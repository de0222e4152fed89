"""assemble: the passages, history and question that fit the reader's budget."""

from __future__ import annotations

from dataclasses import dataclass, replace

from context.builder import ContextBuilder
from core.tracing import annotate
from pipeline.state import State, need


@dataclass(frozen=True)
class Assemble:
    builder: ContextBuilder
    # The generator's: its tokens come out of the budget, unless the request's prompt
    # version (`State.release`) brings its own.
    system_prompt: str
    name = "assemble"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        prompt = self.builder.build(
            state.version, q.question, need(state.retrieval, "retrieval"), q.history,
            state.release.prompts.system if state.release else self.system_prompt, q.budget,
            steer=state.standalone,
        )
        ctx = prompt.context
        annotate(passages=len(ctx.passages), tokens=ctx.tokens, dropped=len(ctx.dropped))
        return replace(state, prompt=prompt)
