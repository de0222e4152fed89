"""generate, verify: a draft from the generator, then every claim checked against its source."""

from __future__ import annotations

from dataclasses import dataclass, replace

from answer.base import GenerationInput, Generator
from answer.grounding import ground
from core.tracing import annotate
from pipeline.state import State, need


@dataclass(frozen=True)
class Generate:
    generator: Generator
    name = "generate"
    always = False

    def __call__(self, state: State) -> State:
        prompt = need(state.prompt, "prompt")
        request = GenerationInput(
            question=state.query.question, history=prompt.history, context=prompt.context,
            standalone=state.standalone,
        )
        draft = self.generator.generate(request)
        annotate(abstained=draft.abstained, evidence=round(draft.evidence, 4))
        return replace(state, draft=draft)


@dataclass(frozen=True)
class Verify:
    name = "verify"
    always = False

    def __call__(self, state: State) -> State:
        answer = ground(need(state.draft, "draft"), need(state.prompt, "prompt").context)
        annotate(abstained=answer.abstained, citations=len(answer.citations))
        return replace(state, answer=answer)
