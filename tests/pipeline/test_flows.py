"""The flows over the real sample index: step order, one span per step, what each step hands
the next, and what evaluation leaves out."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from answer.base import Draft, GenerationInput
from answer.extractive import ExtractiveAnswerer
from core.errors import BadInput
from core.models import Turn
from core.tokenizer import Tokenizer
from lore.compose import Lore
from pipeline.runner import Flow, run
from pipeline.state import Query, State

FOLLOW_UP = "and after five years?"
FIRST = "How many PTO days do new employees get?"


@dataclass
class Recording:
    """The extractive answerer, keeping what the generate step handed it."""

    inner: ExtractiveAnswerer = field(default_factory=ExtractiveAnswerer)
    seen: list[GenerationInput] = field(default_factory=list)
    system_prompt: str = "A much longer system prompt than the default. " * 8

    @property
    def tokenizer(self) -> Tokenizer:
        return self.inner.tokenizer

    def generate(self, request: GenerationInput) -> Draft:
        self.seen.append(request)
        return self.inner.generate(request)


@pytest.fixture(scope="module")
def recorded(sample_index, lore_for) -> tuple[Lore, Recording]:
    settings, _ = sample_index
    generator = Recording()
    return lore_for(settings, generator=generator), generator


def test_the_flows_are_one_list(sample_lore: Lore) -> None:
    flows = sample_lore.flows
    search = [s.name for s in flows.search.steps]
    ask = [s.name for s in flows.ask.steps]
    in_order = ["validate", "resolve_version", "rewrite", "retrieve", "assemble"]
    assert [n for n in search if n in in_order] == in_order and search[-1] == "assemble"
    assert [n for n in ask if n in search] == search  # /search is /ask's retrieval part
    assert ask.index("generate") < ask.index("verify") < ask.index("record") == len(ask) - 1
    assert ask.index("cache_read") < ask.index("retrieve")
    assert ask.index("verify") < ask.index("cache_write")
    served = {"admit", "cache_read", "cache_write", "meter", "record"}
    evaluate = flows.evaluate.steps
    assert [s.name for s in evaluate] == [n for n in ask if n not in served]
    assert all(any(s is t for t in flows.ask.steps) for s in evaluate)  # the same objects


def test_one_span_per_step_and_the_stages_under_retrieve(sample_lore: Lore) -> None:
    state, trace = sample_lore.ask(Query(FIRST))
    root = trace.spans[0]
    assert root.name == "ask" and root.parent is None
    steps = [s for s in trace.spans if s.parent == 0]
    assert [s.name for s in steps] == [s.name for s in sample_lore.flows.ask.steps]
    retrieve = trace.spans.index(next(s for s in steps if s.name == "retrieve"))
    stages = [s.name for s in trace.spans if s.parent == retrieve]
    assert stages == ["embed", "dense", "sparse", "fuse", "rerank"]
    for s in trace.spans:
        assert s.end_ns is not None and s.start_ns <= s.end_ns
        if s.parent is not None:
            parent = trace.spans[s.parent]
            assert parent.end_ns is not None
            assert parent.start_ns <= s.start_ns and s.end_ns <= parent.end_ns
    timings = trace.timings_ms()
    assert timings["total"] >= sum(timings[s.name] for s in steps) - 0.01
    assert state.answer is not None and not state.answer.abstained
    assert next(s for s in steps if s.name == "resolve_version").attributes == {
        "version": state.version}


def test_the_generator_gets_the_users_question_and_the_trimmed_history(
    recorded: tuple[Lore, Recording]
) -> None:
    app, generator = recorded
    chatter = [Turn("user", f"Old question {i} about the cafeteria menu " + "and more " * 60)
               for i in range(6)]
    history = (*chatter, Turn("user", FIRST), Turn("assistant", "22 days."))
    state, _ = app.ask(Query(FOLLOW_UP, history))
    seen = generator.seen[-1]
    assert seen.question == FOLLOW_UP  # never the internal rewrite
    assert seen.standalone == state.standalone != FOLLOW_UP
    assert state.prompt is not None and seen.history == state.prompt.history
    assert len(seen.history) < len(history) and seen.history[-1] == history[-1]
    assert any(d.reason == "history" for d in state.prompt.context.dropped)


def test_the_budget_counts_the_generators_own_system_prompt(
    recorded: tuple[Lore, Recording], sample_lore: Lore
) -> None:
    app, generator = recorded
    own, _ = app.search(Query(FIRST))
    default, _ = sample_lore.search(Query(FIRST))
    assert own.prompt is not None and default.prompt is not None
    count = sample_lore.flows.search.steps[-1].builder.count  # type: ignore[attr-defined]
    assert own.prompt.context.budget.system == count(generator.system_prompt)
    assert own.prompt.context.budget.system > default.prompt.context.budget.system


def test_evaluation_is_not_serving_traffic(sample_lore: Lore) -> None:
    before = sample_lore.stats.summary()
    run(sample_lore.flows.evaluate, State(Query(FIRST)))
    assert sample_lore.stats.summary() == before
    sample_lore.ask(Query(FIRST))
    after = sample_lore.stats.summary()
    version = sample_lore.active.current()
    assert after[version]["requests"] == before.get(version, {}).get("requests", 0) + 1


def test_a_step_after_an_early_answer_is_skipped_unless_it_always_runs() -> None:
    ran: list[str] = []

    @dataclass(frozen=True)
    class Mark:
        name: str
        always: bool = False
        finish: bool = False

        def __call__(self, state: State) -> State:
            ran.append(self.name)
            return State(state.query, done=self.finish or state.done)

    flow = Flow("t", (Mark("a", finish=True), Mark("b"), Mark("c", always=True)))
    state, trace = run(flow, State(Query("q")))
    assert ran == ["a", "c"] and state.done
    assert [s.name for s in trace.spans] == ["t", "a", "c"]


@pytest.mark.parametrize(("query", "problem"), [
    (Query("   \n\t "), "empty"),
    (Query("x" * 2001), "2001 characters"),
    (Query("ok", top_k=0), "top_k"),
    (Query("ok", budget=0), "budget"),
])
def test_validation_is_one_step(sample_lore: Lore, query: Query, problem: str) -> None:
    with pytest.raises(BadInput, match=problem):
        sample_lore.search(query)
