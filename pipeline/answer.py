"""generate, verify: a draft from the generator, then every claim checked against its source.

With a sink on the query (a streamed /ask) the draft's text goes to it as it is written; the
verified answer still comes from the verify step, which may drop what was streamed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from answer.base import Draft, GenerationInput, Generator, stream
from answer.grounding import ground
from core.tracing import annotate
from pipeline.state import Opened, Sink, State, need


@dataclass(frozen=True)
class Generate:
    generator: Generator
    # The generator of the chain the router chose (`State.route.models`); None: `generator`.
    pick: Callable[[tuple[str, ...]], Generator] | None = None
    name = "generate"
    always = False

    def __call__(self, state: State) -> State:
        prompt = need(state.prompt, "prompt")
        request = GenerationInput(
            question=state.query.question, history=prompt.history, context=prompt.context,
            standalone=state.standalone, deadline=state.query.deadline,
            system_prompt=state.release.prompts.system if state.release else "",
        )
        route, sink = state.route, state.query.sink
        generator = self.pick(route.models) if self.pick and route else self.generator
        draft = (generator.generate(request) if sink is None
                 else _streamed(generator, request, sink, state.version))
        annotate(abstained=draft.abstained, evidence=round(draft.evidence, 4),
                 finish_reason=draft.finish_reason)
        if draft.usage is not None:
            u = draft.usage
            annotate(model=u.model, provider=u.provider, input_tokens=u.input_tokens,
                     output_tokens=u.output_tokens, cost=u.cost, attempts=len(u.attempts))
        return replace(state, draft=draft)


def _streamed(generator: Generator, request: GenerationInput, sink: Sink, version: str) -> Draft:
    """The generator's events go to `sink` as they come; the last one is the whole draft
    (a sink that holds text back, pipeline/guard_stream.py, lets it go then)."""
    sink(Opened(version))
    for event in stream(generator, request):
        sink(event)
        if isinstance(event, Draft):
            return event
    raise RuntimeError("a generator stream ended without its draft")  # a generator bug


@dataclass(frozen=True)
class Verify:
    name = "verify"
    always = False

    def __call__(self, state: State) -> State:
        answer = ground(need(state.draft, "draft"), need(state.prompt, "prompt").context)
        annotate(abstained=answer.abstained, citations=len(answer.citations))
        return replace(state, answer=answer)
